import {
  ApiKey,
  ErrorCode,
  type OffsetForLeaderEpochRequest,
  type OffsetForLeaderEpochResponse,
  type OffsetForLeaderEpochResponseEpochEndOffset,
} from '@kilgore/protocol';
import { mayTopic } from '../acl/checks.js';
import { AclOperation } from '../acl/types.js';
import { LEADER_EPOCH } from './03-metadata.js';
import { defineHandler } from './types.js';

/**
 * OffsetForLeaderEpoch: consumers ask it after a leader change to detect truncation. One node
 * has had one epoch since the start, which ends at the log end offset; any later epoch is
 * unknown (-1, -1), as Kafka answers for an epoch it has not seen.
 */
export const offsetForLeaderEpochHandler = defineHandler<
  OffsetForLeaderEpochRequest,
  OffsetForLeaderEpochResponse
>({
  apiKey: ApiKey.OffsetForLeaderEpoch,
  minVersion: 0,
  maxVersion: 4,
  handle(request, info, broker) {
    const topics = request.topics.map((t) => {
      const topic = broker.topics.get(t.topic);
      const denied = !mayTopic(broker, info, AclOperation.DESCRIBE, t.topic);
      const partitions = t.partitions.map((p): OffsetForLeaderEpochResponseEpochEndOffset => {
        const out = { errorCode: ErrorCode.NONE, partition: p.partition, leaderEpoch: -1, endOffset: -1n };
        if (denied) return { ...out, errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED };
        const log =
          topic && p.partition >= 0 && p.partition < topic.partitions
            ? broker.logs.get(topic.name, p.partition)
            : undefined;
        if (!log) return { ...out, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION };
        if (p.currentLeaderEpoch !== -1 && p.currentLeaderEpoch !== LEADER_EPOCH) {
          return {
            ...out,
            errorCode:
              p.currentLeaderEpoch < LEADER_EPOCH
                ? ErrorCode.FENCED_LEADER_EPOCH
                : ErrorCode.UNKNOWN_LEADER_EPOCH,
          };
        }
        if (p.leaderEpoch !== LEADER_EPOCH) return out;
        return { ...out, leaderEpoch: LEADER_EPOCH, endOffset: BigInt(log.logEndOffset) };
      });
      return { topic: t.topic, partitions };
    });
    return { throttleTimeMs: 0, topics };
  },
});
