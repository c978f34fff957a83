import { BATCH_HEADER_SIZE, LOG_OVERHEAD, MAGIC_OFFSET } from './batch-header.js';
import { RecordDecodeError } from './errors.js';

export interface BatchPosition {
  /** Where the batch (or legacy message entry) starts in the buffer. */
  position: number;
  /** Its total size: length field + 12 in both layouts. */
  size: number;
  /** 0 or 1 for a legacy MessageSet entry, 2 for a RecordBatch. */
  magic: number;
}

/** Smallest length field per magic: v0 message (crc, magic, attrs, key len, value len), v1 (+ timestamp), v2 header. */
const MIN_LENGTH = [14, 22, BATCH_HEADER_SIZE - LOG_OVERHEAD] as const;

/**
 * Walks back-to-back batches (v2 and legacy entries alike: both are [int64][int32 length][...],
 * with magic at byte 16). A trailing partial batch, as fetch responses may end with, stops the
 * walk quietly; a complete entry with an impossible length or magic throws.
 */
export function* iterateBatches(buf: Buffer, start = 0, end = buf.length): Generator<BatchPosition> {
  let pos = start;
  while (end - pos > MAGIC_OFFSET) {
    const length = buf.readInt32BE(pos + 8);
    const magic = buf.readInt8(pos + MAGIC_OFFSET);
    const min = MIN_LENGTH[magic as 0 | 1 | 2];
    if (min === undefined)
      throw new RecordDecodeError('unsupported-magic', `magic ${magic}`, pos + MAGIC_OFFSET);
    if (length < min) throw new RecordDecodeError('invalid-value', `batch length ${length}`, pos + 8);
    const size = length + LOG_OVERHEAD;
    if (size > end - pos) return;
    yield { position: pos, size, magic };
    pos += size;
  }
}
