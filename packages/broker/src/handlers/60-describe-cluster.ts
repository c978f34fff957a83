import {
  ApiKey,
  type DescribeClusterRequest,
  type DescribeClusterResponse,
  ErrorCode,
} from '@kilgore/protocol';
import { clusterOperations, NOT_REQUESTED } from './authorized-operations.js';
import { defineHandler } from './types.js';

/** Kafka's endpoint types (v1+): 1 = brokers, 2 = controllers. */
const BROKERS = 1;

/** DescribeCluster: this node, which is the whole cluster and its controller. */
export const describeClusterHandler = defineHandler<DescribeClusterRequest, DescribeClusterResponse>({
  apiKey: ApiKey.DescribeCluster,
  minVersion: 0,
  maxVersion: 2,
  handle(request, info, broker) {
    if (info.apiVersion >= 1 && request.endpointType !== BROKERS) {
      return {
        throttleTimeMs: 0,
        errorCode: ErrorCode.UNSUPPORTED_ENDPOINT_TYPE,
        errorMessage: 'Kilgore nodes have no separate controller endpoints',
        endpointType: request.endpointType,
        clusterId: broker.clusterId,
        controllerId: -1,
        brokers: [],
        clusterAuthorizedOperations: NOT_REQUESTED,
      };
    }
    const address = broker.advertised.find((a) => a.listener === info.listenerName) ?? broker.advertised[0]!;
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      endpointType: BROKERS,
      clusterId: broker.clusterId,
      controllerId: broker.chain ? (broker.chain.coordinator()?.nodeId ?? broker.nodeId) : broker.nodeId,
      // Under chain replication: every node of every chain, as Metadata lists them.
      brokers: broker.chain
        ? broker.chain
            .brokers()
            .map((m) => ({ brokerId: m.nodeId, host: m.host, port: m.port, rack: null, isFenced: false }))
        : [{ brokerId: broker.nodeId, host: address.host, port: address.port, rack: null, isFenced: false }],
      // As in Kafka, anyone may ask; the operations are 0 without DESCRIBE on the cluster.
      clusterAuthorizedOperations: clusterOperations(
        broker,
        info,
        request.includeClusterAuthorizedOperations,
      ),
    };
  },
});
