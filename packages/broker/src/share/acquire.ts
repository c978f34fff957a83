import type { PartitionLogView } from '../logs/partition-log.js';
import { batchSpans } from './batch-spans.js';
import type { AcquiredRange, SharePartition } from './share-partition.js';

export interface AcquireResult {
  /** Whole stored batches covering every acquired offset (the client keeps only those). */
  records: Buffer;
  ranges: AcquiredRange[];
}

const NONE: AcquireResult = { records: Buffer.alloc(0), ranges: [] };

/**
 * One ShareFetch's take from one partition: initialises the share-partition on first use
 * (`share.auto.offset.reset`), reads whole batches from the lowest offset it could hand out
 * (committed data only, below the high watermark) and acquires what they hold for `member`.
 * The bytes are the log's own, sliced, never decoded.
 */
export function acquireRecords(
  log: PartitionLogView,
  share: SharePartition,
  member: string,
  maxRecords: number,
  maxBytes: number,
  autoOffsetReset: 'latest' | 'earliest',
): AcquireResult {
  if (!share.initialised)
    share.initialise(autoOffsetReset === 'earliest' ? log.logStartOffset : log.highWatermark);
  share.skipTo(log.logStartOffset);
  // The log was truncated or replaced below what the group already handed out: start over there.
  if (share.startOffset > log.logEndOffset) share.initialise(log.highWatermark);
  const from = share.firstCandidate(log.highWatermark);
  if (from < 0) return NONE;
  const read = log.read(from, Math.max(1, maxBytes), log.highWatermark, true);
  if (read.records.length === 0) return NONE;
  const { ranges, bytes } = share.acquire(member, batchSpans(read.records), maxRecords);
  if (ranges.length === 0) return NONE;
  return { records: read.records.subarray(0, bytes), ranges };
}
