import { RecordDecodeError } from './errors.js';
import { type RecordCursor, sizeOfVarint, sizeOfVarlong, writeVarint, writeVarlong } from './varint.js';

/**
 * One record of a v2 batch, as it is on the wire. timestampDelta is a number (not bigint): it is
 * relative to the batch's baseTimestamp, so it is small, and numbers keep the per-record path
 * free of BigInt arithmetic. Values past +/-2^53 are rejected on decode.
 */
export interface RecordHeader {
  key: string;
  value: Buffer | null;
}

export interface KafkaRecord {
  /** Unused by Kafka (always 0), kept for byte-exact round trips. */
  attributes: number;
  timestampDelta: number;
  offsetDelta: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: RecordHeader[];
}

/**
 * The smallest possible record: length, attributes, timestampDelta, offsetDelta, keyLen,
 * valueLen, headerCount, one byte each. Used to refuse counts the bytes cannot hold before
 * allocating for them.
 */
export const MIN_RECORD_SIZE = 7;
/** The smallest header: keyLen and valueLen, one byte each. */
const MIN_HEADER_SIZE = 2;

/**
 * Reads one record at the cursor. key, value and header values are views into the input buffer
 * (no copies): keep the buffer alive, and copy them if the buffer is going to be reused.
 */
export function readRecord(cur: RecordCursor): KafkaRecord {
  const start = cur.pos;
  const outerEnd = cur.end;
  const length = cur.varint();
  if (length < 0) throw new RecordDecodeError('negative-length', `record length ${length}`, start);
  const recordEnd = cur.pos + length;
  if (recordEnd > outerEnd) throw new RecordDecodeError('length-past-end', `record length ${length}`, start);
  cur.end = recordEnd;
  const attributes = cur.int8();
  const timestampDelta = cur.varlong();
  const offsetDelta = cur.varint();
  const key = cur.bytes();
  const value = cur.bytes();
  const headerAt = cur.pos;
  const headerCount = cur.varint();
  if (headerCount < 0)
    throw new RecordDecodeError('negative-length', `header count ${headerCount}`, headerAt);
  if (headerCount * MIN_HEADER_SIZE > recordEnd - cur.pos) {
    throw new RecordDecodeError('length-past-end', `header count ${headerCount}`, headerAt);
  }
  const headers: RecordHeader[] = new Array(headerCount);
  for (let i = 0; i < headerCount; i++) {
    const keyAt = cur.pos;
    const hkey = cur.bytes();
    if (hkey === null) throw new RecordDecodeError('negative-length', 'null header key', keyAt);
    headers[i] = { key: hkey.toString('utf8'), value: cur.bytes() };
  }
  if (cur.pos !== recordEnd) {
    throw new RecordDecodeError(
      'invalid-value',
      `record has ${recordEnd - cur.pos} bytes past its fields`,
      start,
    );
  }
  cur.end = outerEnd;
  return { attributes, timestampDelta, offsetDelta, key, value, headers };
}

/** What the encoder needs per record, with strings already turned into bytes. */
export interface RecordToWrite {
  timestampDelta: number;
  offsetDelta: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: Array<{ key: Buffer; value: Buffer | null }>;
  attributes?: number;
}

function sizeOfBytes(b: Buffer | null): number {
  return b === null ? 1 : sizeOfVarint(b.length) + b.length;
}

/** Size of the record's fields after its length varint. */
export function sizeOfRecordBody(r: RecordToWrite): number {
  let n = 1 + sizeOfVarlong(r.timestampDelta) + sizeOfVarint(r.offsetDelta);
  n += sizeOfBytes(r.key) + sizeOfBytes(r.value) + sizeOfVarint(r.headers.length);
  for (const h of r.headers) n += sizeOfBytes(h.key) + sizeOfBytes(h.value);
  return n;
}

function writeBytes(buf: Buffer, pos: number, b: Buffer | null): number {
  if (b === null) return writeVarint(buf, pos, -1);
  pos = writeVarint(buf, pos, b.length);
  return pos + b.copy(buf, pos);
}

/** Writes the record (length varint first) at pos, given its body size; returns the end. */
export function writeRecord(buf: Buffer, pos: number, r: RecordToWrite, bodySize: number): number {
  pos = writeVarint(buf, pos, bodySize);
  buf[pos++] = r.attributes ?? 0;
  pos = writeVarlong(buf, pos, r.timestampDelta);
  pos = writeVarint(buf, pos, r.offsetDelta);
  pos = writeBytes(buf, pos, r.key);
  pos = writeBytes(buf, pos, r.value);
  pos = writeVarint(buf, pos, r.headers.length);
  for (const h of r.headers) {
    pos = writeBytes(buf, pos, h.key);
    pos = writeBytes(buf, pos, h.value);
  }
  return pos;
}
