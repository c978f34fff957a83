import { compress as snappyCompress, uncompress as snappyUncompress } from 'snappyjs';
import { CompressionCodec } from './codec.js';
import { CompressionError, DecompressionLimitError } from './errors.js';

/**
 * Kafka's snappy framing is xerial's (snappy-java SnappyOutputStream), not Google's framing
 * format: magic 82 53 4E 41 50 50 59 00, int32 BE version 1, int32 BE compatible version 1,
 * then [int32 BE compressed length][raw snappy block] chunks of at most 32 KiB uncompressed.
 * We write xerial (what Java consumers expect) and read both xerial and one raw block, which is
 * what kafkajs-snappy writes; Java's reader falls back to raw the same way.
 */
export const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
const XERIAL_HEADER_SIZE = 16;
const XERIAL_BLOCK_SIZE = 32 * 1024;

function fail(message: string, cause?: unknown): never {
  throw new CompressionError(CompressionCodec.snappy, message, cause === undefined ? undefined : { cause });
}

export function snappyCompressXerial(data: Buffer): Buffer {
  const parts: Buffer[] = [];
  const header = Buffer.alloc(XERIAL_HEADER_SIZE);
  XERIAL_MAGIC.copy(header, 0);
  header.writeInt32BE(1, 8);
  header.writeInt32BE(1, 12);
  parts.push(header);
  let total = XERIAL_HEADER_SIZE;
  for (let pos = 0; pos < data.length; pos += XERIAL_BLOCK_SIZE) {
    const block = snappyCompress(data.subarray(pos, pos + XERIAL_BLOCK_SIZE));
    const len = Buffer.allocUnsafe(4);
    len.writeInt32BE(block.length, 0);
    parts.push(len, block);
    total += 4 + block.length;
  }
  return Buffer.concat(parts, total);
}

/** One raw snappy block: what kafkajs-snappy writes. */
export function snappyCompressRaw(data: Buffer): Buffer {
  return snappyCompress(data);
}

export function isXerial(data: Buffer): boolean {
  return data.length >= XERIAL_HEADER_SIZE && data.subarray(0, 8).equals(XERIAL_MAGIC);
}

export function snappyDecompress(data: Buffer, maxBytes: number): Buffer {
  if (!isXerial(data)) return uncompressBlock(data, maxBytes);
  const parts: Buffer[] = [];
  let total = 0;
  let pos = XERIAL_HEADER_SIZE;
  while (pos < data.length) {
    if (pos + 4 > data.length) fail('truncated xerial chunk length');
    const len = data.readInt32BE(pos);
    pos += 4;
    if (len < 0 || pos + len > data.length) fail(`xerial chunk length ${len} runs past the input`);
    const block = uncompressBlock(data.subarray(pos, pos + len), maxBytes - total, maxBytes);
    parts.push(block);
    total += block.length;
    pos += len;
  }
  return parts.length === 1 ? parts[0]! : Buffer.concat(parts, total);
}

/**
 * A raw block starts with its uncompressed length as a varint: check it against the room left
 * before snappyjs allocates that much.
 */
function uncompressBlock(block: Buffer, room: number, maxBytes = room): Buffer {
  const declared = rawLength(block);
  if (declared > room) throw new DecompressionLimitError(CompressionCodec.snappy, maxBytes);
  try {
    return snappyUncompress(block);
  } catch (err) {
    fail(`corrupt block: ${err instanceof Error ? err.message : String(err)}`, err);
  }
}

function rawLength(block: Buffer): number {
  let result = 0;
  for (let i = 0, shift = 0; i < 5; i++, shift += 7) {
    const b = block[i];
    if (b === undefined) break;
    result += (b & 0x7f) * 2 ** shift;
    if ((b & 0x80) === 0) return result;
  }
  fail('bad raw block length preamble');
}
