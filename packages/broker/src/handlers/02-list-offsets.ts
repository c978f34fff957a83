import {
  ApiKey,
  ErrorCode,
  type ListOffsetsRequest,
  type ListOffsetsResponse,
  type ListOffsetsResponseListOffsetsPartitionResponse,
  type ListOffsetsResponseListOffsetsTopicResponse,
} from '@kilgore/protocol';
import { errorCodeOf } from '../logs/partition-log.js';
import { LEADER_EPOCH } from './03-metadata.js';
import { defineHandler } from './types.js';

/** Kafka's special timestamps (ListOffsetsRequest). */
const LATEST = -1n;
const EARLIEST = -2n;

/**
 * ListOffsets: earliest (-2), latest (-1, the high watermark) and the first offset at or after a
 * timestamp. v0's old-style offsets array is answered with the one offset found.
 */
export const listOffsetsHandler = defineHandler<ListOffsetsRequest, ListOffsetsResponse>({
  apiKey: ApiKey.ListOffsets,
  minVersion: 0,
  // v7 adds max-timestamp (-3) lookups, which need a storage query Kilgore does not have yet.
  maxVersion: 6,
  async handle(request, info, broker) {
    const v0 = info.apiVersion === 0;
    const seen = new Set<string>();
    const topics: ListOffsetsResponseListOffsetsTopicResponse[] = [];
    for (const t of request.topics) {
      const topic = broker.topics.get(t.name);
      const partitions: ListOffsetsResponseListOffsetsPartitionResponse[] = [];
      for (const p of t.partitions) {
        const out: ListOffsetsResponseListOffsetsPartitionResponse = {
          partitionIndex: p.partitionIndex,
          errorCode: ErrorCode.NONE,
          oldStyleOffsets: [],
          timestamp: -1n,
          offset: -1n,
          leaderEpoch: -1,
        };
        partitions.push(out);
        const key = `${t.name}\0${p.partitionIndex}`;
        if (seen.has(key)) {
          out.errorCode = ErrorCode.INVALID_REQUEST;
          continue;
        }
        seen.add(key);
        const log =
          topic && p.partitionIndex >= 0 && p.partitionIndex < topic.partitions
            ? broker.logs.get(topic.name, p.partitionIndex)
            : undefined;
        if (!log) {
          out.errorCode = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
          continue;
        }
        if (p.currentLeaderEpoch !== -1 && p.currentLeaderEpoch !== LEADER_EPOCH) {
          out.errorCode =
            p.currentLeaderEpoch < LEADER_EPOCH
              ? ErrorCode.FENCED_LEADER_EPOCH
              : ErrorCode.UNKNOWN_LEADER_EPOCH;
          continue;
        }
        try {
          if (p.timestamp === LATEST) {
            out.offset = BigInt(log.highWatermark);
            out.leaderEpoch = LEADER_EPOCH;
          } else if (p.timestamp === EARLIEST) {
            out.offset = BigInt(log.logStartOffset);
            out.leaderEpoch = LEADER_EPOCH;
          } else if (p.timestamp < 0n) {
            out.errorCode = ErrorCode.UNSUPPORTED_VERSION;
          } else {
            const found = await log.offsetForTimestamp(Number(p.timestamp));
            // Only committed records are visible to consumers.
            if (found && found.offset < log.highWatermark) {
              out.offset = BigInt(found.offset);
              out.timestamp = BigInt(found.timestamp);
              out.leaderEpoch = found.leaderEpoch;
            }
          }
        } catch (err) {
          out.errorCode = errorCodeOf(err);
        }
        const offset = out.offset ?? -1n;
        if (v0) out.oldStyleOffsets = offset >= 0n && p.maxNumOffsets > 0 ? [offset] : [];
      }
      topics.push({ name: t.name, partitions });
    }
    return { throttleTimeMs: 0, topics };
  },
});
