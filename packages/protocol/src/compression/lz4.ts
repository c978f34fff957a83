import { compressSync, uncompressSync } from 'lz4-napi';
import { CompressionCodec } from './codec.js';
import { CompressionError, DecompressionLimitError } from './errors.js';
import { xxh32 } from './xxh32.js';

/**
 * Kafka's LZ4 framing: the standard LZ4 frame format (not raw blocks), as written by Java's
 * KafkaLZ4BlockOutputStream: magic 0x184D2204 (LE), FLG 0x60 (version 01, independent blocks,
 * no checksums), BD 0x40 (64 KiB blocks), HC, then [uint32 LE size | high bit = stored][data]
 * blocks and a zero EndMark. Magic-0 messages carry a broken HC computed over magic+FLG+BD.
 *
 * The frame is ours on both sides, around lz4-napi's raw block codec: the library's own frame
 * writer picks 256 KiB-4 MiB blocks for larger inputs (Kafka writes 64 KiB), and its frame
 * reader has no output limit (decompression bombs), rejects the magic-0 HC and accepts
 * dependent blocks.
 */
const FRAME_MAGIC = 0x184d2204;
const FLG_VERSION_MASK = 0xc0;
const FLG_VERSION_01 = 0x40;
const FLG_BLOCK_INDEPENDENT = 0x20;
const FLG_BLOCK_CHECKSUM = 0x10;
const FLG_CONTENT_SIZE = 0x08;
const FLG_DICT_ID = 0x01;
const BLOCK_UNCOMPRESSED = 0x80000000;
const BLOCK_MAX_SIZES: Record<number, number> = { 4: 64 << 10, 5: 256 << 10, 6: 1 << 20, 7: 4 << 20 };

/** What Kafka's writer emits: version 01, independent blocks, no checksums; 64 KiB blocks. */
const FRAME_FLG = 0x60;
const FRAME_BD = 0x40;
const WRITE_BLOCK_SIZE = 64 * 1024;
const END_MARK = Buffer.alloc(4);

function fail(message: string): never {
  throw new CompressionError(CompressionCodec.lz4, message);
}

export function lz4Compress(data: Buffer, legacyHeaderChecksum = false): Buffer {
  const header = Buffer.from([0x04, 0x22, 0x4d, 0x18, FRAME_FLG, FRAME_BD, 0]);
  header[6] = (xxh32(legacyHeaderChecksum ? header.subarray(0, 6) : header.subarray(4, 6)) >>> 8) & 0xff;
  const parts: Buffer[] = [header];
  let total = header.length;
  for (let pos = 0; pos < data.length; pos += WRITE_BLOCK_SIZE) {
    const chunk = data.subarray(pos, pos + WRITE_BLOCK_SIZE);
    // compressSync returns [uint32 LE uncompressed size][raw block]; that prefix is the slot the
    // frame wants for the block size word, so it is overwritten rather than copied around.
    let block = compressSync(chunk);
    const compressedSize = block.length - 4;
    if (compressedSize < chunk.length) {
      block.writeUInt32LE(compressedSize, 0);
    } else {
      block = Buffer.allocUnsafe(4 + chunk.length);
      block.writeUInt32LE((chunk.length | BLOCK_UNCOMPRESSED) >>> 0, 0);
      chunk.copy(block, 4);
    }
    parts.push(block);
    total += block.length;
  }
  parts.push(END_MARK);
  return Buffer.concat(parts, total + 4);
}

export function lz4Decompress(input: Buffer, maxBytes: number, legacyHeaderChecksum = false): Buffer {
  if (input.length < 7) fail('frame shorter than its header');
  if (input.readUInt32LE(0) !== FRAME_MAGIC) fail('bad frame magic');
  const flg = input[4]!;
  const bd = input[5]!;
  if ((flg & FLG_VERSION_MASK) !== FLG_VERSION_01)
    fail(`unsupported frame version in FLG 0x${flg.toString(16)}`);
  if ((flg & FLG_BLOCK_INDEPENDENT) === 0)
    fail('dependent blocks are not supported (Kafka rejects them too)');
  if (flg & FLG_DICT_ID) fail('dictionary frames are not supported');
  const blockMax = BLOCK_MAX_SIZES[(bd >> 4) & 0x07];
  if (blockMax === undefined || (bd & 0x8f) !== 0) fail(`bad BD byte 0x${bd.toString(16)}`);
  let pos = 6;
  if (flg & FLG_CONTENT_SIZE) {
    if (input.length < pos + 9) fail('frame shorter than its header');
    const contentSize = input.readBigUInt64LE(pos);
    if (contentSize > BigInt(maxBytes)) throw new DecompressionLimitError(CompressionCodec.lz4, maxBytes);
    pos += 8;
  }
  const hc = input[pos]!;
  if (!legacyHeaderChecksum && hc !== ((xxh32(input.subarray(4, pos)) >>> 8) & 0xff)) {
    fail('frame header checksum mismatch');
  }
  pos++;

  const blockChecksum = (flg & FLG_BLOCK_CHECKSUM) !== 0;
  const parts: Buffer[] = [];
  let total = 0;
  for (;;) {
    if (pos + 4 > input.length) fail('truncated frame: missing EndMark');
    const word = input.readUInt32LE(pos);
    if (word === 0) break;
    const size = word & ~BLOCK_UNCOMPRESSED;
    const stored = (word & BLOCK_UNCOMPRESSED) !== 0;
    const dataStart = pos + 4;
    const dataEnd = dataStart + size;
    if (size > blockMax) fail(`block of ${size} bytes exceeds the frame's ${blockMax}`);
    if (dataEnd + (blockChecksum ? 4 : 0) > input.length) fail('truncated block');
    if (blockChecksum && xxh32(input.subarray(dataStart, dataEnd)) !== input.readUInt32LE(dataEnd)) {
      fail('block checksum mismatch');
    }
    const room = maxBytes - total;
    let block: Buffer;
    if (stored) {
      if (size > room) throw new DecompressionLimitError(CompressionCodec.lz4, maxBytes);
      block = input.subarray(dataStart, dataEnd);
    } else {
      block = uncompressBlock(input, pos, size, blockMax, room, maxBytes);
    }
    parts.push(block);
    total += block.length;
    pos = dataEnd + (blockChecksum ? 4 : 0);
  }
  // Any content checksum after the EndMark is skipped, as Kafka does.
  return parts.length === 1 ? Buffer.from(parts[0]!) : Buffer.concat(parts, total);
}

/**
 * lz4-napi's raw decoder wants the output capacity as a uint32 LE prefix. That prefix slot is
 * exactly where the block's own size word sits, so we lend it for the (synchronous) call and put
 * the original bytes back: no copy of the block. The capacity is the room left under maxBytes,
 * so a bomb fails inside the decoder instead of allocating.
 */
function uncompressBlock(
  input: Buffer,
  sizePos: number,
  size: number,
  blockMax: number,
  room: number,
  maxBytes: number,
): Buffer {
  const capacity = Math.min(blockMax, room);
  const saved = input.readUInt32LE(sizePos);
  input.writeUInt32LE(capacity, sizePos);
  try {
    return uncompressSync(input.subarray(sizePos, sizePos + 4 + size));
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (message.includes('too small') && room < blockMax) {
      throw new DecompressionLimitError(CompressionCodec.lz4, maxBytes);
    }
    throw new CompressionError(CompressionCodec.lz4, `corrupt block: ${message}`, { cause: err });
  } finally {
    input.writeUInt32LE(saved, sizePos);
  }
}
