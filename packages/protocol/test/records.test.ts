import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CompressionCodec, CompressionError, compressSync, lz4Compress } from '../src/compression/index.js';
import { DecodeError } from '../src/primitives/index.js';
import {
  BatchOffsets,
  decodeMessageSet,
  decodeRecordBatch,
  decodeRecordBatchSync,
  encodeRecordBatch,
  encodeRecordBatchSync,
  isBatchCrcValid,
  iterateBatches,
  patchBaseOffset,
  patchLeaderEpoch,
  patchMaxTimestamp,
  RecordDecodeError,
  readBatchHeader,
  TimestampType,
} from '../src/records/index.js';
import { legacyMessage, messageSet } from './legacy-helpers.js';

const T0 = 1_700_000_000_000;

function sampleBatch(compression: CompressionCodec = CompressionCodec.none): Buffer {
  return encodeRecordBatchSync({
    compression,
    records: [
      { key: 'k1', value: 'v1', timestamp: T0, headers: [{ key: 'h', value: 'x' }] },
      { key: null, value: null, timestamp: T0 + 5 },
      { key: Buffer.alloc(0), value: 'third', timestamp: T0 - 3, headers: [{ key: 'n', value: null }] },
    ],
  });
}

describe('header patching', () => {
  it('baseOffset and leader epoch patches leave the CRC valid and unchanged', () => {
    const buf = sampleBatch();
    const crc = buf.readUInt32BE(BatchOffsets.crc);
    patchBaseOffset(buf, 0, 123_456_789_012n);
    patchLeaderEpoch(buf, 0, 42);
    expect(isBatchCrcValid(buf)).toBe(true);
    expect(buf.readUInt32BE(BatchOffsets.crc)).toBe(crc);
    const { header, records } = decodeRecordBatchSync(buf);
    expect(header.baseOffset).toBe(123_456_789_012n);
    expect(header.partitionLeaderEpoch).toBe(42);
    expect(records.map((r) => r.offset)).toEqual([123_456_789_012n, 123_456_789_013n, 123_456_789_014n]);
  });

  it('maxTimestamp patch recomputes the CRC; LogAppendTime makes every record take it', () => {
    const buf = sampleBatch(CompressionCodec.lz4);
    const crc = buf.readUInt32BE(BatchOffsets.crc);
    patchMaxTimestamp(buf, 0, BigInt(T0 + 999), true);
    expect(buf.readUInt32BE(BatchOffsets.crc)).not.toBe(crc);
    expect(isBatchCrcValid(buf)).toBe(true);
    const { header, records } = decodeRecordBatchSync(buf);
    expect(header.maxTimestamp).toBe(BigInt(T0 + 999));
    expect(records.every((r) => r.timestamp === BigInt(T0 + 999))).toBe(true);
  });

  it('a patch at a non-zero position touches only that batch', () => {
    const a = sampleBatch();
    const b = sampleBatch(CompressionCodec.gzip);
    const both = Buffer.concat([a, b]);
    patchBaseOffset(both, a.length, 10n);
    patchMaxTimestamp(both, a.length, 5n);
    expect(both.subarray(0, a.length)).toEqual(a);
    expect(isBatchCrcValid(both, a.length)).toBe(true);
  });
});

describe('encode and decode', () => {
  it('writes what Java writes: magic 2, epoch -1, no producer, deltas from the first timestamp', () => {
    const buf = sampleBatch();
    const h = readBatchHeader(buf);
    expect(h).toMatchObject({
      magic: 2,
      baseOffset: 0n,
      partitionLeaderEpoch: -1,
      batchLength: buf.length - 12,
      lastOffsetDelta: 2,
      recordsCount: 3,
      baseTimestamp: BigInt(T0),
      maxTimestamp: BigInt(T0 + 5),
      producerId: -1n,
      producerEpoch: -1,
      baseSequence: -1,
    });
    const { records } = decodeRecordBatchSync(buf);
    expect(records.map((r) => r.timestampDelta)).toEqual([0, 5, -3]);
    expect(records[1]).toMatchObject({ key: null, value: null, headers: [] });
    expect(records[2]!.key).toEqual(Buffer.alloc(0));
    expect(records[2]!.headers).toEqual([{ key: 'n', value: null }]);
  });

  const bytes = fc.oneof(
    fc.constant(null),
    fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)),
  );
  const record = fc.record({
    key: bytes,
    value: bytes,
    timestamp: fc.integer({ min: 0, max: 2 ** 45 }),
    headers: fc.array(fc.record({ key: fc.string({ maxLength: 20 }), value: bytes }), { maxLength: 4 }),
  });
  const batch = fc.record({
    baseOffset: fc.bigInt({ min: 0n, max: 2n ** 62n }),
    partitionLeaderEpoch: fc.integer({ min: -1, max: 2 ** 31 - 1 }),
    compression: fc.constantFrom(0, 1, 2, 3, 4) as fc.Arbitrary<CompressionCodec>,
    producerId: fc.bigInt({ min: -1n, max: 2n ** 62n }),
    producerEpoch: fc.integer({ min: -1, max: 32767 }),
    baseSequence: fc.integer({ min: -1, max: 2 ** 31 - 1 }),
    isTransactional: fc.boolean(),
    records: fc.array(record, { minLength: 1, maxLength: 30 }),
  });

  it('property: every field survives a round trip, with every codec', async () => {
    await fc.assert(
      fc.asyncProperty(batch, async (input) => {
        const buf = await encodeRecordBatch(input);
        expect(isBatchCrcValid(buf)).toBe(true);
        const { header, records } = await decodeRecordBatch(buf);
        expect(header.baseOffset).toBe(input.baseOffset);
        expect(header.producerId).toBe(input.producerId);
        expect(header.attributes & 7).toBe(input.compression);
        expect(Boolean(header.attributes & 0x10)).toBe(input.isTransactional);
        expect(records.length).toBe(input.records.length);
        records.forEach((r, i) => {
          const want = input.records[i]!;
          expect(r.offset).toBe(input.baseOffset + BigInt(i));
          expect(r.timestamp).toBe(BigInt(want.timestamp));
          expect(r.key).toEqual(want.key);
          expect(r.value).toEqual(want.value);
          expect(r.headers).toEqual(want.headers);
        });
      }),
      { numRuns: 150 },
    );
  });

  it('zstd needs the async API; the sync one says so', async () => {
    const buf = await encodeRecordBatch({ compression: CompressionCodec.zstd, records: [{ value: 'z' }] });
    expect(() => decodeRecordBatchSync(buf)).toThrow(/asynchronously/);
    expect((await decodeRecordBatch(buf)).records[0]!.value).toEqual(Buffer.from('z'));
    expect(() => encodeRecordBatchSync({ compression: CompressionCodec.zstd, records: [] })).toThrow();
  });

  it('LogAppendTime and control flags are written to the attributes', () => {
    const buf = encodeRecordBatchSync({
      timestampType: TimestampType.logAppendTime,
      isControl: true,
      records: [{ key: Buffer.from([0, 0, 0, 1]), value: Buffer.from([0, 0, 0, 0, 0, 0]) }],
    });
    expect(readBatchHeader(buf).attributes).toBe(0x08 | 0x20);
  });
});

describe('decode validation', () => {
  function expectReason(fn: () => unknown, reason: string) {
    try {
      fn();
    } catch (err) {
      expect(err).toBeInstanceOf(RecordDecodeError);
      expect(err).toBeInstanceOf(DecodeError); // one catch covers requests and records
      expect((err as RecordDecodeError).recordReason).toBe(reason);
      return;
    }
    throw new Error('expected a RecordDecodeError');
  }

  it('rejects a bad CRC, a truncated batch and a wrong magic', () => {
    const buf = sampleBatch();
    const flipped = Buffer.from(buf);
    flipped[flipped.length - 1]! ^= 0xff;
    expectReason(() => decodeRecordBatchSync(flipped), 'crc-mismatch');
    expectReason(() => decodeRecordBatchSync(buf.subarray(0, buf.length - 1)), 'truncated');
    expectReason(() => decodeRecordBatchSync(buf.subarray(0, 30)), 'truncated');
    const magic = Buffer.from(buf);
    magic[16] = 1;
    expectReason(() => decodeRecordBatchSync(magic), 'unsupported-magic');
  });

  function withCount(count: number): Buffer {
    const buf = sampleBatch();
    buf.writeInt32BE(count, BatchOffsets.recordsCount);
    patchMaxTimestamp(buf, 0, 1n); // recomputes the CRC over the edited count
    return buf;
  }

  it('refuses a recordsCount the bytes cannot hold before allocating for it', () => {
    expectReason(() => decodeRecordBatchSync(withCount(2 ** 31 - 1)), 'length-past-end');
    expectReason(() => decodeRecordBatchSync(withCount(-1)), 'negative-length');
  });

  it('refuses a count that disagrees with the data, both ways', () => {
    expectReason(() => decodeRecordBatchSync(withCount(2)), 'invalid-value');
    expectReason(() => decodeRecordBatchSync(withCount(4)), 'truncated');
  });

  it('refuses a huge header count inside a record', () => {
    // One record, hand-built: length, attrs 0, tsDelta 0, offDelta 0, key -1, value -1, headers 2^30.
    const rec = Buffer.from([0, 0, 0, 0, 1, 1, 0x80, 0x80, 0x80, 0x80, 0x08]);
    rec[0] = (rec.length - 1) * 2; // zigzag
    const buf = Buffer.concat([encodeRecordBatchSync({ records: [] }), rec]);
    buf.writeInt32BE(buf.length - 12, BatchOffsets.batchLength);
    buf.writeInt32BE(1, BatchOffsets.recordsCount);
    patchMaxTimestamp(buf, 0, 1n);
    expectReason(() => decodeRecordBatchSync(buf), 'length-past-end');
  });

  it('property: random corruption never throws anything but a typed error', async () => {
    const good = sampleBatch(CompressionCodec.snappy);
    await fc.assert(
      fc.asyncProperty(fc.nat(good.length - 1), fc.integer({ min: 1, max: 255 }), async (at, x) => {
        const bad = Buffer.from(good);
        bad[at]! ^= x;
        try {
          await decodeRecordBatch(bad, { verifyCrc: false });
        } catch (err) {
          // UnsupportedCodecError and DecompressionLimitError are CompressionErrors too.
          expect(err instanceof RecordDecodeError || err instanceof CompressionError).toBe(true);
        }
      }),
      { numRuns: 1000 },
    );
  });
});

describe('iterateBatches', () => {
  it('walks v2 batches and legacy entries back to back, stopping at a partial tail', () => {
    const a = sampleBatch();
    const b = sampleBatch(CompressionCodec.gzip);
    const legacy = messageSet([legacyMessage({ magic: 1, offset: 7n, value: Buffer.from('old') })]);
    const all = Buffer.concat([a, legacy, b, b.subarray(0, 40)]);
    expect([...iterateBatches(all)]).toEqual([
      { position: 0, size: a.length, magic: 2 },
      { position: a.length, size: legacy.length, magic: 1 },
      { position: a.length + legacy.length, size: b.length, magic: 2 },
    ]);
    expect([...iterateBatches(Buffer.alloc(10))]).toEqual([]);
  });

  it('throws on an impossible length or magic in a complete entry', () => {
    const a = sampleBatch();
    a.writeInt32BE(3, 8);
    expect(() => [...iterateBatches(a)]).toThrow(RecordDecodeError);
    const m = sampleBatch();
    m[16] = 9;
    expect(() => [...iterateBatches(m)]).toThrow(RecordDecodeError);
  });
});

describe('legacy MessageSet', () => {
  it('decodes v0 and v1 messages, null keys and values included', () => {
    const set = messageSet([
      legacyMessage({ magic: 0, offset: 5n, key: null, value: Buffer.from('a') }),
      legacyMessage({ magic: 1, offset: 6n, key: Buffer.from('k'), value: null, timestamp: 123n }),
    ]);
    const out = decodeMessageSet(set);
    expect(out).toMatchObject([
      { offset: 5n, magic: 0, timestamp: -1n, key: null, value: Buffer.from('a') },
      { offset: 6n, magic: 1, timestamp: 123n, key: Buffer.from('k'), value: null },
    ]);
  });

  it('checks the CRC-32', () => {
    const set = messageSet([legacyMessage({ magic: 1, offset: 0n, value: Buffer.from('abc') })]);
    set[set.length - 1]! ^= 1;
    expect(() => decodeMessageSet(set)).toThrow(/CRC-32/);
  });

  it('ignores a trailing partial message', () => {
    const set = messageSet([legacyMessage({ magic: 0, offset: 0n, value: Buffer.from('abc') })]);
    expect(decodeMessageSet(Buffer.concat([set, set.subarray(0, 20)]))).toHaveLength(1);
  });

  const inners = (magic: 0 | 1, firstOffset: bigint) =>
    messageSet(
      ['x', 'y', 'z'].map((v, i) =>
        legacyMessage({
          magic,
          offset: firstOffset + BigInt(i),
          value: Buffer.from(v),
          timestamp: 1000n + BigInt(i),
        }),
      ),
    );

  for (const codec of [CompressionCodec.gzip, CompressionCodec.snappy, CompressionCodec.lz4]) {
    it(`v1 wrapper (codec ${codec}): relative inner offsets become absolute from the wrapper's last`, () => {
      const wrapper = legacyMessage({
        magic: 1,
        offset: 102n,
        attributes: codec,
        timestamp: 1002n,
        value: compressSync(codec, inners(1, 0n)),
      });
      const out = decodeMessageSet(messageSet([wrapper]));
      expect(out.map((m) => [m.offset, m.value?.toString(), m.timestamp])).toEqual([
        [100n, 'x', 1000n],
        [101n, 'y', 1001n],
        [102n, 'z', 1002n],
      ]);
    });

    it(`v0 wrapper (codec ${codec}): inner offsets are absolute`, () => {
      // Magic-0 LZ4 carries the broken header checksum, as Kafka 0.8-0.9 wrote it.
      const packed =
        codec === CompressionCodec.lz4
          ? lz4Compress(inners(0, 40n), true)
          : compressSync(codec, inners(0, 40n));
      const wrapper = legacyMessage({ magic: 0, offset: 42n, attributes: codec, value: packed });
      expect(decodeMessageSet(messageSet([wrapper])).map((m) => m.offset)).toEqual([40n, 41n, 42n]);
    });
  }

  it('v1 LogAppendTime wrapper stamps its timestamp on every inner message', () => {
    const wrapper = legacyMessage({
      magic: 1,
      offset: 2n,
      attributes: CompressionCodec.gzip | 0x08,
      timestamp: 77n,
      value: gzipSync(inners(1, 0n)),
    });
    expect(decodeMessageSet(messageSet([wrapper])).map((m) => m.timestamp)).toEqual([77n, 77n, 77n]);
  });

  it('refuses nested compression and a decompression bomb', () => {
    const inner = legacyMessage({ magic: 1, offset: 0n, attributes: 1, value: gzipSync(inners(1, 0n)) });
    const nested = legacyMessage({
      magic: 1,
      offset: 0n,
      attributes: 1,
      value: gzipSync(messageSet([inner])),
    });
    expect(() => decodeMessageSet(messageSet([nested]))).toThrow(/nested/);
    const bomb = legacyMessage({
      magic: 1,
      offset: 0n,
      attributes: 1,
      value: gzipSync(Buffer.alloc(4 << 20)),
    });
    expect(() => decodeMessageSet(messageSet([bomb]), { maxBytes: 1 << 20 })).toThrow(/exceeds the limit/);
  });
});
