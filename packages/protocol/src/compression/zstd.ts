import { compress as zstdCompressAsync, decompress as zstdDecompressAsync } from '@mongodb-js/zstd';
import { CompressionCodec } from './codec.js';
import { CompressionError, DecompressionLimitError } from './errors.js';

/**
 * zstd through @mongodb-js/zstd (prebuilt N-API, async only: Node 20's zlib has no zstd). Kafka
 * writes standard frames with the streaming API, so the content size may be absent.
 *
 * The library has no output limit, so before handing it the bytes we walk the frames' block
 * headers (cheap: no decoding) and add up the most each block can produce: its size for raw and
 * RLE blocks, min(window, 128 KiB) for compressed ones. That bound is never below the real size,
 * and for ordinary streams it is within one block of it; a frame whose bound passes maxBytes is
 * refused before anything is allocated.
 */
const FRAME_MAGIC = 0xfd2fb528;
const SKIPPABLE_MASK = 0xfffffff0;
const SKIPPABLE_MAGIC = 0x184d2a50;
const MAX_BLOCK = 128 * 1024;

function fail(message: string, cause?: unknown): never {
  throw new CompressionError(CompressionCodec.zstd, message, cause === undefined ? undefined : { cause });
}

export async function zstdCompress(data: Buffer, level = 3): Promise<Buffer> {
  return zstdCompressAsync(data, level);
}

export async function zstdDecompress(data: Buffer, maxBytes: number): Promise<Buffer> {
  const bound = zstdDecompressedBound(data);
  if (bound > maxBytes) {
    throw new DecompressionLimitError(CompressionCodec.zstd, maxBytes, `frames may produce ${bound} bytes`);
  }
  let out: Buffer;
  try {
    out = await zstdDecompressAsync(data);
  } catch (err) {
    fail(`corrupt stream: ${err instanceof Error ? err.message : String(err)}`, err);
  }
  if (out.length > maxBytes) throw new DecompressionLimitError(CompressionCodec.zstd, maxBytes);
  return out;
}

/** An upper bound on the decompressed size of back-to-back zstd (and skippable) frames. */
export function zstdDecompressedBound(data: Buffer): number {
  let pos = 0;
  let total = 0;
  if (data.length === 0) fail('empty input');
  while (pos < data.length) {
    if (pos + 4 > data.length) fail('truncated frame magic');
    const magic = data.readUInt32LE(pos);
    if ((magic & SKIPPABLE_MASK) >>> 0 === SKIPPABLE_MAGIC) {
      if (pos + 8 > data.length) fail('truncated skippable frame');
      pos += 8 + data.readUInt32LE(pos + 4);
      continue;
    }
    if (magic !== FRAME_MAGIC) fail('bad frame magic');
    const frame = frameBound(data, pos + 4);
    total += frame.bound;
    pos = frame.end;
  }
  if (pos > data.length) fail('truncated frame');
  return total;
}

function frameBound(data: Buffer, start: number): { bound: number; end: number } {
  let pos = start;
  const fhd = need(data, pos, 1) && data[pos++]!;
  const fcsFlag = fhd >> 6;
  const singleSegment = (fhd & 0x20) !== 0;
  const checksum = (fhd & 0x04) !== 0;
  const dictIdSize = [0, 1, 2, 4][fhd & 0x03]!;
  if (fhd & 0x08) fail('reserved bit set in frame header');
  let windowSize = Number.POSITIVE_INFINITY;
  if (!singleSegment) {
    const wd = need(data, pos, 1) && data[pos++]!;
    const windowBase = 2 ** (10 + (wd >> 3));
    windowSize = windowBase + (windowBase / 8) * (wd & 0x07);
  }
  pos += dictIdSize;
  const fcsSize = fcsFlag === 0 ? (singleSegment ? 1 : 0) : [0, 2, 4, 8][fcsFlag]!;
  need(data, pos, fcsSize);
  let contentSize = -1;
  if (fcsSize === 1) contentSize = data[pos]!;
  else if (fcsSize === 2) contentSize = data.readUInt16LE(pos) + 256;
  else if (fcsSize === 4) contentSize = data.readUInt32LE(pos);
  else if (fcsSize === 8) contentSize = Number(data.readBigUInt64LE(pos));
  pos += fcsSize;
  if (singleSegment) windowSize = contentSize;
  const blockMax = Math.min(windowSize, MAX_BLOCK);

  let bound = 0;
  for (;;) {
    need(data, pos, 3);
    const header = data.readUIntLE(pos, 3);
    pos += 3;
    const last = header & 1;
    const type = (header >> 1) & 3;
    const size = header >>> 3;
    if (type === 0) {
      bound += size;
      pos += size;
    } else if (type === 1) {
      bound += size;
      pos += 1;
    } else if (type === 2) {
      bound += blockMax;
      pos += size;
    } else {
      fail('reserved block type');
    }
    if (pos > data.length) fail('truncated block');
    if (last) break;
  }
  if (checksum) pos += 4;
  // With a declared content size the decoder enforces it exactly, so it is the tighter bound.
  return { bound: contentSize >= 0 ? Math.min(bound, contentSize) : bound, end: pos };
}

function need(data: Buffer, pos: number, n: number): true {
  if (pos + n > data.length) fail('truncated frame header');
  return true;
}
