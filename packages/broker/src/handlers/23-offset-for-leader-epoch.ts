import {
  ApiKey,
  ErrorCode,
  type OffsetForLeaderEpochRequest,
  type OffsetForLeaderEpochResponse,
  type OffsetForLeaderEpochResponseEpochEndOffset,
} from '@kilgore/protocol';
import { mayTopic } from '../acl/checks.js';
import { AclOperation } from '../acl/types.js';
import { epochEndOffset, leaderEpochOf } from '../chain/partition-answers.js';
import { defineHandler } from './types.js';

/**
 * OffsetForLeaderEpoch: consumers ask it after a leader change to detect truncation. Answered
 * from the partition's leader-epoch cache (a single node has one epoch, 0, since the start; under
 * chain replication the chain epochs); an epoch newer than the current one is unknown (-1, -1).
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
        if (!log) {
          const notHere = broker.chain && topic && p.partition >= 0 && p.partition < topic.partitions;
          return {
            ...out,
            errorCode: notHere ? ErrorCode.NOT_LEADER_OR_FOLLOWER : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
          };
        }
        const current = leaderEpochOf(broker, t.topic, p.partition);
        if (p.currentLeaderEpoch !== -1 && p.currentLeaderEpoch !== current) {
          return {
            ...out,
            errorCode:
              p.currentLeaderEpoch < current ? ErrorCode.FENCED_LEADER_EPOCH : ErrorCode.UNKNOWN_LEADER_EPOCH,
          };
        }
        const r = epochEndOffset(broker, t.topic, p.partition, log, p.leaderEpoch);
        return { ...out, leaderEpoch: r.leaderEpoch, endOffset: BigInt(r.endOffset) };
      });
      return { topic: t.topic, partitions };
    });
    return { throttleTimeMs: 0, topics };
  },
});
