import {
  ApiKey,
  type CreateTopicsRequest,
  type CreateTopicsRequestCreatableTopic,
  type CreateTopicsResponse,
  type CreateTopicsResponseCreatableTopicResult,
  ErrorCode,
  ZERO_UUID,
} from '@kilgore/protocol';
import { mayCluster, mayTopic } from '../acl/checks.js';
import { AclOperation } from '../acl/types.js';
import type { BrokerContext } from '../context.js';
import { TopicError } from '../topics/registry.js';
import {
  replicationFactorFor,
  replicationFactorOfAssignment,
  servedReplicationFactor,
} from '../topics/replication-factor.js';
import { TopicConfigError, validateOverrides } from '../topics/topic-configs.js';
import { topicConfigEntries } from './config-entries.js';
import { defineHandler } from './types.js';

/**
 * CreateTopics (-1 takes `default.replication.factor`, partitions -1 take `num.partitions`, v4+).
 * One node: every replica is this node and the replication factor is 1. Chains: R members of
 * the partition's chain (topics/replication-factor.ts).
 */
export const createTopicsHandler = defineHandler<CreateTopicsRequest, CreateTopicsResponse>({
  apiKey: ApiKey.CreateTopics,
  minVersion: 0,
  maxVersion: 7,
  handle(request, info, broker) {
    // Kafka answers every entry of a name given twice with INVALID_REQUEST and creates none of them.
    const counts = new Map<string, number>();
    for (const t of request.topics) counts.set(t.name, (counts.get(t.name) ?? 0) + 1);
    const topics = request.topics.map((t): CreateTopicsResponseCreatableTopicResult => {
      if ((counts.get(t.name) ?? 0) > 1) {
        return result(
          t.name,
          ErrorCode.INVALID_REQUEST,
          `Create topics request contains multiple entries for ${t.name}`,
        );
      }
      // Kafka: CREATE on the cluster, or else on the topic.
      if (
        !mayCluster(broker, info, AclOperation.CREATE) &&
        !mayTopic(broker, info, AclOperation.CREATE, t.name)
      ) {
        return result(t.name, ErrorCode.TOPIC_AUTHORIZATION_FAILED, 'Authorization failed.');
      }
      try {
        const plan = placement(t, broker);
        const overrides = validateOverrides(t.configs.map((c) => [c.name, c.value] as const));
        // v5+ (KIP-525) answers with the topic's resulting configs, as DescribeConfigs would.
        const configs =
          info.apiVersion >= 5
            ? topicConfigEntries(overrides, broker.config, ALL).map((e) => ({
                name: e.name,
                value: e.value,
                readOnly: e.readOnly,
                configSource: e.configSource ?? -1,
                isSensitive: e.isSensitive,
              }))
            : [];
        if (request.validateOnly) {
          broker.topics.validateCreate(t.name, plan.partitions);
          return {
            ...result(t.name, ErrorCode.NONE, null),
            numPartitions: plan.partitions,
            replicationFactor: servedReplicationFactor(broker, t.name, plan.replicationFactor),
            configs,
          };
        }
        const created = broker.createTopic(t.name, plan.partitions, overrides, plan.replicationFactor);
        return {
          ...result(t.name, ErrorCode.NONE, null),
          topicId: created.id,
          numPartitions: created.partitions,
          replicationFactor: servedReplicationFactor(broker, t.name, plan.replicationFactor),
          configs,
        };
      } catch (err) {
        if (err instanceof TopicError || err instanceof TopicConfigError) {
          return result(t.name, err.code, err.message);
        }
        throw err;
      }
    });
    return { throttleTimeMs: 0, topics };
  },
});

const ALL = { keys: null, synonyms: false, documentation: false } as const;

function placement(
  t: CreateTopicsRequestCreatableTopic,
  broker: BrokerContext,
): { partitions: number; replicationFactor: number | undefined } {
  if (t.assignments.length > 0) {
    if (t.numPartitions !== -1 || t.replicationFactor !== -1) {
      throw new TopicError(
        ErrorCode.INVALID_REQUEST,
        'Both numPartitions or replicationFactor and replicasAssignments were set. Both cannot be used at the same time.',
      );
    }
    const sorted = [...t.assignments].sort((a, b) => a.partitionIndex - b.partitionIndex);
    sorted.forEach((a, i) => {
      if (a.partitionIndex !== i) {
        throw new TopicError(
          ErrorCode.INVALID_REPLICA_ASSIGNMENT,
          'Partitions should be numbered 0 to n-1 without gaps.',
        );
      }
    });
    const replicationFactor = replicationFactorOfAssignment(
      broker,
      t.name,
      sorted.map((a) => ({ partition: a.partitionIndex, brokerIds: a.brokerIds })),
    );
    return { partitions: sorted.length, replicationFactor };
  }
  const replicationFactor = replicationFactorFor(t.replicationFactor, broker);
  const partitions = t.numPartitions === -1 ? broker.config.numPartitions : t.numPartitions;
  return { partitions, replicationFactor };
}

function result(
  name: string,
  errorCode: number,
  errorMessage: string | null,
): CreateTopicsResponseCreatableTopicResult {
  return {
    name,
    topicId: ZERO_UUID,
    errorCode,
    errorMessage,
    numPartitions: -1,
    replicationFactor: -1,
    configs: [],
  };
}
