import {
  BATCH_HEADER_SIZE,
  CompressionCodec,
  decodeRecordBatch,
  encodeRecordBatchSync,
  RecordDecodeError,
  recompressBatch,
  scanRecords,
} from '@kilgore/protocol';
import { describe, expect, it } from 'vitest';

const unbounded = { requireKey: false, minTimestamp: -Infinity, maxTimestamp: Infinity };

function batchOf(keys: Array<string | null>, timestamps: number[]): Buffer {
  return encodeRecordBatchSync({
    records: keys.map((key, i) => ({
      key,
      value: `v${i}`,
      headers: [{ key: 'h', value: 'x' }],
      timestamp: timestamps[i],
    })),
  });
}

describe('scanRecords', () => {
  it('reports keyless records and out-of-bounds timestamps by index, and the largest timestamp', () => {
    const b = batchOf(['a', null, 'c', null], [1000, 1003, 990, 1001]);
    const rules = { ...unbounded, requireKey: true, baseTimestamp: 1000 };
    const scan = scanRecords(b, BATCH_HEADER_SIZE, b.length, 4, rules);
    expect(scan.problems.map((p) => [p.index, p.kind])).toEqual([
      [1, 'no-key'],
      [3, 'no-key'],
    ]);
    expect(scan.maxTimestamp).toBe(1003);
    const timed = scanRecords(b, BATCH_HEADER_SIZE, b.length, 4, {
      ...unbounded,
      baseTimestamp: 1000,
      minTimestamp: 995,
      maxTimestamp: 1002,
    });
    expect(timed.problems.map((p) => [p.index, p.timestamp])).toEqual([
      [1, 1003],
      [2, 990],
    ]);
  });

  it('throws on a record count that disagrees with the header, and on truncated records', () => {
    const b = batchOf(['a', 'b', 'c'], [5, 5, 5]);
    const rules = { ...unbounded, baseTimestamp: 5 };
    expect(() => scanRecords(b, BATCH_HEADER_SIZE, b.length, 2, rules)).toThrow(RecordDecodeError);
    expect(() => scanRecords(b, BATCH_HEADER_SIZE, b.length, 4, rules)).toThrow(
      /declares 4 records but holds 3/,
    );
    expect(() => scanRecords(b, BATCH_HEADER_SIZE, b.length - 1, 3, rules)).toThrow(RecordDecodeError);
  });
});

describe('recompressBatch', () => {
  for (const [from, to] of [
    [CompressionCodec.none, CompressionCodec.zstd],
    [CompressionCodec.zstd, CompressionCodec.gzip],
    [CompressionCodec.lz4, CompressionCodec.none],
    [CompressionCodec.gzip, CompressionCodec.snappy],
  ] as const) {
    it(`rewrites codec ${from} as ${to} with the same header fields and records`, async () => {
      const { encodeRecordBatch } = await import('@kilgore/protocol');
      const sent = await encodeRecordBatch({
        records: Array.from({ length: 20 }, (_, i) => ({
          key: `k${i}`,
          value: 'v'.repeat(i),
          timestamp: 1_700_000_000_000 + i,
        })),
        compression: from,
        producerId: 9n,
        producerEpoch: 2,
        baseSequence: 40,
      });
      const out = await recompressBatch(sent, to, { maxBytes: 1 << 20 });
      const [a, b] = [await decodeRecordBatch(sent), await decodeRecordBatch(out)];
      expect(b.header.attributes & 7).toBe(to);
      const { attributes: _a, batchLength: _l, crc: _c, ...same } = a.header;
      expect(b.header).toMatchObject(same);
      expect(b.records).toEqual(a.records);
    });
  }
});
