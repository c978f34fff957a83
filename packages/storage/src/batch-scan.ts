import { BATCH_HEADER_SIZE, BatchOffsets, isBatchCrcValid, LOG_OVERHEAD } from '@kilgore/protocol';
import type { ByteStore } from './byte-store.js';
import { readInt64 } from './int64.js';

/** What a walk over stored batches sees of each one: header fields only, no records. */
export interface ScannedBatch {
  position: number;
  size: number;
  baseOffset: number;
  lastOffset: number;
  maxTimestamp: number;
  /** The chunk holding the whole batch, and where it starts in it. */
  buf: Buffer;
  offsetInBuf: number;
}

export type ScanStop =
  /** Reached `end` exactly. */
  | { kind: 'end'; position: number }
  /** A batch runs past `end`: a write torn by a crash (or a garbled length field). */
  | { kind: 'torn'; position: number; reason: string }
  /** A batch that is complete but wrong: bad size, magic, CRC or offsets. */
  | { kind: 'corrupt'; position: number; reason: string };

const CHUNK = 1 << 20;

/**
 * The framing problem of the batch at `pos` of `buf` (which holds at least 61 bytes from
 * there), or undefined when it is well formed. Size and magic only; the CRC is separate.
 */
export function headerProblem(buf: Buffer, pos: number): string | undefined {
  const size = buf.readInt32BE(pos + BatchOffsets.batchLength) + LOG_OVERHEAD;
  if (size < BATCH_HEADER_SIZE) return `batch size ${size} below ${BATCH_HEADER_SIZE}`;
  const magic = buf.readInt8(pos + BatchOffsets.magic);
  if (magic !== 2) return `magic ${magic}`;
  if (buf.readInt32BE(pos + BatchOffsets.lastOffsetDelta) < 0) return 'negative lastOffsetDelta';
  return undefined;
}

/**
 * Walks the batches of `store` between `start` and `end`, reading 1 MiB chunks (one read per
 * chunk, not per batch). `visit` returns false to stop early. `verifyCrc` checks each batch's
 * CRC32C (recovery does; a read path does not). Offsets must increase: a batch whose base
 * offset is not above the previous last offset is corrupt.
 */
export function scanBatches(
  store: ByteStore,
  start: number,
  end: number,
  verifyCrc: boolean,
  visit: (b: ScannedBatch) => boolean | undefined,
  minBaseOffset = 0,
): ScanStop {
  let pos = start;
  let chunk: Buffer = Buffer.alloc(0);
  let chunkStart = start;
  let nextMin = minBaseOffset;
  while (pos < end) {
    let off = pos - chunkStart;
    if (off + LOG_OVERHEAD > chunk.length || off + BATCH_HEADER_SIZE > chunk.length) {
      chunk = store.read(pos, Math.min(CHUNK, end - pos));
      chunkStart = pos;
      off = 0;
      if (chunk.length < BATCH_HEADER_SIZE) return { kind: 'torn', position: pos, reason: 'partial header' };
    }
    const problem = headerProblem(chunk, off);
    if (problem) return { kind: 'corrupt', position: pos, reason: problem };
    const size = chunk.readInt32BE(off + BatchOffsets.batchLength) + LOG_OVERHEAD;
    if (pos + size > end)
      return { kind: 'torn', position: pos, reason: `batch of ${size} bytes runs past the end` };
    if (off + size > chunk.length) {
      chunk = store.read(pos, Math.max(size, Math.min(CHUNK, end - pos)));
      chunkStart = pos;
      off = 0;
      if (chunk.length < size) return { kind: 'torn', position: pos, reason: 'short read' };
    }
    const baseOffset = readInt64(chunk, off);
    if (baseOffset < nextMin)
      return { kind: 'corrupt', position: pos, reason: `offset ${baseOffset} goes backwards` };
    if (verifyCrc && !isBatchCrcValid(chunk, off))
      return { kind: 'corrupt', position: pos, reason: 'CRC mismatch' };
    const lastOffset = baseOffset + chunk.readInt32BE(off + BatchOffsets.lastOffsetDelta);
    const maxTimestamp = readInt64(chunk, off + BatchOffsets.maxTimestamp);
    const more = visit({
      position: pos,
      size,
      baseOffset,
      lastOffset,
      maxTimestamp,
      buf: chunk,
      offsetInBuf: off,
    });
    nextMin = lastOffset + 1;
    pos += size;
    if (more === false) return { kind: 'end', position: pos };
  }
  return { kind: 'end', position: pos };
}
