import {
  ApiKey,
  ErrorCode,
  type ListOffsetsRequest,
  type ListOffsetsResponse,
  type ListOffsetsResponseListOffsetsPartitionResponse,
  type ListOffsetsResponseListOffsetsTopicResponse,
} from '@kilgore/protocol';
import { mayTopic } from '../acl/checks.js';
import { AclOperation } from '../acl/types.js';
import { leaderEpochOf } from '../chain/partition-answers.js';
import { errorCodeOf, type PartitionLogView } from '../logs/partition-log.js';
import { defineHandler } from './types.js';

/** Kafka's special timestamps (ListOffsetsRequest). */
const LATEST = -1n;
const EARLIEST = -2n;
/** v7+ (KIP-734): the record with the largest timestamp. */
const MAX_TIMESTAMP = -3n;

/**
 * ListOffsets: earliest (-2), latest (-1, the high watermark) and the first offset at or after a
 * timestamp, and (v7+) the record with the largest timestamp. v0's old-style offsets array is
 * answered with the one offset found.
 */
export const listOffsetsHandler = defineHandler<ListOffsetsRequest, ListOffsetsResponse>({
  apiKey: ApiKey.ListOffsets,
  minVersion: 0,
  // v8+ add tiered-storage lookups (-4, -5), which Kilgore has no use for yet.
  maxVersion: 7,
  async handle(request, info, broker) {
    const v0 = info.apiVersion === 0;
    const seen = new Set<string>();
    const topics: ListOffsetsResponseListOffsetsTopicResponse[] = [];
    for (const t of request.topics) {
      const topic = broker.topics.get(t.name);
      const describeDenied = !mayTopic(broker, info, AclOperation.DESCRIBE, t.name);
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
        if (describeDenied) {
          out.errorCode = ErrorCode.TOPIC_AUTHORIZATION_FAILED;
          continue;
        }
        if (broker.chain && topic && p.partitionIndex >= 0 && p.partitionIndex < topic.partitions) {
          out.errorCode = broker.chain.readable(topic.name, p.partitionIndex);
          if (out.errorCode !== ErrorCode.NONE) continue;
        }
        const log =
          topic && p.partitionIndex >= 0 && p.partitionIndex < topic.partitions
            ? broker.logs.get(topic.name, p.partitionIndex)
            : undefined;
        if (!log) {
          out.errorCode = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
          continue;
        }
        const LEADER_EPOCH = leaderEpochOf(broker, topic!.name, p.partitionIndex);
        if (p.currentLeaderEpoch !== -1 && p.currentLeaderEpoch !== LEADER_EPOCH) {
          out.errorCode =
            p.currentLeaderEpoch < LEADER_EPOCH
              ? ErrorCode.FENCED_LEADER_EPOCH
              : ErrorCode.UNKNOWN_LEADER_EPOCH;
          continue;
        }
        try {
          if (p.timestamp === LATEST) {
            // read_committed (v2+) sees up to the last stable offset, as Kafka answers.
            const committed = request.isolationLevel === 1 ? log.lastStableOffset : undefined;
            out.offset = BigInt(committed ?? log.highWatermark);
            out.leaderEpoch = LEADER_EPOCH;
          } else if (p.timestamp === EARLIEST) {
            out.offset = BigInt(log.logStartOffset);
            out.leaderEpoch = LEADER_EPOCH;
          } else if (p.timestamp < 0n && !(p.timestamp === MAX_TIMESTAMP && info.apiVersion >= 7)) {
            out.errorCode = ErrorCode.UNSUPPORTED_VERSION;
          } else {
            const target = p.timestamp === MAX_TIMESTAMP ? maxTimestamp(log) : Number(p.timestamp);
            // The first record stamped with the largest timestamp is the one KIP-734 asks for.
            const found = target === undefined ? undefined : await log.offsetForTimestamp(target);
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

/** What @kilgore/storage's PartitionLog keeps per segment; the in-memory test log has no segments. */
interface SegmentStats {
  maxTimestamp: number;
  nextOffset: number;
}

/**
 * The largest batch timestamp among records still in the log, or undefined when it is empty.
 * Storage logs know it per segment (kept up to date by appends and recovery), so this costs one
 * pass over the segment list; other logs are read batch header by batch header.
 */
function maxTimestamp(log: PartitionLogView): number | undefined {
  const segments = (log as { segments?: readonly SegmentStats[] }).segments;
  let max = -1;
  if (segments) {
    for (const s of segments)
      if (s.nextOffset > log.logStartOffset && s.maxTimestamp > max) max = s.maxTimestamp;
  } else if (log.highWatermark > log.logStartOffset) {
    const { records } = log.read(log.logStartOffset, Number.MAX_SAFE_INTEGER);
    for (let pos = 0; pos + MAX_TS_AT + 8 <= records.length; pos += 12 + records.readInt32BE(pos + 8)) {
      max = Math.max(max, Number(records.readBigInt64BE(pos + MAX_TS_AT)));
    }
  }
  return max < 0 ? undefined : max;
}

/** Where a v2 batch header keeps maxTimestamp. */
const MAX_TS_AT = 35;
