import { EncodeError } from './decode-error.js';
import type { RawTaggedField } from './reader.js';
import { writeUuidBytes } from './uuid.js';

/** Byte strings at least this long are referenced, not copied (see `writeRaw`). */
const ZERO_COPY_THRESHOLD = 4096;
const MIN_CAPACITY = 256;
const MAX_STRING_LENGTH = 0x7fff;

/**
 * A growable big-endian writer for Kafka's primitive types.
 *
 * Small values go into one scratch buffer that doubles when full (amortised O(1) per byte).
 * Large byte strings (record batches in a Fetch response) are not copied: the scratch segment is
 * closed and the caller's Buffer is kept by reference, so the output is a list of chunks ready
 * for `socket.writev`/`cork` (`toBuffers`), or one concatenation (`toBuffer`). Consequence: a
 * Buffer passed to `writeRaw`/`writeBytes` must not be modified until the output has been sent.
 */
export class Writer {
  private buf: Buffer;
  /** Next write position in `buf`. */
  private pos = 0;
  /** Where the current (not yet closed) segment starts in `buf`. */
  private segStart = 0;
  private readonly chunks: Buffer[] = [];
  /** Total bytes in `chunks`. */
  private closedLength = 0;

  constructor(initialCapacity = MIN_CAPACITY) {
    this.buf = Buffer.allocUnsafe(Math.max(16, initialCapacity));
  }

  /** Bytes written so far. */
  get length(): number {
    return this.closedLength + this.pos - this.segStart;
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    // Only the open segment moves: closed chunks keep viewing the old allocation.
    const used = this.pos - this.segStart;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, used + n, MIN_CAPACITY));
    this.buf.copy(next, 0, this.segStart, this.pos);
    this.buf = next;
    this.segStart = 0;
    this.pos = used;
  }

  private closeSegment(): void {
    if (this.pos > this.segStart) {
      this.chunks.push(this.buf.subarray(this.segStart, this.pos));
      this.closedLength += this.pos - this.segStart;
      this.segStart = this.pos;
    }
  }

  writeInt8(v: number): void {
    this.ensure(1);
    this.pos = this.buf.writeInt8(v, this.pos);
  }

  writeUInt8(v: number): void {
    this.ensure(1);
    this.pos = this.buf.writeUInt8(v, this.pos);
  }

  writeBool(v: boolean): void {
    this.ensure(1);
    this.buf[this.pos++] = v ? 1 : 0;
  }

  writeInt16(v: number): void {
    this.ensure(2);
    this.pos = this.buf.writeInt16BE(v, this.pos);
  }

  writeUInt16(v: number): void {
    this.ensure(2);
    this.pos = this.buf.writeUInt16BE(v, this.pos);
  }

  writeInt32(v: number): void {
    this.ensure(4);
    this.pos = this.buf.writeInt32BE(v, this.pos);
  }

  writeUInt32(v: number): void {
    this.ensure(4);
    this.pos = this.buf.writeUInt32BE(v, this.pos);
  }

  writeInt64(v: bigint): void {
    this.ensure(8);
    this.pos = this.buf.writeBigInt64BE(v, this.pos);
  }

  writeFloat64(v: number): void {
    this.ensure(8);
    this.pos = this.buf.writeDoubleBE(v, this.pos);
  }

  writeUuid(v: string): void {
    this.ensure(16);
    writeUuidBytes(v, this.buf, this.pos);
    this.pos += 16;
  }

  /** Unsigned LEB128 of 0..2^32-1. */
  writeUnsignedVarint(v: number): void {
    if (!(v >= 0 && v <= 0xffffffff)) throw new EncodeError(`unsigned varint out of range: ${v}`);
    this.ensure(5);
    const buf = this.buf;
    let pos = this.pos;
    while (v >= 0x80) {
      buf[pos++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    buf[pos++] = v;
    this.pos = pos;
  }

  /** Zigzag int32. */
  writeVarint(v: number): void {
    this.writeUnsignedVarint(((v << 1) ^ (v >> 31)) >>> 0);
  }

  /** Zigzag int64. */
  writeVarlong(v: bigint): void {
    const z = BigInt.asUintN(64, (v << 1n) ^ (v >> 63n));
    if (z < 0x10000000n) {
      this.writeUnsignedVarint(Number(z));
      return;
    }
    // Low 28 bits as four full groups, then the high 36 bits (exact as a double).
    let lo = Number(z & 0xfffffffn);
    let hi = Number(z >> 28n);
    this.ensure(10);
    const buf = this.buf;
    let pos = this.pos;
    for (let i = 0; i < 4; i++) {
      buf[pos++] = (lo & 0x7f) | 0x80;
      lo >>>= 7;
    }
    while (hi >= 0x80) {
      buf[pos++] = (hi % 0x80) | 0x80;
      hi = Math.floor(hi / 0x80);
    }
    buf[pos++] = hi;
    this.pos = pos;
  }

  /** Appends bytes; large ones are referenced rather than copied (see the class comment). */
  writeRaw(src: Buffer): void {
    const n = src.length;
    if (n >= ZERO_COPY_THRESHOLD) {
      this.closeSegment();
      this.chunks.push(src);
      this.closedLength += n;
      return;
    }
    this.ensure(n);
    src.copy(this.buf, this.pos);
    this.pos += n;
  }

  /**
   * Writes a string's UTF-8 after a length prefix of `prefixBytes` bytes, in one pass when the
   * worst case (3 bytes per UTF-16 unit) fits the prefix; returns the byte length.
   */
  private utf8After(s: string, prefixBytes: number): number {
    this.ensure(prefixBytes + s.length * 3);
    const len = this.buf.write(s, this.pos + prefixBytes, 'utf8');
    if (len > MAX_STRING_LENGTH) throw new EncodeError(`string of ${len} bytes exceeds 32767`);
    return len;
  }

  /** int16 length + UTF-8. */
  writeString(s: string): void {
    const len = this.utf8After(s, 2);
    this.buf.writeInt16BE(len, this.pos);
    this.pos += 2 + len;
  }

  writeNullableString(s: string | null): void {
    if (s === null) this.writeInt16(-1);
    else this.writeString(s);
  }

  /** uvarint (length + 1) + UTF-8. */
  writeCompactString(s: string): void {
    if (s.length * 3 < 0x7f) {
      // Short string: the prefix is surely one byte, so write the text straight after it.
      const len = this.utf8After(s, 1);
      this.buf[this.pos] = len + 1;
      this.pos += 1 + len;
      return;
    }
    const len = Buffer.byteLength(s, 'utf8');
    if (len > MAX_STRING_LENGTH) throw new EncodeError(`string of ${len} bytes exceeds 32767`);
    this.writeUnsignedVarint(len + 1);
    this.ensure(len);
    this.pos += this.buf.write(s, this.pos, 'utf8');
  }

  writeCompactNullableString(s: string | null): void {
    if (s === null) this.writeUnsignedVarint(0);
    else this.writeCompactString(s);
  }

  /** int32 length + bytes. */
  writeBytes(b: Buffer): void {
    this.writeInt32(b.length);
    this.writeRaw(b);
  }

  writeNullableBytes(b: Buffer | null): void {
    if (b === null) this.writeInt32(-1);
    else this.writeBytes(b);
  }

  writeCompactBytes(b: Buffer): void {
    this.writeUnsignedVarint(b.length + 1);
    this.writeRaw(b);
  }

  writeCompactNullableBytes(b: Buffer | null): void {
    if (b === null) this.writeUnsignedVarint(0);
    else this.writeCompactBytes(b);
  }

  /** Classic int32 array count; pass -1 for null. */
  writeArrayLength(count: number): void {
    this.writeInt32(count);
  }

  /** Compact array count (count + 1); pass -1 for null. */
  writeCompactArrayLength(count: number): void {
    this.writeUnsignedVarint(count + 1);
  }

  /** A tagged-field section holding only raw fields (sorted by tag by the caller). */
  writeRawTaggedFields(fields: readonly RawTaggedField[] | undefined): void {
    if (fields === undefined || fields.length === 0) {
      this.writeUInt8(0);
      return;
    }
    this.writeUnsignedVarint(fields.length);
    for (const f of fields) this.writeRawTaggedField(f.tag, f.data);
  }

  /** One tagged field: uvarint tag, uvarint size, data. */
  writeRawTaggedField(tag: number, data: Buffer): void {
    this.writeUnsignedVarint(tag);
    this.writeUnsignedVarint(data.length);
    this.writeRaw(data);
  }

  /** Appends everything another writer produced (chunks are referenced, not copied). */
  writeWriter(other: Writer): void {
    for (const chunk of other.toBuffers()) this.writeRaw(chunk);
  }

  /**
   * Writes a placeholder int32 (e.g. a size prefix) and returns its position for `patchInt32`.
   */
  reserveInt32(): number {
    const at = this.length;
    this.writeInt32(0);
    return at;
  }

  /** Overwrites the int32 at `position` (a value returned by `reserveInt32`). */
  patchInt32(position: number, value: number): void {
    if (position >= this.closedLength) {
      this.buf.writeInt32BE(value, this.segStart + position - this.closedLength);
      return;
    }
    // Reserved slots are always written through the scratch buffer, so they lie whole inside one
    // closed chunk, never inside a caller's referenced Buffer.
    let start = 0;
    for (const chunk of this.chunks) {
      if (position < start + chunk.length) {
        chunk.writeInt32BE(value, position - start);
        return;
      }
      start += chunk.length;
    }
    throw new RangeError(`patch position ${position} past the written ${this.length} bytes`);
  }

  /** The output as chunks, for `socket.writev`; the writer may keep writing afterwards. */
  toBuffers(): Buffer[] {
    this.closeSegment();
    return this.chunks.slice();
  }

  /** Exactly the written bytes as one Buffer (zero-copy when nothing was referenced). */
  toBuffer(): Buffer {
    if (this.chunks.length === 0) return this.buf.subarray(this.segStart, this.pos);
    this.closeSegment();
    return this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.closedLength);
  }
}
