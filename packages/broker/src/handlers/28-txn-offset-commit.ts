import {
  ApiKey,
  ErrorCode,
  type TxnOffsetCommitRequest,
  type TxnOffsetCommitResponse,
} from '@kilgore/protocol';
import { mayGroup, mayTopic, mayTransactionalId } from '../acl/checks.js';
import { AclOperation } from '../acl/types.js';
import { coordinatorError } from '../chain/partition-answers.js';
import { OFFSETS_TOPIC } from '../groups/offsets-log.js';
import { defineHandler } from './types.js';

/**
 * TxnOffsetCommit: a consumer's offsets committed inside a producer's transaction (sendOffsets /
 * sendOffsetsToTransaction). The offsets partition must be in the transaction (AddOffsetsToTxn).
 */
export const txnOffsetCommitHandler = defineHandler<TxnOffsetCommitRequest, TxnOffsetCommitResponse>({
  apiKey: ApiKey.TxnOffsetCommit,
  minVersion: 0,
  maxVersion: 5,
  async handle(request, info, broker) {
    const refuse = (errorCode: number, list: typeof request.topics) =>
      list.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode })),
      }));
    if (!mayTransactionalId(broker, info, AclOperation.WRITE, request.transactionalId)) {
      return {
        throttleTimeMs: 0,
        topics: refuse(ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED, request.topics),
      };
    }
    if (!mayGroup(broker, info, AclOperation.READ, request.groupId)) {
      return { throttleTimeMs: 0, topics: refuse(ErrorCode.GROUP_AUTHORIZATION_FAILED, request.topics) };
    }
    const notHere = coordinatorError(broker);
    if (notHere !== ErrorCode.NONE) return { throttleTimeMs: 0, topics: refuse(notHere, request.topics) };
    const verified = await broker.transactions.addPartitions(
      request.transactionalId,
      request.producerId,
      request.producerEpoch,
      [{ topic: OFFSETS_TOPIC, partition: 0 }],
      true,
    );
    if (verified !== ErrorCode.NONE) return { throttleTimeMs: 0, topics: refuse(verified, request.topics) };
    const allowed = request.topics.filter((t) => mayTopic(broker, info, AclOperation.READ, t.name));
    const denied = refuse(
      ErrorCode.TOPIC_AUTHORIZATION_FAILED,
      request.topics.filter((t) => !allowed.includes(t)),
    );
    const v = info.apiVersion;
    const topics = await broker.groups.offsets.commitTransactional({
      groupId: request.groupId,
      producerId: request.producerId,
      producerEpoch: request.producerEpoch,
      generationId: v >= 3 ? request.generationId : -1,
      memberId: v >= 3 ? request.memberId : '',
      groupInstanceId: v >= 3 ? request.groupInstanceId : null,
      apiVersion: v,
      topics: allowed.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => ({
          partitionIndex: p.partitionIndex,
          committedOffset: p.committedOffset,
          committedLeaderEpoch: v >= 2 ? p.committedLeaderEpoch : -1,
          committedMetadata: p.committedMetadata,
        })),
      })),
    });
    return { throttleTimeMs: 0, topics: [...topics, ...denied] };
  },
});
