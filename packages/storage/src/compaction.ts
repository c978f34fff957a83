import {
  BATCH_HEADER_SIZE,
  BatchAttributes,
  BatchOffsets,
  compress,
  type DecodedRecordBatch,
  decodeRecordBatch,
  LOG_OVERHEAD,
  writeBatchCrc,
} from '@kilgore/protocol';
import { scanBatches } from './batch-scan.js';
import { isCompacted } from './config.js';
import { CLEANED_SUFFIX, logFileName } from './names.js';
import type { StorageLogger, StorageMetrics } from './observe.js';
import type { PartitionLog } from './partition-log.js';
import { type RecordToKeep, writeRecords } from './record-writer.js';
import type { Segment } from './segment.js';

export interface CompactionOptions {
  now: number;
  logger?: StorageLogger;
  metrics?: StorageMetrics;
}

export interface CompactionResult {
  /** Segments rewritten. */
  segments: number;
  recordsRemoved: number;
}

/** Where each log's last cleaning stopped: segments entirely below it hold nothing new. */
const firstDirty = new WeakMap<PartitionLog, number>();

/**
 * Log compaction (`cleanup.policy=compact`): in the cleanable segments, only the latest record
 * of each key survives; a tombstone (null value) survives until it is older than
 * delete.retention.ms; offsets never change (the gaps stay). Cleanable means: not the active
 * segment, wholly below the last stable offset, and older than min.compaction.lag.ms. Records of
 * aborted transactions are dropped. A transaction marker goes once no record of its transaction
 * is left (an aborted one's never are; a committed one's once every key was written again) and
 * it is older than delete.retention.ms, so a consumer that read the transaction's records has
 * had that long to read its end, as Kafka's cleaner keeps it.
 *
 * Each segment is rewritten to `<base>.log.cleaned` and renamed over the original, so a crash
 * leaves one or the other. Departures from Kafka: segments are cleaned one for one (never
 * merged); a tombstone's or a marker's age is its timestamp rather than the time of its
 * first cleaning (Kafka's delete horizon); the cleaner checkpoint lives in memory (a restart re-cleans once); producer state
 * (the last batch per producer id) is not kept.
 */
export async function compactLog(log: PartitionLog, opts: CompactionOptions): Promise<CompactionResult> {
  const config = log.config;
  const result: CompactionResult = { segments: 0, recordsRemoved: 0 };
  if (!isCompacted(config) || log.closed) return result;
  const segments = log.segments.slice(0, -1);
  const cleanable: Segment[] = [];
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i]!;
    const nextBase = log.segments[i + 1]!.baseOffset;
    // Nothing at or past the last stable offset: an open transaction's records may yet abort.
    if (nextBase > log.lastStableOffset) break;
    if (seg.maxTimestamp > opts.now - config.minCompactionLagMs) break;
    if (seg.corruptAt !== undefined) break;
    cleanable.push(seg);
  }
  if (cleanable.length === 0) return result;
  const end = cleanable[cleanable.length - 1]!.nextOffset;
  const dirtyFrom = firstDirty.get(log) ?? -1;
  if (end <= dirtyFrom && !hasExpiring()) return result;

  // Records of aborted transactions are not data: they never count as a key's latest, and go.
  const aborted = log.abortedTransactions(cleanable[0]!.baseOffset, end - 1);
  const isAborted = (b: RawBatch): boolean => {
    const h = b.header;
    if (
      (h.attributes & BatchAttributes.transactional) === 0 ||
      (h.attributes & BatchAttributes.control) !== 0
    ) {
      return false;
    }
    const offset = Number(h.baseOffset);
    return aborted.some(
      (t) => t.producerId === h.producerId && t.firstOffset <= offset && offset <= t.lastOffset,
    );
  };

  // Pass 1: the offset of the latest record of every key.
  const latest = new Map<string, number>();
  for (const seg of cleanable) {
    for (const batch of await decodeSegment(seg)) {
      if (isAborted(batch)) continue;
      for (const r of batch.records)
        if (r.key !== null) latest.set(r.key.toString('latin1'), Number(r.offset));
    }
  }
  // Pass 2: rewrite each segment with the survivors. Per producer id: whether a record of its
  // transaction since its last marker survives (then that transaction's marker must stay).
  const txnKept = new Map<bigint, boolean>();
  for (const seg of cleanable) {
    if (log.closed || !log.segments.includes(seg)) break;
    const parts: Buffer[] = [];
    let removed = 0;
    for (const batch of await decodeSegment(seg)) {
      const h = batch.header;
      if ((h.attributes & BatchAttributes.control) !== 0) {
        const emptied = txnKept.get(h.producerId) !== true;
        txnKept.delete(h.producerId);
        if (emptied && opts.now - Number(h.maxTimestamp) > config.deleteRetentionMs) {
          removed += batch.records.length;
          continue;
        }
        parts.push(batch.raw);
        continue;
      }
      if (isAborted(batch)) {
        removed += batch.records.length;
        continue;
      }
      const keep = batch.records.filter((r) => {
        if (r.key === null) return true;
        if (latest.get(r.key.toString('latin1')) !== Number(r.offset)) return false;
        if (r.value === null && opts.now - Number(r.timestamp) > config.deleteRetentionMs) return false;
        return true;
      });
      removed += batch.records.length - keep.length;
      if (keep.length > 0 && (h.attributes & BatchAttributes.transactional) !== 0)
        txnKept.set(h.producerId, true);
      if (keep.length === batch.records.length) parts.push(batch.raw);
      else if (keep.length > 0) parts.push(await rebuildBatch(batch, keep));
    }
    if (removed === 0) continue;
    const cleanedName = logFileName(seg.baseOffset) + CLEANED_SUFFIX;
    log.dir.remove(cleanedName);
    const store = log.dir.open(cleanedName);
    if (parts.length > 0) store.append(Buffer.concat(parts));
    await store.sync();
    await store.close();
    const replaced = await log.replaceSegment(seg, cleanedName);
    if (!replaced) break;
    result.segments++;
    result.recordsRemoved += removed;
    opts.metrics?.count('segment_compacted', { topic: log.topic, partition: log.partition });
    opts.logger?.info(
      { topic: log.topic, partition: log.partition, segment: seg.baseOffset, removed },
      'compacted segment',
    );
  }
  firstDirty.set(log, end);
  return result;

  function hasExpiring(): boolean {
    // Tombstones and markers age out of segments that hold nothing new: re-clean once some
    // cleanable segment's data is past delete.retention.ms (any: an emptied one has no timestamp).
    return cleanable.some(
      (seg) => seg.maxTimestamp >= 0 && opts.now - seg.maxTimestamp > config.deleteRetentionMs,
    );
  }
}

interface RawBatch extends DecodedRecordBatch {
  raw: Buffer;
}

async function decodeSegment(seg: Segment): Promise<RawBatch[]> {
  const raws: Buffer[] = [];
  scanBatches(seg.log, 0, seg.readableSize, false, (b) => {
    raws.push(Buffer.from(b.buf.subarray(b.offsetInBuf, b.offsetInBuf + b.size)));
    return true;
  });
  const out: RawBatch[] = [];
  for (const raw of raws) {
    const decoded = await decodeRecordBatch(raw, { verifyCrc: false });
    out.push({ ...decoded, raw });
  }
  return out;
}

/**
 * A batch holding only `keep`, with the original header (base offset, producer fields,
 * attributes and codec, baseTimestamp so the deltas stay valid) and the original offset deltas.
 */
async function rebuildBatch(batch: RawBatch, keep: RawBatch['records']): Promise<Buffer> {
  const h = batch.header;
  const records: RecordToKeep[] = keep.map((r) => ({
    attributes: r.attributes,
    timestampDelta: r.timestampDelta,
    offsetDelta: r.offsetDelta,
    key: r.key,
    value: r.value,
    headers: r.headers,
  }));
  const raw = writeRecords(records);
  const codec = h.attributes & BatchAttributes.compressionMask;
  const payload = codec === 0 ? raw : await compress(codec, raw);
  const buf = Buffer.alloc(BATCH_HEADER_SIZE + payload.length);
  batch.raw.copy(buf, 0, 0, BATCH_HEADER_SIZE);
  buf.writeInt32BE(buf.length - LOG_OVERHEAD, BatchOffsets.batchLength);
  buf.writeInt32BE(keep[keep.length - 1]!.offsetDelta, BatchOffsets.lastOffsetDelta);
  const logAppend = (h.attributes & BatchAttributes.timestampTypeLogAppend) !== 0;
  if (!logAppend) {
    let max = -1n;
    for (const r of keep) if (r.timestamp > max) max = r.timestamp;
    buf.writeBigInt64BE(max, BatchOffsets.maxTimestamp);
  }
  buf.writeInt32BE(keep.length, BatchOffsets.recordsCount);
  payload.copy(buf, BATCH_HEADER_SIZE);
  writeBatchCrc(buf, 0);
  return buf;
}
