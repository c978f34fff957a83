import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DecodeError,
  isUuid,
  Reader,
  sizeOfUnsignedVarint,
  sizeOfVarint,
  sizeOfVarlong,
  Writer,
  ZERO_UUID,
} from '../src/primitives/index.js';

const INT32_MIN = -0x80000000;
const INT32_MAX = 0x7fffffff;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

function bytes(fill: (w: Writer) => void): Buffer {
  const w = new Writer(16);
  fill(w);
  return w.toBuffer();
}

describe('varints', () => {
  it.each([
    [0, '00'],
    [1, '02'],
    [-1, '01'],
    [63, '7e'],
    [-64, '7f'],
    [64, '8001'],
    [INT32_MAX, 'feffffff0f'],
    [INT32_MIN, 'ffffffff0f'],
  ])('zigzag varint %d <-> %s', (n, hex) => {
    const buf = bytes((w) => w.writeVarint(n));
    expect(buf.toString('hex')).toBe(hex);
    expect(sizeOfVarint(n)).toBe(buf.length);
    const r = new Reader(buf);
    expect(r.readVarint()).toBe(n);
    expect(r.remaining).toBe(0);
  });

  it.each([
    [0n, '00'],
    [-1n, '01'],
    [1n, '02'],
    [2n ** 27n, '80808080' + '01'],
    [INT64_MAX, 'feffffffffffffffff01'],
    [INT64_MIN, 'ffffffffffffffffff01'],
  ])('zigzag varlong %d <-> %s', (n, hex) => {
    const buf = bytes((w) => w.writeVarlong(n));
    expect(buf.toString('hex')).toBe(hex);
    expect(sizeOfVarlong(n)).toBe(buf.length);
    expect(new Reader(buf).readVarlong()).toBe(n);
  });

  it('unsigned varint covers 0..2^32-1', () => {
    for (const n of [0, 127, 128, 16383, 16384, 0x7fffffff, 0xffffffff]) {
      const buf = bytes((w) => w.writeUnsignedVarint(n));
      expect(buf.length).toBe(sizeOfUnsignedVarint(n));
      expect(new Reader(buf).readUnsignedVarint()).toBe(n);
    }
  });

  it('round trips any int32 and int64', () => {
    fc.assert(
      fc.property(fc.integer({ min: INT32_MIN, max: INT32_MAX }), (n) => {
        expect(new Reader(bytes((w) => w.writeVarint(n))).readVarint()).toBe(n);
      }),
    );
    fc.assert(
      fc.property(fc.bigInt({ min: INT64_MIN, max: INT64_MAX }), (n) => {
        expect(new Reader(bytes((w) => w.writeVarlong(n))).readVarlong()).toBe(n);
      }),
    );
  });

  it('rejects a 6-byte varint and an 11-byte varlong', () => {
    const six = Buffer.from('808080808001', 'hex');
    expect(() => new Reader(six).readUnsignedVarint()).toThrow(DecodeError);
    expect(() => new Reader(six).readVarint()).toThrowError(
      expect.objectContaining({ reason: 'varint-too-long' }),
    );
    const eleven = Buffer.from('8080808080808080808001', 'hex');
    expect(() => new Reader(eleven).readVarlong()).toThrowError(
      expect.objectContaining({ reason: 'varint-too-long' }),
    );
  });

  it('rejects varints that overflow their width in the last byte', () => {
    expect(() => new Reader(Buffer.from('ffffffff1f', 'hex')).readUnsignedVarint()).toThrowError(
      expect.objectContaining({ reason: 'varint-too-long' }),
    );
    expect(() => new Reader(Buffer.from('ffffffffffffffffff02', 'hex')).readVarlong()).toThrowError(
      expect.objectContaining({ reason: 'varint-too-long' }),
    );
  });

  it('reports truncated varints', () => {
    expect(() => new Reader(Buffer.from('8080', 'hex')).readUnsignedVarint()).toThrowError(
      expect.objectContaining({ reason: 'truncated' }),
    );
    expect(() => new Reader(Buffer.from('80', 'hex')).readVarlong()).toThrowError(
      expect.objectContaining({ reason: 'truncated' }),
    );
  });
});

describe('fixed-width integers', () => {
  it('round trips edge values big-endian', () => {
    const buf = bytes((w) => {
      w.writeInt8(-128);
      w.writeInt16(-32768);
      w.writeUInt16(65535);
      w.writeInt32(INT32_MIN);
      w.writeUInt32(0xffffffff);
      w.writeInt64(INT64_MIN);
      w.writeInt64(INT64_MAX);
      w.writeFloat64(-0.5);
      w.writeBool(true);
    });
    expect(buf.subarray(3, 5).toString('hex')).toBe('ffff');
    const r = new Reader(buf);
    expect(r.readInt8()).toBe(-128);
    expect(r.readInt16()).toBe(-32768);
    expect(r.readUInt16()).toBe(65535);
    expect(r.readInt32()).toBe(INT32_MIN);
    expect(r.readUInt32()).toBe(0xffffffff);
    expect(r.readInt64()).toBe(INT64_MIN);
    expect(r.readInt64()).toBe(INT64_MAX);
    expect(r.readFloat64()).toBe(-0.5);
    expect(r.readBool()).toBe(true);
    expect(r.remaining).toBe(0);
    expect(() => r.readInt8()).toThrowError(expect.objectContaining({ reason: 'truncated' }));
  });
});

describe('strings and bytes', () => {
  it('classic and compact, nullable and not', () => {
    const text = 'héllo ✓ 𝄞';
    const buf = bytes((w) => {
      w.writeString(text);
      w.writeNullableString(null);
      w.writeCompactString(text);
      w.writeCompactNullableString(null);
      w.writeCompactString('x'.repeat(300));
      w.writeBytes(Buffer.from([1, 2]));
      w.writeNullableBytes(null);
      w.writeCompactBytes(Buffer.alloc(0));
      w.writeCompactNullableBytes(null);
    });
    const r = new Reader(buf);
    expect(r.readString()).toBe(text);
    expect(r.readNullableString()).toBeNull();
    expect(r.readCompactString()).toBe(text);
    expect(r.readCompactNullableString()).toBeNull();
    expect(r.readCompactString()).toBe('x'.repeat(300));
    const b = r.readBytes();
    expect([...b]).toEqual([1, 2]);
    expect(b.buffer).toBe(buf.buffer); // zero-copy view
    expect(r.readNullableBytes()).toBeNull();
    expect(r.readCompactBytes().length).toBe(0);
    expect(r.readCompactNullableBytes()).toBeNull();
    expect(r.remaining).toBe(0);
  });

  it('round trips arbitrary unicode', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), (s) => {
        const r = new Reader(
          bytes((w) => {
            w.writeString(s);
            w.writeCompactString(s);
          }),
        );
        expect(r.readString()).toBe(s);
        expect(r.readCompactString()).toBe(s);
      }),
    );
  });

  it('rejects null where not nullable', () => {
    expect(() => new Reader(Buffer.from('ffff', 'hex')).readString()).toThrowError(
      expect.objectContaining({ reason: 'invalid-value' }),
    );
    expect(() => new Reader(Buffer.from('00', 'hex')).readCompactBytes()).toThrowError(
      expect.objectContaining({ reason: 'invalid-value' }),
    );
  });
});

describe('uuid', () => {
  it('uses Kafka base64url form; the zero UUID round trips', () => {
    expect(isUuid(ZERO_UUID)).toBe(true);
    const buf = bytes((w) => w.writeUuid(ZERO_UUID));
    expect(buf).toEqual(Buffer.alloc(16));
    expect(new Reader(buf).readUuid()).toBe(ZERO_UUID);
  });

  it('round trips any 16 bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (raw) => {
        const id = new Reader(Buffer.from(raw)).readUuid();
        expect(id).toHaveLength(22);
        expect(isUuid(id)).toBe(true);
        expect(bytes((w) => w.writeUuid(id))).toEqual(Buffer.from(raw));
      }),
    );
  });

  it('refuses to encode a malformed UUID', () => {
    expect(() => bytes((w) => w.writeUuid('not-a-uuid'))).toThrow(/UUID/);
  });
});

describe('Writer', () => {
  it('grows, patches a reserved size, and returns exactly the written bytes', () => {
    const w = new Writer(16);
    const at = w.reserveInt32();
    for (let i = 0; i < 1000; i++) w.writeInt32(i);
    w.patchInt32(at, w.length - 4);
    const buf = w.toBuffer();
    expect(buf.length).toBe(4004);
    expect(buf.readInt32BE(0)).toBe(4000);
    expect(buf.readInt32BE(4000)).toBe(999);
  });

  it('references large byte strings instead of copying them', () => {
    const big = Buffer.alloc(64 * 1024, 7);
    const w = new Writer();
    const at = w.reserveInt32();
    w.writeBytes(big);
    w.writeInt16(5);
    w.patchInt32(at, 42);
    const chunks = w.toBuffers();
    expect(chunks).toContain(big);
    const all = Buffer.concat(chunks);
    expect(all.length).toBe(4 + 4 + big.length + 2);
    expect(all.readInt32BE(0)).toBe(42);
    expect(all.readInt16BE(all.length - 2)).toBe(5);
    expect(w.toBuffer()).toEqual(all);
  });

  it('patches a size that lies in an already closed chunk', () => {
    const w = new Writer();
    w.writeInt8(1);
    const at = w.reserveInt32();
    w.writeRaw(Buffer.alloc(8192));
    w.writeInt8(2);
    w.patchInt32(at, 0x01020304);
    const all = w.toBuffer();
    expect(all.readInt32BE(1)).toBe(0x01020304);
    expect(all.length).toBe(1 + 4 + 8192 + 1);
  });

  it('writes raw tagged fields and the reader keeps them raw', () => {
    const buf = bytes((w) =>
      w.writeRawTaggedFields([
        { tag: 0, data: Buffer.from([9]) },
        { tag: 300, data: Buffer.from('abc') },
      ]),
    );
    const fields = new Reader(buf).readRawTaggedFields();
    expect(fields.map((f) => [f.tag, f.data.toString('hex')])).toEqual([
      [0, '09'],
      [300, '616263'],
    ]);
    const r = new Reader(buf);
    r.skipTaggedFields();
    expect(r.remaining).toBe(0);
  });
});
