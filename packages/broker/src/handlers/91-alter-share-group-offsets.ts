import {
  type AlterShareGroupOffsetsRequest,
  type AlterShareGroupOffsetsResponse,
  type AlterShareGroupOffsetsResponseTopic,
  ApiKey,
  ErrorCode,
  ZERO_UUID,
} from '@kilgore/protocol';
import { mayTopic } from '../acl/checks.js';
import { AclOperation } from '../acl/types.js';
import type { BrokerContext } from '../context.js';
import { refuseShareOffsetsChange } from './share-offsets-admin.js';
import type { RequestInfo } from './types.js';
import { defineHandler } from './types.js';

/**
 * AlterShareGroupOffsets (KIP-932): `kafka-share-groups --reset-offsets --execute`. Each named
 * partition's share-partition start offset becomes the offset given and its in-flight state
 * (acknowledged, archived, delivery counts) is dropped, as Kafka's share coordinator
 * re-initialises a share-partition. The group must be empty.
 */
export const alterShareGroupOffsetsHandler = defineHandler<
  AlterShareGroupOffsetsRequest,
  AlterShareGroupOffsetsResponse
>({
  apiKey: ApiKey.AlterShareGroupOffsets,
  minVersion: 0,
  maxVersion: 0,
  async handle(request, info, broker) {
    const refusal = refuseShareOffsetsChange(broker, info, request.groupId);
    if (refusal) {
      // Kafka answers a refusal at the top level only; the 4.1.1 Admin client reads partition
      // errors only and would report success, so each partition carries it too (README).
      const responses = request.topics.map((t) => ({
        topicName: t.topicName,
        topicId: ZERO_UUID,
        partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, ...refusal })),
      }));
      return { throttleTimeMs: 0, ...refusal, responses };
    }
    const responses = request.topics.map((t) => alterTopic(broker, info, request.groupId, t));
    await broker.share.persist();
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: null, responses };
  },
});

function alterTopic(
  broker: BrokerContext,
  info: RequestInfo,
  groupId: string,
  t: AlterShareGroupOffsetsRequest['topics'][number],
): AlterShareGroupOffsetsResponseTopic {
  const topic = broker.topics.get(t.topicName);
  const allowed = mayTopic(broker, info, AclOperation.READ, t.topicName);
  const partitions = t.partitions.map((p) => {
    const answer = (errorCode: number, errorMessage: string | null) => ({
      partitionIndex: p.partitionIndex,
      errorCode,
      errorMessage,
    });
    if (!allowed) return answer(ErrorCode.TOPIC_AUTHORIZATION_FAILED, 'Topic authorization failed.');
    if (topic === undefined || p.partitionIndex < 0 || p.partitionIndex >= topic.partitions) {
      return answer(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, 'This server does not host this topic-partition.');
    }
    if (p.startOffset < 0n) {
      return answer(ErrorCode.INVALID_REQUEST, `The start offset ${p.startOffset} is negative.`);
    }
    broker.share.alterStartOffset(groupId, topic.id, topic.name, p.partitionIndex, Number(p.startOffset));
    return answer(ErrorCode.NONE, null);
  });
  return { topicName: t.topicName, topicId: allowed ? (topic?.id ?? ZERO_UUID) : ZERO_UUID, partitions };
}
