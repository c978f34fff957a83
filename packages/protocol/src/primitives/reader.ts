import { DecodeError } from './decode-error.js';
import { uuidFromBytes } from './uuid.js';

/** A tagged field the decoder does not know, kept raw so it can be re-emitted byte for byte. */
export interface RawTaggedField {
  tag: number;
  /** Zero-copy view of the field's bytes inside the input. */
  data: Buffer;
}

/** Kafka rejects strings longer than a signed 16-bit length, compact or not; so do we. */
const MAX_STRING_LENGTH = 0x7fff;

/**
 * A bounds-checked cursor over a Buffer, reading Kafka's primitive types (all big-endian).
 *
 * Every length and count is checked against `remaining` before anything is sliced or allocated,
 * so hostile input costs at most the bytes it actually sent. Bad input throws `DecodeError` and
 * nothing else. Byte strings come back as zero-copy subarrays of the input: they stay valid only
 * as long as the caller keeps the input buffer unmodified.
 */
export class Reader {
  readonly buf: Buffer;
  /** Next byte to read. Public so callers can save and restore positions cheaply. */
  offset: number;
  /** One past the last readable byte. */
  readonly end: number;

  constructor(buf: Buffer, offset = 0, end = buf.length) {
    if (offset < 0 || end > buf.length || offset > end) {
      throw new RangeError(`Reader bounds [${offset}, ${end}) outside buffer of ${buf.length}`);
    }
    this.buf = buf;
    this.offset = offset;
    this.end = end;
  }

  get remaining(): number {
    return this.end - this.offset;
  }

  private need(n: number, what: string): number {
    const at = this.offset;
    if (this.end - at < n) {
      throw new DecodeError('truncated', `${what}: need ${n} bytes, ${this.end - at} left`, at);
    }
    this.offset = at + n;
    return at;
  }

  readInt8(): number {
    return this.buf.readInt8(this.need(1, 'int8'));
  }

  readUInt8(): number {
    return this.buf[this.need(1, 'uint8')]!;
  }

  /** Kafka treats any non-zero byte as true. */
  readBool(): boolean {
    return this.buf[this.need(1, 'bool')] !== 0;
  }

  readInt16(): number {
    return this.buf.readInt16BE(this.need(2, 'int16'));
  }

  readUInt16(): number {
    return this.buf.readUInt16BE(this.need(2, 'uint16'));
  }

  readInt32(): number {
    return this.buf.readInt32BE(this.need(4, 'int32'));
  }

  readUInt32(): number {
    return this.buf.readUInt32BE(this.need(4, 'uint32'));
  }

  readInt64(): bigint {
    return this.buf.readBigInt64BE(this.need(8, 'int64'));
  }

  readFloat64(): number {
    return this.buf.readDoubleBE(this.need(8, 'float64'));
  }

  readUuid(): string {
    return uuidFromBytes(this.buf, this.need(16, 'uuid'));
  }

  /** Unsigned LEB128, at most 5 bytes and 32 bits (lengths, counts and tags of flexible versions). */
  readUnsignedVarint(): number {
    const buf = this.buf;
    const start = this.offset;
    const end = this.end;
    let off = start;
    let value = 0;
    for (let shift = 0; shift < 28; shift += 7) {
      if (off >= end) throw new DecodeError('truncated', 'varint ends early', start);
      const b = buf[off++]!;
      value |= (b & 0x7f) << shift;
      if (b < 0x80) {
        this.offset = off;
        return value;
      }
    }
    if (off >= end) throw new DecodeError('truncated', 'varint ends early', start);
    const last = buf[off++]!;
    // The fifth byte holds bits 28..31: anything above is overflow or a sixth byte.
    if (last > 0x0f) throw new DecodeError('varint-too-long', 'varint longer than 5 bytes or 32 bits', start);
    this.offset = off;
    return value + last * 0x10000000;
  }

  /** Zigzag int32 (record fields). */
  readVarint(): number {
    const u = this.readUnsignedVarint();
    return (u >>> 1) ^ -(u & 1);
  }

  /** Zigzag int64, at most 10 bytes. */
  readVarlong(): bigint {
    const buf = this.buf;
    const start = this.offset;
    const end = this.end;
    let off = start;
    // Bits 0..27 in `lo`, bits 28..63 in `hi`: both stay exact as doubles, and the common small
    // case never touches BigInt arithmetic beyond one conversion.
    let lo = 0;
    let hi = 0;
    for (let i = 0; i < 10; i++) {
      if (off >= end) throw new DecodeError('truncated', 'varlong ends early', start);
      const b = buf[off++]!;
      if (i < 4) lo |= (b & 0x7f) << (7 * i);
      else hi += (b & 0x7f) * 2 ** (7 * (i - 4));
      if (b < 0x80) {
        if (i === 9 && b > 1) break;
        this.offset = off;
        if (hi === 0) return BigInt((lo >>> 1) ^ -(lo & 1));
        const u = (BigInt(hi) << 28n) | BigInt(lo);
        return (u >> 1n) ^ -(u & 1n);
      }
    }
    throw new DecodeError('varint-too-long', 'varlong longer than 10 bytes or 64 bits', start);
  }

  /** `n` raw bytes as a zero-copy view. */
  readRaw(n: number): Buffer {
    const at = this.need(n, 'bytes');
    return this.buf.subarray(at, at + n);
  }

  skip(n: number): void {
    this.need(n, 'skip');
  }

  /** Checks a decoded length against the input before anything is sliced. */
  private checkLength(len: number, at: number, what: string): void {
    if (len < 0) throw new DecodeError('negative-length', `${what} length ${len}`, at);
    if (len > this.end - this.offset) {
      throw new DecodeError('length-past-end', `${what} length ${len}, ${this.end - this.offset} left`, at);
    }
  }

  private utf8(len: number, at: number): string {
    if (len > MAX_STRING_LENGTH) throw new DecodeError('invalid-value', `string length ${len} > 32767`, at);
    this.checkLength(len, at, 'string');
    const start = this.offset;
    this.offset = start + len;
    return this.buf.toString('utf8', start, start + len);
  }

  private notNull(what: string, at: number): never {
    throw new DecodeError('invalid-value', `null ${what} where the field is not nullable`, at);
  }

  /** int16 length + UTF-8; -1 (null) is rejected. */
  readString(): string {
    const at = this.offset;
    const len = this.readInt16();
    if (len === -1) this.notNull('string', at);
    return this.utf8(len, at);
  }

  readNullableString(): string | null {
    const at = this.offset;
    const len = this.readInt16();
    return len === -1 ? null : this.utf8(len, at);
  }

  /** uvarint (length + 1) + UTF-8; 0 (null) is rejected. */
  readCompactString(): string {
    const at = this.offset;
    const n = this.readUnsignedVarint();
    if (n === 0) this.notNull('string', at);
    return this.utf8(n - 1, at);
  }

  readCompactNullableString(): string | null {
    const at = this.offset;
    const n = this.readUnsignedVarint();
    return n === 0 ? null : this.utf8(n - 1, at);
  }

  private slice(len: number, at: number): Buffer {
    this.checkLength(len, at, 'bytes');
    const start = this.offset;
    this.offset = start + len;
    return this.buf.subarray(start, start + len);
  }

  /** int32 length + bytes (zero-copy); -1 (null) is rejected. */
  readBytes(): Buffer {
    const at = this.offset;
    const len = this.readInt32();
    if (len === -1) this.notNull('bytes', at);
    return this.slice(len, at);
  }

  readNullableBytes(): Buffer | null {
    const at = this.offset;
    const len = this.readInt32();
    return len === -1 ? null : this.slice(len, at);
  }

  readCompactBytes(): Buffer {
    const at = this.offset;
    const n = this.readUnsignedVarint();
    if (n === 0) this.notNull('bytes', at);
    return this.slice(n - 1, at);
  }

  readCompactNullableBytes(): Buffer | null {
    const at = this.offset;
    const n = this.readUnsignedVarint();
    return n === 0 ? null : this.slice(n - 1, at);
  }

  private checkCount(count: number, minElementSize: number, at: number): number {
    if (count < -1) throw new DecodeError('negative-length', `array count ${count}`, at);
    // Every element occupies at least `minElementSize` (>= 1) bytes, so a count the remaining
    // input cannot hold is rejected before anyone allocates an array of that size.
    if (count > 0 && count * Math.max(1, minElementSize) > this.end - this.offset) {
      throw new DecodeError(
        'length-past-end',
        `array count ${count} exceeds ${this.remaining} bytes left`,
        at,
      );
    }
    return count;
  }

  /**
   * Classic int32 array count; -1 means null. `minElementSize` is the fewest bytes one element
   * can take (1 if unsure): a tighter bound rejects hostile counts sooner.
   */
  readArrayLength(minElementSize = 1): number {
    const at = this.offset;
    return this.checkCount(this.readInt32(), minElementSize, at);
  }

  /** Compact uvarint (count + 1) array count; returns -1 for null. */
  readCompactArrayLength(minElementSize = 1): number {
    const at = this.offset;
    return this.checkCount(this.readUnsignedVarint() - 1, minElementSize, at);
  }

  /** Skips a tagged-field section (when the caller knows none of the tags). */
  skipTaggedFields(): void {
    const at = this.offset;
    const count = this.checkCount(this.readUnsignedVarint(), 2, at);
    for (let i = 0; i < count; i++) {
      this.readUnsignedVarint();
      const sizeAt = this.offset;
      const size = this.readUnsignedVarint();
      this.checkLength(size, sizeAt, 'tagged field');
      this.offset += size;
    }
  }

  /** Reads a tagged-field section keeping every field raw (zero-copy). */
  readRawTaggedFields(): RawTaggedField[] {
    const at = this.offset;
    const count = this.checkCount(this.readUnsignedVarint(), 2, at);
    const fields: RawTaggedField[] = [];
    for (let i = 0; i < count; i++) {
      const tag = this.readUnsignedVarint();
      const sizeAt = this.offset;
      fields.push({ tag, data: this.slice(this.readUnsignedVarint(), sizeAt) });
    }
    return fields;
  }
}
