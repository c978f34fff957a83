import {
  ApiKey,
  type DeleteRecordsRequest,
  type DeleteRecordsResponse,
  type DeleteRecordsResponseDeleteRecordsPartitionResult,
  ErrorCode,
} from '@kilgore/protocol';
import { mayTopic } from '../acl/checks.js';
import { AclOperation } from '../acl/types.js';
import { errorCodeOf } from '../logs/partition-log.js';
import { defineHandler } from './types.js';

/** Kafka's "up to the high watermark" marker in DeleteRecords. */
const HIGH_WATERMARK = -1n;

/** DeleteRecords: moves each partition's log start offset; whole segments below it are deleted. */
export const deleteRecordsHandler = defineHandler<DeleteRecordsRequest, DeleteRecordsResponse>({
  apiKey: ApiKey.DeleteRecords,
  minVersion: 0,
  maxVersion: 2,
  async handle(request, info, broker) {
    const topics = [];
    for (const t of request.topics) {
      const topic = broker.topics.get(t.name);
      const denied = !mayTopic(broker, info, AclOperation.DELETE, t.name);
      const partitions: DeleteRecordsResponseDeleteRecordsPartitionResult[] = [];
      for (const p of t.partitions) {
        const out: DeleteRecordsResponseDeleteRecordsPartitionResult = {
          partitionIndex: p.partitionIndex,
          lowWatermark: -1n,
          errorCode: ErrorCode.NONE,
        };
        partitions.push(out);
        if (denied) {
          out.errorCode = ErrorCode.TOPIC_AUTHORIZATION_FAILED;
          continue;
        }
        const log =
          topic && p.partitionIndex >= 0 && p.partitionIndex < topic.partitions
            ? broker.logs.get(topic.name, p.partitionIndex)
            : undefined;
        if (!log) {
          out.errorCode = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
          continue;
        }
        const target = p.offset === HIGH_WATERMARK ? log.highWatermark : Number(p.offset);
        if (target < 0 || target > log.highWatermark) {
          out.errorCode = ErrorCode.OFFSET_OUT_OF_RANGE;
          continue;
        }
        try {
          out.lowWatermark = BigInt(await log.deleteRecordsBefore(target));
        } catch (err) {
          out.errorCode = errorCodeOf(err);
        }
      }
      topics.push({ name: t.name, partitions });
    }
    return { throttleTimeMs: 0, topics };
  },
});
