import { CompressionCodec, type CompressOptions, type DecompressOptions } from '../compression/codec.js';
import { compress, compressSync, decompress, decompressSync } from '../compression/compress.js';
import {
  BATCH_HEADER_SIZE,
  BatchAttributes,
  BatchOffsets,
  isBatchCrcValid,
  LOG_OVERHEAD,
  type RecordBatchHeader,
  readBatchHeader,
  writeBatchCrc,
} from './batch-header.js';
import { RecordDecodeError } from './errors.js';
import {
  type KafkaRecord,
  MIN_RECORD_SIZE,
  type RecordToWrite,
  readRecord,
  sizeOfRecordBody,
  writeRecord,
} from './record.js';
import { RecordCursor, sizeOfVarint } from './varint.js';

/**
 * RecordBatch v2 encode and full decode. The broker's hot path never calls these (it validates
 * and patches headers in batch-header.ts); they serve compaction, recompression, legacy
 * up-conversion, tools and tests.
 *
 * Sync vs async: the *Sync functions handle none/gzip/snappy/lz4 and throw
 * UnsupportedCodecError for zstd; encodeRecordBatch/decodeRecordBatch handle every codec and are
 * async because the zstd library is.
 */
export const TimestampType = { createTime: 0, logAppendTime: 1 } as const;
export type TimestampType = (typeof TimestampType)[keyof typeof TimestampType];

export interface RecordInput {
  key?: Buffer | string | null;
  value?: Buffer | string | null;
  headers?: Array<{ key: string; value: Buffer | string | null }>;
  /** Milliseconds since the epoch. Defaults to the batch's baseTimestamp, or now. */
  timestamp?: number | bigint;
}

export interface RecordBatchInput {
  baseOffset?: bigint;
  /** Clients send -1; the broker stamps its leader epoch. */
  partitionLeaderEpoch?: number;
  compression?: CompressionCodec;
  compressionLevel?: number;
  timestampType?: TimestampType;
  /** Defaults to the first record's timestamp, as Java's producer does. */
  baseTimestamp?: number | bigint;
  /** Defaults to the largest record timestamp. */
  maxTimestamp?: number | bigint;
  producerId?: bigint;
  producerEpoch?: number;
  baseSequence?: number;
  isTransactional?: boolean;
  isControl?: boolean;
  records: RecordInput[];
}

export interface DecodedRecord extends KafkaRecord {
  offset: bigint;
  /** baseTimestamp + timestampDelta, or maxTimestamp for LogAppendTime batches. */
  timestamp: bigint;
}

export interface DecodedRecordBatch {
  header: RecordBatchHeader;
  records: DecodedRecord[];
}

export interface DecodeBatchOptions extends DecompressOptions {
  /** Check the CRC32C before decoding (default true). */
  verifyCrc?: boolean;
}

interface Prepared {
  records: RecordToWrite[];
  bodySizes: number[];
  recordsSize: number;
  attributes: number;
  baseTimestamp: bigint;
  maxTimestamp: bigint;
}

function toBytes(v: Buffer | string | null | undefined): Buffer | null {
  if (v === null || v === undefined) return null;
  return typeof v === 'string' ? Buffer.from(v, 'utf8') : v;
}

function prepare(input: RecordBatchInput): Prepared {
  const now = BigInt(Date.now());
  const fallback = input.baseTimestamp === undefined ? now : BigInt(input.baseTimestamp);
  const stamps = input.records.map((r) => (r.timestamp === undefined ? fallback : BigInt(r.timestamp)));
  const baseTimestamp = input.baseTimestamp === undefined ? (stamps[0] ?? now) : BigInt(input.baseTimestamp);
  let maxTimestamp = stamps[0] ?? baseTimestamp;
  for (const t of stamps) if (t > maxTimestamp) maxTimestamp = t;
  if (input.maxTimestamp !== undefined) maxTimestamp = BigInt(input.maxTimestamp);

  const records: RecordToWrite[] = new Array(input.records.length);
  const bodySizes: number[] = new Array(input.records.length);
  let recordsSize = 0;
  input.records.forEach((r, i) => {
    const rec: RecordToWrite = {
      timestampDelta: Number(stamps[i]! - baseTimestamp),
      offsetDelta: i,
      key: toBytes(r.key),
      value: toBytes(r.value),
      headers: (r.headers ?? []).map((h) => ({ key: Buffer.from(h.key, 'utf8'), value: toBytes(h.value) })),
    };
    const body = sizeOfRecordBody(rec);
    records[i] = rec;
    bodySizes[i] = body;
    recordsSize += sizeOfVarint(body) + body;
  });

  let attributes = input.compression ?? CompressionCodec.none;
  if (input.timestampType === TimestampType.logAppendTime)
    attributes |= BatchAttributes.timestampTypeLogAppend;
  if (input.isTransactional) attributes |= BatchAttributes.transactional;
  if (input.isControl) attributes |= BatchAttributes.control;
  return { records, bodySizes, recordsSize, attributes, baseTimestamp, maxTimestamp };
}

function writeRecords(p: Prepared, buf: Buffer, pos: number): void {
  for (let i = 0; i < p.records.length; i++) pos = writeRecord(buf, pos, p.records[i]!, p.bodySizes[i]!);
}

/** Header + payload (already compressed if it should be), with the CRC computed last. */
function assemble(input: RecordBatchInput, p: Prepared, payload: Buffer | null): Buffer {
  const size = BATCH_HEADER_SIZE + (payload === null ? p.recordsSize : payload.length);
  const buf = Buffer.allocUnsafe(size);
  buf.writeBigInt64BE(input.baseOffset ?? 0n, BatchOffsets.baseOffset);
  buf.writeInt32BE(size - LOG_OVERHEAD, BatchOffsets.batchLength);
  buf.writeInt32BE(input.partitionLeaderEpoch ?? -1, BatchOffsets.partitionLeaderEpoch);
  buf.writeInt8(2, BatchOffsets.magic);
  buf.writeInt16BE(p.attributes, BatchOffsets.attributes);
  buf.writeInt32BE(p.records.length - 1, BatchOffsets.lastOffsetDelta);
  buf.writeBigInt64BE(p.baseTimestamp, BatchOffsets.baseTimestamp);
  buf.writeBigInt64BE(p.maxTimestamp, BatchOffsets.maxTimestamp);
  buf.writeBigInt64BE(input.producerId ?? -1n, BatchOffsets.producerId);
  buf.writeInt16BE(input.producerEpoch ?? -1, BatchOffsets.producerEpoch);
  buf.writeInt32BE(input.baseSequence ?? -1, BatchOffsets.baseSequence);
  buf.writeInt32BE(p.records.length, BatchOffsets.recordsCount);
  if (payload === null) writeRecords(p, buf, BATCH_HEADER_SIZE);
  else payload.copy(buf, BATCH_HEADER_SIZE);
  writeBatchCrc(buf, 0);
  return buf;
}

function rawRecords(p: Prepared): Buffer {
  const raw = Buffer.allocUnsafe(p.recordsSize);
  writeRecords(p, raw, 0);
  return raw;
}

export function encodeRecordBatchSync(input: RecordBatchInput): Buffer {
  const p = prepare(input);
  const codec = input.compression ?? CompressionCodec.none;
  if (codec === CompressionCodec.none) return assemble(input, p, null);
  const options: CompressOptions =
    input.compressionLevel === undefined ? {} : { level: input.compressionLevel };
  return assemble(input, p, compressSync(codec, rawRecords(p), options));
}

export async function encodeRecordBatch(input: RecordBatchInput): Promise<Buffer> {
  const codec = input.compression ?? CompressionCodec.none;
  if (codec !== CompressionCodec.zstd) return encodeRecordBatchSync(input);
  const p = prepare(input);
  const options: CompressOptions =
    input.compressionLevel === undefined ? {} : { level: input.compressionLevel };
  return assemble(input, p, await compress(codec, rawRecords(p), options));
}

/** Checks everything about the batch at the start of buf that can be checked without the records. */
function openBatch(buf: Buffer, options: DecodeBatchOptions): { header: RecordBatchHeader; payload: Buffer } {
  if (buf.length < BATCH_HEADER_SIZE) {
    throw new RecordDecodeError(
      'truncated',
      `batch needs ${BATCH_HEADER_SIZE} header bytes, has ${buf.length}`,
      0,
    );
  }
  const magic = buf.readInt8(BatchOffsets.magic);
  if (magic !== 2) throw new RecordDecodeError('unsupported-magic', `magic ${magic} is not a v2 batch`, 16);
  const batchLength = buf.readInt32BE(BatchOffsets.batchLength);
  if (batchLength < BATCH_HEADER_SIZE - LOG_OVERHEAD) {
    throw new RecordDecodeError('invalid-value', `batchLength ${batchLength} is shorter than the header`, 8);
  }
  if (batchLength + LOG_OVERHEAD > buf.length) {
    throw new RecordDecodeError(
      'truncated',
      `batch of ${batchLength + LOG_OVERHEAD} bytes, ${buf.length} present`,
      8,
    );
  }
  if ((options.verifyCrc ?? true) && !isBatchCrcValid(buf, 0)) {
    throw new RecordDecodeError('crc-mismatch', 'batch CRC32C does not match its bytes', 17);
  }
  const header = readBatchHeader(buf, 0);
  if (header.recordsCount < 0) {
    throw new RecordDecodeError('negative-length', `recordsCount ${header.recordsCount}`, 57);
  }
  return { header, payload: buf.subarray(BATCH_HEADER_SIZE, batchLength + LOG_OVERHEAD) };
}

function readRecords(header: RecordBatchHeader, data: Buffer): DecodedRecord[] {
  const count = header.recordsCount;
  if (count * MIN_RECORD_SIZE > data.length) {
    throw new RecordDecodeError(
      'length-past-end',
      `recordsCount ${count} cannot fit in ${data.length} bytes`,
    );
  }
  const logAppend = (header.attributes & BatchAttributes.timestampTypeLogAppend) !== 0;
  const cur = new RecordCursor(data, 0, data.length);
  const out: DecodedRecord[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const r = readRecord(cur) as DecodedRecord;
    r.offset = header.baseOffset + BigInt(r.offsetDelta);
    r.timestamp = logAppend ? header.maxTimestamp : header.baseTimestamp + BigInt(r.timestampDelta);
    out[i] = r;
  }
  if (cur.pos !== data.length) {
    throw new RecordDecodeError(
      'invalid-value',
      `${data.length - cur.pos} bytes after the last of ${count} records`,
    );
  }
  return out;
}

/**
 * Decodes the v2 batch at the start of buf (bytes after it are ignored). Record keys and values
 * are views into buf (uncompressed) or into the decompressed buffer: no per-record copies.
 */
export function decodeRecordBatchSync(buf: Buffer, options: DecodeBatchOptions = {}): DecodedRecordBatch {
  const { header, payload } = openBatch(buf, options);
  const codec = header.attributes & BatchAttributes.compressionMask;
  const data = codec === CompressionCodec.none ? payload : decompressSync(codec, payload, options);
  return { header, records: readRecords(header, data) };
}

export async function decodeRecordBatch(
  buf: Buffer,
  options: DecodeBatchOptions = {},
): Promise<DecodedRecordBatch> {
  const { header, payload } = openBatch(buf, options);
  const codec = header.attributes & BatchAttributes.compressionMask;
  const data = codec === CompressionCodec.none ? payload : await decompress(codec, payload, options);
  return { header, records: readRecords(header, data) };
}
