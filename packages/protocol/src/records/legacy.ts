import * as zlib from 'node:zlib';
import CRC32 from 'crc-32';
import { CompressionCodec, type DecompressOptions } from '../compression/codec.js';
import { decompressSync } from '../compression/compress.js';
import { LOG_OVERHEAD } from './batch-header.js';
import { RecordDecodeError } from './errors.js';

/**
 * Legacy MessageSet v0/v1 decoding (Produce v0-2, old data). Layout per entry:
 *   offset int64 | size int32 | crc uint32 | magic int8 | attributes int8 |
 *   timestamp int64 (v1 only) | key int32 len + bytes (-1 null) | value int32 len + bytes (-1 null)
 * The CRC-32 (IEEE) covers magic to the end of the message. A compressed message is a wrapper
 * whose value is a whole inner MessageSet; v1 inner offsets are relative (0..n-1) and the wrapper
 * carries the absolute offset of the last one, v0 inner offsets are absolute.
 *
 * Everything here is synchronous: legacy formats only allow gzip, snappy and lz4.
 */
export interface LegacyMessage {
  offset: bigint;
  magic: 0 | 1;
  attributes: number;
  /** -1 for v0 (no timestamp). For LogAppendTime wrappers, the wrapper's timestamp. */
  timestamp: bigint;
  key: Buffer | null;
  value: Buffer | null;
  crc: number;
}

export interface LegacyDecodeOptions extends DecompressOptions {
  /** Check every message's CRC-32, outer and inner (default true). */
  verifyCrc?: boolean;
}

// node:zlib.crc32 is native (Node 20.15+); crc-32 covers older 20.x releases.
const crc32: (data: Buffer) => number =
  typeof zlib.crc32 === 'function' ? (d) => zlib.crc32(d) >>> 0 : (d) => CRC32.buf(d) >>> 0;

const TIMESTAMP_LOG_APPEND = 0x08;

function fail(
  reason:
    | 'truncated'
    | 'negative-length'
    | 'length-past-end'
    | 'invalid-value'
    | 'crc-mismatch'
    | 'unsupported-magic',
  message: string,
  at: number,
): never {
  throw new RecordDecodeError(reason, message, at);
}

/** Decodes every complete message of a MessageSet; a trailing partial entry is ignored. */
export function decodeMessageSet(buf: Buffer, options: LegacyDecodeOptions = {}): LegacyMessage[] {
  return decodeSet(buf, options, false);
}

function decodeSet(buf: Buffer, options: LegacyDecodeOptions, inner: boolean): LegacyMessage[] {
  const out: LegacyMessage[] = [];
  let pos = 0;
  while (buf.length - pos >= LOG_OVERHEAD) {
    const size = buf.readInt32BE(pos + 8);
    if (size < 14) fail('invalid-value', `message size ${size}`, pos + 8);
    if (pos + LOG_OVERHEAD + size > buf.length) {
      if (inner) fail('truncated', 'inner message set ends mid-message', pos);
      break;
    }
    const message = readMessage(buf, pos, size, options);
    const codec = message.attributes & 0x07;
    if (codec === CompressionCodec.none) out.push(message);
    else if (inner) fail('invalid-value', 'compressed message nested inside a compressed message', pos);
    else out.push(...unwrap(message, codec, options, pos));
    pos += LOG_OVERHEAD + size;
  }
  return out;
}

function readMessage(buf: Buffer, entry: number, size: number, options: LegacyDecodeOptions): LegacyMessage {
  const start = entry + LOG_OVERHEAD;
  const end = start + size;
  const crc = buf.readUInt32BE(start);
  const magic = buf.readInt8(start + 4);
  if (magic !== 0 && magic !== 1) fail('unsupported-magic', `magic ${magic} in a MessageSet`, start + 4);
  if (magic === 1 && size < 22) fail('invalid-value', `v1 message size ${size}`, entry + 8);
  if ((options.verifyCrc ?? true) && crc32(buf.subarray(start + 4, end)) !== crc) {
    fail('crc-mismatch', 'message CRC-32 does not match its bytes', start);
  }
  const attributes = buf.readInt8(start + 5);
  let pos = start + 6;
  let timestamp = -1n;
  if (magic === 1) {
    timestamp = buf.readBigInt64BE(pos);
    pos += 8;
  }
  const read = (): Buffer | null => {
    if (pos + 4 > end) fail('truncated', 'message ends inside a length', pos);
    const len = buf.readInt32BE(pos);
    pos += 4;
    if (len === -1) return null;
    if (len < 0) fail('negative-length', `length ${len}`, pos - 4);
    if (pos + len > end) fail('length-past-end', `length ${len}`, pos - 4);
    const bytes = buf.subarray(pos, pos + len);
    pos += len;
    return bytes;
  };
  const key = read();
  const value = read();
  if (pos !== end) fail('invalid-value', `${end - pos} bytes past the message fields`, pos);
  return { offset: buf.readBigInt64BE(entry), magic, attributes, timestamp, key, value, crc };
}

function unwrap(
  wrapper: LegacyMessage,
  codec: number,
  options: LegacyDecodeOptions,
  at: number,
): LegacyMessage[] {
  if (codec > CompressionCodec.lz4)
    fail('invalid-value', `codec ${codec} is not allowed in a MessageSet`, at);
  if (wrapper.value === null) fail('invalid-value', 'compressed wrapper without a value', at);
  const data = decompressSync(codec, wrapper.value, {
    ...options,
    // Kafka wrote magic-0 LZ4 frames with a broken header checksum and skips the check for them.
    lz4LegacyHeaderChecksum: wrapper.magic === 0,
  });
  const inner = decodeSet(data, options, true);
  if (wrapper.magic === 0) return inner;
  const last = inner[inner.length - 1];
  if (last === undefined) return inner;
  const shift = wrapper.offset - last.offset;
  const logAppend = (wrapper.attributes & TIMESTAMP_LOG_APPEND) !== 0;
  for (const m of inner) {
    m.offset += shift;
    if (logAppend) m.timestamp = wrapper.timestamp;
  }
  return inner;
}
