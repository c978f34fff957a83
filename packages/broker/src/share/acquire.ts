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
 * The most one take reads from the log. A share consumer asks for max_bytes of 50 MiB but acquires
 * only about max_records (500) records: reading (and walking the headers of) far more than that
 * only to hand out a batch or two cost more than the rest of a ShareFetch together (bench:share).
 * At least one whole batch is always read, however large.
 */
const READ_CAP_BYTES = 1 << 20;

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
  const read = log.read(from, Math.max(1, Math.min(maxBytes, READ_CAP_BYTES)), log.highWatermark, true);
  if (read.records.length === 0) return NONE;
  const { ranges, from: start, bytes } = share.acquire(member, batchSpans(read.records), maxRecords);
  if (ranges.length === 0) return NONE;
  return { records: read.records.subarray(start, bytes), ranges };
}
