import { BATCH_HEADER_SIZE, BatchOffsets } from '@kilgore/protocol';
import { headerProblem, type ScanStop, scanBatches } from './batch-scan.js';
import type { Directory } from './directory.js';
import { indexFileName, logFileName, timeIndexFileName } from './names.js';
import { Segment } from './segment.js';

export interface SegmentLoad {
  segment: Segment;
  /** Bytes cut off the end (torn or corrupt tail of a segment past the recovery point). */
  truncatedBytes: number;
  /** The indexes were missing or inconsistent and were rebuilt from the log. */
  indexRebuilt: boolean;
  /** Where and why the scan stopped early, when it did. */
  problem: ScanStop | undefined;
}

/**
 * Rebuilds a segment's indexes and state from its log, checking every batch's framing, CRC
 * and offset order (Kafka's LogSegment.recover). At the first bad or partial batch it either
 * truncates the log there (`truncate`: the segment is past the recovery point, so its tail may
 * simply be a torn write) or marks the segment corrupt from there (an old segment: keep the
 * bytes, serve what precedes them).
 */
export function rebuildSegment(seg: Segment, indexIntervalBytes: number, truncate: boolean): SegmentLoad {
  seg.offsetIndex.reset();
  seg.timeIndex.reset();
  seg.maxTimestamp = -1;
  seg.offsetOfMaxTimestamp = -1;
  seg.firstBatchTimestamp = -1;
  seg.bytesSinceLastIndexEntry = 0;
  seg.nextOffset = seg.baseOffset;
  seg.corruptAt = undefined;
  const size = seg.size;
  const stop = scanBatches(
    seg.log,
    0,
    size,
    true,
    (b) => {
      if (b.lastOffset - seg.baseOffset > 0x7fffffff) return false;
      seg.indexBatch(b.position, b.size, b.lastOffset, b.maxTimestamp, indexIntervalBytes);
      return true;
    },
    seg.baseOffset,
  );
  let truncatedBytes = 0;
  const problem = stop.kind === 'end' && stop.position === size ? undefined : stop;
  if (problem) {
    if (truncate) {
      truncatedBytes = size - problem.position;
      seg.log.truncate(problem.position);
      seg.unsyncedLog = true;
    } else seg.corruptAt = problem.position;
  }
  seg.offsetIndex.markUnpersisted();
  seg.timeIndex.markUnpersisted();
  seg.persistIndexes();
  seg.unsyncedIndexes = true;
  return { segment: seg, truncatedBytes, indexRebuilt: true, problem };
}

/**
 * Continues the indexes from their last offset-index entry to the end of the log, as if those
 * batches were being appended again. Fills in entries a crash kept from reaching the file and
 * recovers nextOffset and the largest timestamp without reading the whole segment.
 */
function scanTail(seg: Segment, indexIntervalBytes: number): ScanStop {
  const last = seg.offsetIndex.last();
  const start = last?.position ?? 0;
  const lastTime = seg.timeIndex.last();
  seg.maxTimestamp = lastTime?.timestamp ?? -1;
  seg.offsetOfMaxTimestamp = lastTime ? seg.baseOffset + lastTime.relativeOffset : -1;
  seg.nextOffset = seg.baseOffset;
  if (last) {
    // The batch at the last entry is re-indexed by the scan below; drop the entry so that it
    // is added back exactly as the original append added it.
    seg.offsetIndex.truncateToPosition(last.position);
    seg.bytesSinceLastIndexEntry = indexIntervalBytes + 1;
  } else seg.bytesSinceLastIndexEntry = 0;
  return scanBatches(
    seg.log,
    start,
    seg.size,
    true,
    (b) => {
      seg.indexBatch(b.position, b.size, b.lastOffset, b.maxTimestamp, indexIntervalBytes);
      return true;
    },
    seg.baseOffset,
  );
}

export interface LoadOptions {
  indexIntervalBytes: number;
  /** Scan the whole segment with CRC checks (unclean shutdown, past the recovery point). */
  recover: boolean;
  /** The newest segment: a bad tail is cut off rather than fenced. */
  isLast: boolean;
}

/** Opens one segment from disk, trusting its indexes only after checking them against the log. */
export function loadSegment(dir: Directory, baseOffset: number, opts: LoadOptions): SegmentLoad {
  // A missing index file is only visible before opening it (opening creates it).
  const filesPresent = dir.exists(indexFileName(baseOffset)) && dir.exists(timeIndexFileName(baseOffset));
  const seg = new Segment(dir, baseOffset, dir.mtimeMs(logFileName(baseOffset)));
  if (opts.recover) return rebuildSegment(seg, opts.indexIntervalBytes, true);
  const size = seg.size;
  let indexOk = (filesPresent || size === 0) && seg.offsetIndex.load(size) && seg.timeIndex.load(0x7fffffff);
  // Offset entries always come with a time entry unless timestamps are absent: an empty time
  // index beside a non-empty offset index was lost.
  if (indexOk && seg.offsetIndex.count > 0 && seg.timeIndex.count === 0) indexOk = false;
  const last = seg.offsetIndex.last();
  if (indexOk && last) {
    // The entry must point at a batch whose last offset is the entry's offset.
    const head = seg.log.read(last.position, BATCH_HEADER_SIZE);
    indexOk =
      head.length === BATCH_HEADER_SIZE &&
      headerProblem(head, 0) === undefined &&
      Number(head.readBigInt64BE(0)) + head.readInt32BE(BatchOffsets.lastOffsetDelta) ===
        baseOffset + last.relativeOffset;
  }
  if (!indexOk) return rebuildSegment(seg, opts.indexIntervalBytes, opts.isLast);
  const stop = scanTail(seg, opts.indexIntervalBytes);
  const lastTime = seg.timeIndex.last();
  if (lastTime && seg.baseOffset + lastTime.relativeOffset >= seg.nextOffset) {
    return rebuildSegment(seg, opts.indexIntervalBytes, opts.isLast);
  }
  let truncatedBytes = 0;
  const problem = stop.kind === 'end' && stop.position === size ? undefined : stop;
  if (problem) {
    if (opts.isLast) {
      truncatedBytes = size - problem.position;
      seg.log.truncate(problem.position);
      seg.unsyncedLog = true;
    } else seg.corruptAt = problem.position;
  }
  if (size > 0) {
    const first = seg.log.read(0, BATCH_HEADER_SIZE);
    if (first.length === BATCH_HEADER_SIZE)
      seg.firstBatchTimestamp = Number(first.readBigInt64BE(BatchOffsets.maxTimestamp));
  }
  return { segment: seg, truncatedBytes, indexRebuilt: false, problem };
}
