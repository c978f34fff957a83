import {
  ApiKey,
  ErrorCode,
  type MetadataRequest,
  type MetadataResponse,
  type MetadataResponseMetadataResponseTopic,
  ZERO_UUID,
} from '@kilgore/protocol';
import { mayCluster, mayTopic } from '../acl/checks.js';
import { AclOperation } from '../acl/types.js';
import { partitionReplicas } from '../chain/partition-answers.js';
import type { BrokerContext } from '../context.js';
import { OFFSETS_TOPIC } from '../groups/offsets-log.js';
import { CloseConnection } from '../server/connection.js';
import { SHARE_STATE_TOPIC } from '../share/index.js';
import { TopicError, type TopicInfo } from '../topics/registry.js';
import { replicationFactorFor } from '../topics/replication-factor.js';
import { invalidTopicNameReason } from '../topics/topic-name.js';
import {
  ALL_TOPIC_OPERATIONS,
  clusterOperations,
  NOT_REQUESTED,
  topicOperations,
} from './authorized-operations.js';
import { defineHandler, type RequestInfo } from './types.js';

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
    // v10-11 carry topic ids but Kafka never served them: a null name there is refused (the
    // response could not even carry it: names are nullable only from v12).
    if (v < 12 && request.topics?.some((t) => t.name === null)) {
      throw new CloseConnection(`Metadata v${v} does not support null topic names`);
    }
    // Kafka looks topics up by id whenever the request carries a non-zero id, whatever the names
    // say: the Java Admin client's describeTopics(TopicCollection.ofTopicIds(...)) sends the id
    // beside its default name "" (which, taken as a name, was INVALID_TOPIC_EXCEPTION with a zero
    // id, and that client threw IllegalStateException). Entries without an id are then ignored.
    const useIds = v >= 12 && (request.topics?.some((t) => t.topicId !== ZERO_UUID) ?? false);
    const address = broker.advertised.find((a) => a.listener === info.listenerName) ?? broker.advertised[0]!;
    // v0: an empty list means every topic; v1+: null means every topic.
    const all = request.topics === null || (v === 0 && request.topics.length === 0);
    // Before v4 there is no flag, and Kafka auto-creates whenever the broker allows it.
    const mayCreate = broker.config.autoCreateTopicsEnable && (v < 4 || request.allowAutoTopicCreation);
    const topics: MetadataResponseMetadataResponseTopic[] = [];
    if (all) {
      for (const t of broker.topics.list()) {
        // Kafka leaves out, without an error, the topics the requester may not describe.
        if (mayTopic(broker, info, AclOperation.DESCRIBE, t.name)) topics.push(describe(t, broker, request));
      }
    } else {
      for (const wanted of request.topics ?? []) {
        if (useIds && wanted.topicId === ZERO_UUID) continue;
        const name = useIds ? null : wanted.name;
        const denied = authorizationFailure(name, wanted.topicId, mayCreate, broker, info);
        topics.push(denied ?? lookup(name, wanted.topicId, mayCreate, broker, request));
      }
    }
    if (broker.authorizer.enabled && request.includeTopicAuthorizedOperations) {
      for (const t of topics) {
        if (t.errorCode === ErrorCode.NONE && t.name !== null) {
          t.topicAuthorizedOperations = topicOperations(broker, info, t.name, true);
        }
      }
    }
    // Under chain replication every node of every chain is a broker (addresses from the membership).
    const brokers = broker.chain
      ? broker.chain.brokers().map((m) => ({ nodeId: m.nodeId, host: m.host, port: m.port, rack: null }))
      : [{ nodeId: broker.nodeId, host: address.host, port: address.port, rack: null }];
    return {
      throttleTimeMs: 0,
      brokers,
      clusterId: broker.clusterId,
      // Under chain replication every node names the same one (any node takes topic admin).
      controllerId: broker.chain ? (broker.chain.coordinator()?.nodeId ?? broker.nodeId) : broker.nodeId,
      topics,
      clusterAuthorizedOperations: clusterOperations(
        broker,
        info,
        request.includeClusterAuthorizedOperations,
      ),
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
    return describe(
      broker.createTopic(name, broker.config.numPartitions, undefined, replicationFactorFor(-1, broker)),
      broker,
      request,
    );
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
    const r = partitionReplicas(broker, t.name, p);
    partitions.push({
      errorCode: r.leader < 0 ? ErrorCode.LEADER_NOT_AVAILABLE : ErrorCode.NONE,
      partitionIndex: p,
      leaderId: r.leader,
      leaderEpoch: r.epoch,
      replicaNodes: r.replicas,
      isrNodes: r.replicas,
      offlineReplicas: [],
    });
  }
  return {
    errorCode: ErrorCode.NONE,
    name: t.name,
    topicId: t.id,
    isInternal: t.name === OFFSETS_TOPIC || t.name === SHARE_STATE_TOPIC,
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

/**
 * Kafka's checks for a topic asked for by name or id: DESCRIBE to learn anything about it (checked
 * before whether it exists), and CREATE on the cluster or the topic to have it auto-created.
 * Undefined when the lookup may go ahead.
 */
function authorizationFailure(
  name: string | null,
  topicId: string,
  mayCreate: boolean,
  broker: BrokerContext,
  info: RequestInfo,
): MetadataResponseMetadataResponseTopic | undefined {
  if (!broker.authorizer.enabled) return undefined;
  const existing = name === null ? broker.topics.byId(topicId) : broker.topics.get(name);
  const topicName = name ?? existing?.name;
  if (topicName === undefined) return undefined; // an unknown id stays UNKNOWN_TOPIC_ID
  const denied = failed(name, name === null ? topicId : ZERO_UUID, ErrorCode.TOPIC_AUTHORIZATION_FAILED);
  if (!mayTopic(broker, info, AclOperation.DESCRIBE, topicName)) return denied;
  const wouldCreate = existing === undefined && mayCreate && invalidTopicNameReason(topicName) === null;
  if (
    wouldCreate &&
    !mayCluster(broker, info, AclOperation.CREATE) &&
    !mayTopic(broker, info, AclOperation.CREATE, topicName)
  ) {
    return denied;
  }
  return undefined;
}
