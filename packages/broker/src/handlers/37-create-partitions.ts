import {
  ApiKey,
  type CreatePartitionsRequest,
  type CreatePartitionsResponse,
  type CreatePartitionsResponseCreatePartitionsTopicResult,
  ErrorCode,
} from '@kilgore/protocol';
import { mayTopic } from '../acl/checks.js';
import { AclOperation } from '../acl/types.js';
import type { BrokerContext } from '../context.js';
import { TopicError } from '../topics/registry.js';
import { replicationFactorOfAssignment } from '../topics/replication-factor.js';
import { defineHandler } from './types.js';

/** CreatePartitions: grows a topic to `count` partitions, all led by this node. */
export const createPartitionsHandler = defineHandler<CreatePartitionsRequest, CreatePartitionsResponse>({
  apiKey: ApiKey.CreatePartitions,
  minVersion: 0,
  maxVersion: 3,
  async handle(request, info, broker) {
    const counts = new Map<string, number>();
    for (const t of request.topics) counts.set(t.name, (counts.get(t.name) ?? 0) + 1);
    const results: CreatePartitionsResponseCreatePartitionsTopicResult[] = [];
    for (const t of request.topics) {
      if ((counts.get(t.name) ?? 0) > 1) {
        results.push({
          name: t.name,
          errorCode: ErrorCode.INVALID_REQUEST,
          errorMessage: 'Duplicate topic in request.',
        });
        continue;
      }
      if (!mayTopic(broker, info, AclOperation.ALTER, t.name)) {
        results.push({
          name: t.name,
          errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED,
          errorMessage: 'Authorization failed.',
        });
        continue;
      }
      try {
        checkAssignments(t.assignments, t.count, t.name, broker);
        if (request.validateOnly) {
          broker.topics.validateGrow(t.name, t.count);
        } else {
          await broker.growTopic(t.name, t.count);
        }
        results.push({ name: t.name, errorCode: ErrorCode.NONE, errorMessage: null });
      } catch (err) {
        if (!(err instanceof TopicError)) throw err;
        results.push({ name: t.name, errorCode: err.code, errorMessage: err.message });
      }
    }
    return { throttleTimeMs: 0, results };
  },
});

function checkAssignments(
  assignments: readonly { brokerIds: number[] }[] | null,
  count: number,
  name: string,
  broker: BrokerContext,
): void {
  if (assignments === null) return;
  const current = broker.topics.get(name)?.partitions ?? 0;
  if (assignments.length !== count - current) {
    throw new TopicError(
      ErrorCode.INVALID_REPLICA_ASSIGNMENT,
      `Increasing the number of partitions by ${count - current} but ${assignments.length} assignments provided.`,
    );
  }
  const topic = broker.topics.get(name);
  replicationFactorOfAssignment(
    broker,
    name,
    assignments.map((a, i) => ({ partition: current + i, brokerIds: a.brokerIds })),
    broker.chain
      ? (topic?.replicationFactor ?? broker.chain.placement(name, current).replicas.length)
      : undefined,
  );
}
