import type { BatchSpan } from './share-partition.js';

/** Where a v2 batch header keeps its fields (crib section 1). */
const LENGTH_AT = 8;
const MAGIC_AT = 16;
const ATTRIBUTES_AT = 21;
const LAST_OFFSET_DELTA_AT = 23;
const CONTROL_BIT = 0x20;
const HEADER_PREFIX = 12;

/**
 * The offsets of each whole batch in a slice read from a partition log, from the headers alone
 * (nothing is decompressed). A legacy (magic 0/1) entry carries only its last offset: it spans
 * from the end of the entry before it. A trailing partial batch is left out.
 */
export function batchSpans(records: Buffer): BatchSpan[] {
  const spans: BatchSpan[] = [];
  let pos = 0;
  let previousEnd = -1;
  while (pos + HEADER_PREFIX <= records.length) {
    const size = records.readInt32BE(pos + LENGTH_AT);
    const end = pos + HEADER_PREFIX + size;
    if (size <= 0 || end > records.length) break;
    const offset = Number(records.readBigInt64BE(pos));
    if (records[pos + MAGIC_AT] === 2 && size >= LAST_OFFSET_DELTA_AT + 4 - HEADER_PREFIX) {
      const last = offset + records.readInt32BE(pos + LAST_OFFSET_DELTA_AT);
      const control = (records.readInt16BE(pos + ATTRIBUTES_AT) & CONTROL_BIT) !== 0;
      spans.push({ baseOffset: offset, lastOffset: last, control, end });
      previousEnd = last;
    } else {
      spans.push({
        baseOffset: previousEnd < 0 ? offset : Math.min(previousEnd + 1, offset),
        lastOffset: offset,
        control: false,
        end,
      });
      previousEnd = offset;
    }
    pos = end;
  }
  return spans;
}
