import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { compress as snappyRaw } from 'snappyjs';
import { describe, expect, it } from 'vitest';
import {
  CompressionCodec,
  CompressionError,
  compress,
  compressSync,
  DecompressionLimitError,
  decompress,
  decompressSync,
  isXerial,
  lz4Compress,
  lz4Decompress,
  snappyCompressXerial,
  UnsupportedCodecError,
  xxh32,
  zstdDecompressedBound,
} from '../src/compression/index.js';

const codecs = [
  CompressionCodec.none,
  CompressionCodec.gzip,
  CompressionCodec.snappy,
  CompressionCodec.lz4,
  CompressionCodec.zstd,
] as const;

function sample(size: number): Buffer {
  // Half random, half repetitive: compressible but not trivially so.
  const b = Buffer.alloc(size);
  randomBytes(size >> 1).copy(b);
  b.fill('kafka record ', size >> 1);
  return b;
}

describe('codec round trips', () => {
  for (const codec of codecs) {
    it(`codec ${codec} round-trips empty, small, block-crossing and 1 MiB inputs`, async () => {
      for (const size of [0, 1, 100, 32 * 1024 + 7, 64 * 1024 + 1, 1 << 20]) {
        const data = sample(size);
        const packed = await compress(codec, data);
        expect((await decompress(codec, packed)).equals(data)).toBe(true);
      }
    });
  }

  it('property: every codec round-trips arbitrary bytes', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 70_000 }),
        fc.constantFrom(...codecs),
        async (arr, codec) => {
          const data = Buffer.from(arr);
          expect((await decompress(codec, await compress(codec, data))).equals(data)).toBe(true);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('sync API covers none/gzip/snappy/lz4 and refuses zstd with a typed error', () => {
    const data = sample(5000);
    for (const codec of [0, 1, 2, 3]) expect(decompressSync(codec, compressSync(codec, data))).toEqual(data);
    expect(() => compressSync(CompressionCodec.zstd, data)).toThrow(UnsupportedCodecError);
    expect(() => decompressSync(CompressionCodec.zstd, data)).toThrow(UnsupportedCodecError);
    expect(() => decompressSync(7, data)).toThrow(UnsupportedCodecError);
  });
});

describe('snappy framing', () => {
  it('writes xerial: magic, version 1, compat 1, BE-length chunks of <= 32 KiB', () => {
    const data = sample(100_000);
    const out = snappyCompressXerial(data);
    expect(out.subarray(0, 16).toString('hex')).toBe('82534e41505059000000000100000001');
    let pos = 16;
    let chunks = 0;
    while (pos < out.length) {
      pos += 4 + out.readInt32BE(pos);
      chunks++;
    }
    expect(pos).toBe(out.length);
    expect(chunks).toBe(Math.ceil(100_000 / 32768));
  });

  it('reads one raw block (kafkajs-snappy) as well as xerial', () => {
    const data = sample(50_000);
    const raw = snappyRaw(data);
    expect(isXerial(raw)).toBe(false);
    expect(decompressSync(CompressionCodec.snappy, raw)).toEqual(data);
  });

  it('rejects a xerial chunk length that runs past the input', () => {
    const out = snappyCompressXerial(sample(1000));
    out.writeInt32BE(1 << 30, 16);
    expect(() => decompressSync(CompressionCodec.snappy, out)).toThrow(CompressionError);
  });
});

describe('lz4 frame', () => {
  it("writes Kafka's descriptor: FLG 0x60, BD 0x40, correct HC, EndMark", () => {
    const out = lz4Compress(sample(200_000));
    expect(out.readUInt32LE(0)).toBe(0x184d2204);
    expect(out[4]).toBe(0x60);
    expect(out[5]).toBe(0x40);
    expect(out[6]).toBe((xxh32(out.subarray(4, 6)) >>> 8) & 0xff);
    expect(out.readUInt32LE(out.length - 4)).toBe(0);
  });

  it('xxh32 matches the reference vectors', () => {
    expect(xxh32(Buffer.alloc(0))).toBe(0x02cc5d05);
    expect(xxh32(Buffer.from('a'))).toBe(0x550d7456);
    expect(xxh32(Buffer.from('abc'))).toBe(0x32d153ff);
    expect(xxh32(Buffer.from('Nobody inspects the spammish repetition'))).toBe(0xe2293b2f);
  });

  it('magic-0 quirk: the broken HC (over magic+FLG+BD) is accepted only in legacy mode', () => {
    const data = sample(10_000);
    const legacy = lz4Compress(data, true);
    expect(legacy[6]).toBe((xxh32(legacy.subarray(0, 6)) >>> 8) & 0xff);
    expect(legacy[6]).not.toBe((xxh32(legacy.subarray(4, 6)) >>> 8) & 0xff);
    expect(lz4Decompress(legacy, 1 << 20, true)).toEqual(data);
    expect(() => lz4Decompress(legacy, 1 << 20, false)).toThrow(/header checksum/);
    // A correct-HC frame inside a magic-0 message still reads: the check is skipped, not inverted.
    expect(lz4Decompress(lz4Compress(data), 1 << 20, true)).toEqual(data);
  });

  it('rejects dependent blocks', () => {
    const out = lz4Compress(sample(1000));
    out[4] = 0x40; // version 01, dependent blocks
    out[6] = (xxh32(out.subarray(4, 6)) >>> 8) & 0xff;
    expect(() => lz4Decompress(out, 1 << 20)).toThrow(/dependent blocks/);
  });

  it('reads stored (uncompressed) blocks, block checksums and a content size', () => {
    const data = randomBytes(3000);
    const desc = Buffer.from([0x60 | 0x10 | 0x08, 0x40, 0, 0, 0, 0, 0, 0, 0, 0]);
    desc.writeBigUInt64LE(BigInt(data.length), 2);
    const head = Buffer.concat([Buffer.from([0x04, 0x22, 0x4d, 0x18]), desc]);
    const hc = Buffer.from([(xxh32(desc) >>> 8) & 0xff]);
    const size = Buffer.alloc(4);
    size.writeUInt32LE((data.length | 0x80000000) >>> 0);
    const sum = Buffer.alloc(4);
    sum.writeUInt32LE(xxh32(data));
    const frame = Buffer.concat([head, hc, size, data, sum, Buffer.alloc(4)]);
    expect(lz4Decompress(frame, 1 << 20)).toEqual(data);
    frame[frame.length - 9]! ^= 1;
    expect(() => lz4Decompress(frame, 1 << 20)).toThrow(/block checksum/);
  });

  it('leaves the input bytes unchanged after decoding', () => {
    const packed = lz4Compress(sample(150_000));
    const copy = Buffer.from(packed);
    lz4Decompress(packed, 1 << 20);
    expect(packed).toEqual(copy);
  });
});

describe('decompression limit', () => {
  const bomb = Buffer.alloc(8 << 20); // 8 MiB of zeros squeezes to almost nothing in every codec
  for (const codec of codecs) {
    it(`codec ${codec} fails with DecompressionLimitError past maxBytes`, async () => {
      const packed = await compress(codec, bomb);
      await expect(decompress(codec, packed, { maxBytes: 1 << 20 })).rejects.toBeInstanceOf(
        DecompressionLimitError,
      );
      expect((await decompress(codec, packed, { maxBytes: 8 << 20 })).length).toBe(8 << 20);
    });
  }

  it('gzip bomb with many members is stopped too', () => {
    const member = gzipSync(Buffer.alloc(1 << 20));
    const many = Buffer.concat(Array.from({ length: 4 }, () => member));
    expect(() => decompressSync(CompressionCodec.gzip, many, { maxBytes: 3 << 20 })).toThrow(
      DecompressionLimitError,
    );
  });

  it('zstd bound is never below the real size and refuses before decoding', async () => {
    for (const size of [0, 10, 200_000, 3 << 20]) {
      const data = sample(size);
      const packed = await compress(CompressionCodec.zstd, data);
      expect(zstdDecompressedBound(packed)).toBeGreaterThanOrEqual(size);
    }
  });

  it('corrupt input gives a CompressionError, never a crash', async () => {
    const junk = randomBytes(500);
    for (const codec of [1, 2, 3, 4]) {
      await expect(decompress(codec, junk)).rejects.toBeInstanceOf(CompressionError);
    }
  });
});
