import {
  type AlterPartitionReassignmentsRequest,
  type AlterPartitionReassignmentsResponse,
  ApiKey,
  ErrorCode,
} from '@kilgore/protocol';
import { mayCluster } from '../acl/checks.js';
import { AclOperation } from '../acl/types.js';
import { defineHandler } from './types.js';

/**
 * AlterPartitionReassignments (kafka-reassign-partitions --execute, Admin.alterPartitionReassignments):
 * on chains, a partition's replica set may become another prefix of its chain (chain/reassignments.ts);
 * one node has only the one replica set. ALTER on the cluster, as Kafka.
 */
export const alterPartitionReassignmentsHandler = defineHandler<
  AlterPartitionReassignmentsRequest,
  AlterPartitionReassignmentsResponse
>({
  apiKey: ApiKey.AlterPartitionReassignments,
  minVersion: 0,
  maxVersion: 0,
  handle(request, info, broker) {
    if (!mayCluster(broker, info, AclOperation.ALTER)) {
      return {
        throttleTimeMs: 0,
        errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED,
        errorMessage: null,
        responses: [],
      };
    }
    const one = (name: string, partition: number, replicas: number[] | null) => {
      const reassignments = broker.chain?.reassignments;
      if (reassignments) return reassignments.alter(name, partition, replicas);
      const t = broker.topics.get(name);
      if (!t || partition < 0 || partition >= t.partitions)
        return {
          errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
          errorMessage: `${name}-${partition} does not exist`,
        };
      if (replicas === null)
        return {
          errorCode: ErrorCode.NO_REASSIGNMENT_IN_PROGRESS,
          errorMessage: 'no reassignment is in progress',
        };
      if (replicas.length === 1 && replicas[0] === broker.nodeId)
        return { errorCode: ErrorCode.NONE, errorMessage: null };
      return {
        errorCode: ErrorCode.INVALID_REPLICA_ASSIGNMENT,
        errorMessage: `this cluster is one node: every partition's replicas are [${broker.nodeId}]`,
      };
    };
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      responses: request.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => ({
          partitionIndex: p.partitionIndex,
          ...one(t.name, p.partitionIndex, p.replicas),
        })),
      })),
    };
  },
});
