import {
  ApiKey,
  ErrorCode,
  type MetadataRequest,
  type MetadataResponse,
  type MetadataResponseMetadataResponseTopic,
  ZERO_UUID,
} from '@kilgore/protocol';
import type { BrokerContext } from '../context.js';
import { OFFSETS_TOPIC } from '../groups/offsets-log.js';
import { TopicError, type TopicInfo } from '../topics/registry.js';
import { invalidTopicNameReason } from '../topics/topic-name.js';
import { ALL_CLUSTER_OPERATIONS, ALL_TOPIC_OPERATIONS, NOT_REQUESTED } from './authorized-operations.js';
import { defineHandler } from './types.js';

/** One stable leader epoch: a single node never changes leader (Fetch v9+ checks it). */
export const LEADER_EPOCH = 0;

/**
 * Metadata: this node as the only broker and controller, and topics whose every partition it
 * leads. Unknown topics are auto-created when `auto.create.topics.enable` and the request allow it.
 */
export const metadataHandler = defineHandler<MetadataRequest, MetadataResponse>({
  apiKey: ApiKey.Metadata,
  minVersion: 0,
  maxVersion: 13,
  handle(request, info, broker) {
    const v = info.apiVersion;
    const address = broker.advertised.find((a) => a.listener === info.listenerName) ?? broker.advertised[0]!;
    // v0: an empty list means every topic; v1+: null means every topic.
    const all = request.topics === null || (v === 0 && request.topics.length === 0);
    // Before v4 there is no flag, and Kafka auto-creates whenever the broker allows it.
    const mayCreate = broker.config.autoCreateTopicsEnable && (v < 4 || request.allowAutoTopicCreation);
    const topics: MetadataResponseMetadataResponseTopic[] = [];
    if (all) {
      for (const t of broker.topics.list()) topics.push(describe(t, broker, request));
    } else {
      for (const wanted of request.topics ?? []) {
        topics.push(lookup(wanted.name, wanted.topicId, mayCreate, broker, request));
      }
    }
    return {
      throttleTimeMs: 0,
      brokers: [{ nodeId: broker.nodeId, host: address.host, port: address.port, rack: null }],
      clusterId: broker.clusterId,
      controllerId: broker.nodeId,
      topics,
      clusterAuthorizedOperations: request.includeClusterAuthorizedOperations
        ? ALL_CLUSTER_OPERATIONS
        : NOT_REQUESTED,
      errorCode: ErrorCode.NONE,
    };
  },
});

function lookup(
  name: string | null,
  topicId: string,
  mayCreate: boolean,
  broker: BrokerContext,
  request: MetadataRequest,
): MetadataResponseMetadataResponseTopic {
  if (name === null) {
    const t = broker.topics.byId(topicId);
    return t ? describe(t, broker, request) : failed(null, topicId, ErrorCode.UNKNOWN_TOPIC_ID);
  }
  const existing = broker.topics.get(name);
  if (existing) return describe(existing, broker, request);
  if (invalidTopicNameReason(name) !== null)
    return failed(name, ZERO_UUID, ErrorCode.INVALID_TOPIC_EXCEPTION);
  if (!mayCreate) return failed(name, ZERO_UUID, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  try {
    // Creation is synchronous here, so the new topic is answered at once instead of with
    // LEADER_NOT_AVAILABLE and a client retry as a Kafka cluster would.
    return describe(broker.createTopic(name, broker.config.numPartitions), broker, request);
  } catch (err) {
    if (err instanceof TopicError) return failed(name, ZERO_UUID, err.code);
    throw err;
  }
}

function describe(
  t: TopicInfo,
  broker: BrokerContext,
  request: MetadataRequest,
): MetadataResponseMetadataResponseTopic {
  const partitions = [];
  for (let p = 0; p < t.partitions; p++) {
    partitions.push({
      errorCode: ErrorCode.NONE,
      partitionIndex: p,
      leaderId: broker.nodeId,
      leaderEpoch: LEADER_EPOCH,
      replicaNodes: [broker.nodeId],
      isrNodes: [broker.nodeId],
      offlineReplicas: [],
    });
  }
  return {
    errorCode: ErrorCode.NONE,
    name: t.name,
    topicId: t.id,
    isInternal: t.name === OFFSETS_TOPIC,
    partitions,
    topicAuthorizedOperations: request.includeTopicAuthorizedOperations
      ? ALL_TOPIC_OPERATIONS
      : NOT_REQUESTED,
  };
}

function failed(
  name: string | null,
  topicId: string,
  errorCode: number,
): MetadataResponseMetadataResponseTopic {
  return {
    errorCode,
    name,
    topicId,
    isInternal: false,
    partitions: [],
    topicAuthorizedOperations: NOT_REQUESTED,
  };
}
