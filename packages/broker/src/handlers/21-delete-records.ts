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

/**
 * DeleteRecords: moves each partition's log start offset; whole segments below it are deleted.
 * On a chain (docs/replication.md) only the head takes it, and answers once every member has the
 * new start offset (REQUEST_TIMED_OUT per partition after the request's timeout).
 */
export const deleteRecordsHandler = defineHandler<DeleteRecordsRequest, DeleteRecordsResponse>({
  apiKey: ApiKey.DeleteRecords,
  minVersion: 0,
  maxVersion: 2,
  async handle(request, info, broker) {
    const topics = [];
    // Partitions wait for their replicas side by side: the request's timeout bounds the whole.
    const pending: Array<Promise<void>> = [];
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
        if (broker.chain && topic && p.partitionIndex >= 0 && p.partitionIndex < topic.partitions) {
          // Only the chain's open head moves the log start offset (it then travels down the chain).
          out.errorCode = broker.chain.replicator.writable(topic.name, p.partitionIndex);
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
        const target = p.offset === HIGH_WATERMARK ? log.highWatermark : Number(p.offset);
        if (target < 0 || target > log.highWatermark) {
          out.errorCode = ErrorCode.OFFSET_OUT_OF_RANGE;
          continue;
        }
        pending.push(
          log.deleteRecordsBefore(target, request.timeoutMs).then(
            (low) => {
              out.lowWatermark = BigInt(low);
            },
            (err: unknown) => {
              out.errorCode = errorCodeOf(err);
            },
          ),
        );
      }
      topics.push({ name: t.name, partitions });
    }
    await Promise.all(pending);
    return { throttleTimeMs: 0, topics };
  },
});
