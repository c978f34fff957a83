import { RecordDecodeError } from './errors.js';

/**
 * Record-level varints: zigzag, then 7-bit groups least significant first (protobuf style).
 * varlong values are JS numbers: they only carry timestamp deltas inside one batch, and anything
 * beyond +/-2^53 ms (285,000 years) is rejected rather than silently rounded.
 */
export class RecordCursor {
  constructor(
    readonly buf: Buffer,
    public pos: number,
    /** Reads never pass this (the end of the current record or batch). */
    public end: number,
  ) {}

  int8(): number {
    if (this.pos >= this.end) this.truncated();
    return this.buf.readInt8(this.pos++);
  }

  varint(): number {
    const { buf, end } = this;
    let pos = this.pos;
    let z = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      if (pos >= end) this.truncated();
      const b = buf[pos++]!;
      z |= (b & 0x7f) << shift;
      if ((b & 0x80) === 0) {
        this.pos = pos;
        return (z >>> 1) ^ -(z & 1);
      }
    }
    throw new RecordDecodeError('varint-too-long', 'varint longer than 5 bytes', this.pos);
  }

  varlong(): number {
    const { buf, end } = this;
    let pos = this.pos;
    let z = 0;
    let mul = 1;
    for (let i = 0; i < 10; i++) {
      if (pos >= end) this.truncated();
      const b = buf[pos++]!;
      z += (b & 0x7f) * mul;
      if ((b & 0x80) === 0) {
        if (z > Number.MAX_SAFE_INTEGER) {
          throw new RecordDecodeError('invalid-value', 'varlong beyond +/-2^53 is not supported', this.pos);
        }
        this.pos = pos;
        return z % 2 === 0 ? z / 2 : -(z + 1) / 2;
      }
      mul *= 128;
    }
    throw new RecordDecodeError('varint-too-long', 'varlong longer than 10 bytes', this.pos);
  }

  /** varint length + bytes; -1 is null. The bytes are a view into the input, not a copy. */
  bytes(): Buffer | null {
    const at = this.pos;
    const len = this.varint();
    if (len === -1) return null;
    if (len < 0) throw new RecordDecodeError('negative-length', `length ${len}`, at);
    if (this.pos + len > this.end) throw new RecordDecodeError('length-past-end', `length ${len}`, at);
    const out = this.buf.subarray(this.pos, this.pos + len);
    this.pos += len;
    return out;
  }

  /** Like bytes(), without making a view: steps over them and answers their length (-1: null). */
  skipBytes(): number {
    const at = this.pos;
    const len = this.varint();
    if (len === -1) return -1;
    if (len < 0) throw new RecordDecodeError('negative-length', `length ${len}`, at);
    if (this.pos + len > this.end) throw new RecordDecodeError('length-past-end', `length ${len}`, at);
    this.pos += len;
    return len;
  }

  private truncated(): never {
    throw new RecordDecodeError('truncated', 'record data ends mid-value', this.pos);
  }
}

export function zigzag32(v: number): number {
  return ((v << 1) ^ (v >> 31)) >>> 0;
}

export function sizeOfVarint(v: number): number {
  let z = zigzag32(v);
  let n = 1;
  while (z >= 0x80) {
    z >>>= 7;
    n++;
  }
  return n;
}

export function writeVarint(buf: Buffer, pos: number, v: number): number {
  let z = zigzag32(v);
  while (z >= 0x80) {
    buf[pos++] = (z & 0x7f) | 0x80;
    z >>>= 7;
  }
  buf[pos++] = z;
  return pos;
}

function zigzag64(v: number): number {
  if (!Number.isSafeInteger(v)) throw new RangeError(`varlong value ${v} is not a safe integer`);
  return v >= 0 ? v * 2 : -v * 2 - 1;
}

export function sizeOfVarlong(v: number): number {
  let z = zigzag64(v);
  let n = 1;
  while (z >= 0x80) {
    z = Math.floor(z / 128);
    n++;
  }
  return n;
}

export function writeVarlong(buf: Buffer, pos: number, v: number): number {
  let z = zigzag64(v);
  while (z >= 0x80) {
    buf[pos++] = (z % 128) | 0x80;
    z = Math.floor(z / 128);
  }
  buf[pos++] = z;
  return pos;
}
