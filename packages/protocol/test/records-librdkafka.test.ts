import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CompressionCodec, isXerial } from '../src/compression/index.js';
import { decodeRecordBatch, iterateBatches, readBatchHeader } from '../src/records/index.js';

/**
 * Batches librdkafka 2.0.2 (through kcat) actually wrote, one per codec, captured by
 * scripts/capture-librdkafka-batches.ts and checked in: no kcat needed at test time.
 */
const dir = new URL('./fixtures/batches/', import.meta.url);
const manifest = JSON.parse(readFileSync(new URL('librdkafka.json', dir), 'utf8')) as {
  producer: string;
  files: Record<string, string>;
  headers: Array<{ key: string; value: string }>;
  records: Array<{ key: string; value: string }>;
};

const expected = Object.entries(CompressionCodec);

describe(`RecordBatches written by ${manifest.producer}`, () => {
  it('has a fixture for every codec (rerun the capture script if one is missing)', () => {
    expect(Object.keys(manifest.files).sort()).toEqual(expected.map(([name]) => name).sort());
  });

  for (const [name, codec] of expected) {
    it(`${name}: decodes to the records sent`, async () => {
      const file = manifest.files[name];
      if (file === undefined)
        throw new Error(`no ${name} fixture: run scripts/capture-librdkafka-batches.ts`);
      const bytes = readFileSync(new URL(file, dir));
      const decoded = [];
      for (const { position, size, magic } of iterateBatches(bytes)) {
        expect(magic).toBe(2);
        const batch = bytes.subarray(position, position + size);
        expect(readBatchHeader(batch).attributes & 7).toBe(codec);
        const { records } = await decodeRecordBatch(batch);
        decoded.push(...records);
      }
      expect(decoded).toHaveLength(manifest.records.length);
      const headers = manifest.headers.map((h) => ({ key: h.key, value: Buffer.from(h.value) }));
      decoded.forEach((r, i) => {
        expect(r.key?.toString()).toBe(manifest.records[i]!.key);
        expect(r.value?.toString()).toBe(manifest.records[i]!.value);
        expect(r.headers).toEqual(headers);
        expect(r.timestamp > 1_600_000_000_000n).toBe(true);
      });
    });
  }

  it('librdkafka writes raw snappy and an lz4 frame with FLG 0x60 / BD 0x40 (what our reader must handle)', () => {
    const snappy = readFileSync(new URL(manifest.files.snappy!, dir)).subarray(61);
    expect(isXerial(snappy)).toBe(false);
    const lz4 = readFileSync(new URL(manifest.files.lz4!, dir)).subarray(61);
    expect(lz4.subarray(0, 6).toString('hex')).toBe('04224d186040');
  });
});
