import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CompressionCodec, isXerial, lz4Decompress, xxh32 } from '../src/compression/index.js';
import { decodeMessageSet, decodeRecordBatch } from '../src/records/index.js';

/**
 * Batches built by kafka-python's own builders (scripts/capture-kafka-python-batches.py),
 * checked in. They bring the two quirks librdkafka does not: xerial-framed snappy, and magic-0
 * LZ4 with the broken header checksum, plus compressed legacy wrappers.
 */
const dir = new URL('./fixtures/batches/', import.meta.url);
const manifest = JSON.parse(readFileSync(new URL('kafka-python.json', dir), 'utf8')) as {
  producer: string;
  files: Record<string, string>;
  headers: Array<{ key: string; value: string }>;
  records: Array<{ key: string | null; value: string | null; timestamp: number }>;
};
const read = (key: string) => {
  const file = manifest.files[key];
  if (file === undefined) throw new Error(`no ${key} fixture: run scripts/capture-kafka-python-batches.py`);
  return readFileSync(new URL(file, dir));
};
const str = (b: Buffer | null) => (b === null ? null : b.toString());

describe(`batches built by ${manifest.producer}`, () => {
  for (const name of Object.keys(CompressionCodec)) {
    it(`v2 ${name}: decodes to the records sent`, async () => {
      const { header, records } = await decodeRecordBatch(read(`v2-${name}`));
      expect(header.attributes & 7).toBe(CompressionCodec[name as keyof typeof CompressionCodec]);
      const headers = manifest.headers.map((h) => ({ key: h.key, value: Buffer.from(h.value) }));
      expect(records.map((r) => [r.offset, r.timestamp, str(r.key), str(r.value)])).toEqual(
        manifest.records.map((r, i) => [BigInt(i), BigInt(r.timestamp), r.key, r.value]),
      );
      for (const r of records) expect(r.headers).toEqual(headers);
    });
  }

  for (const magic of [0, 1] as const) {
    for (const name of ['none', 'gzip', 'snappy', 'lz4']) {
      it(`MessageSet v${magic} ${name}: decodes to the records sent`, () => {
        const out = decodeMessageSet(read(`v${magic}-${name}`));
        // Like every client, kafka-python gives a v1 wrapper offset 0 (the broker assigns the real
        // one), so the relative inner offsets come out as -(n-1)..0; v0 inner offsets are absolute.
        const n = manifest.records.length;
        const shift = magic === 1 && name !== 'none' ? -(n - 1) : 0;
        expect(out.map((m) => [m.magic, m.offset, m.timestamp, str(m.key), str(m.value)])).toEqual(
          manifest.records.map((r, i) => [
            magic,
            BigInt(i + shift),
            magic ? BigInt(r.timestamp) : -1n,
            r.key,
            r.value,
          ]),
        );
      });
    }
  }

  it('kafka-python writes xerial snappy (v2 payload starts with the xerial magic)', () => {
    expect(isXerial(read('v2-snappy').subarray(61))).toBe(true);
  });

  it('its magic-0 LZ4 wrapper carries the broken header checksum; magic 1 the correct one', () => {
    const frameOf = (set: Buffer) => set.subarray(12 + 4 + 1 + 1 + 4 + 4, set.length); // v0: no timestamp
    const v0 = read('v0-lz4');
    const frame = frameOf(v0);
    expect(frame.readUInt32LE(0)).toBe(0x184d2204);
    expect(frame[6]).toBe((xxh32(frame.subarray(0, 6)) >>> 8) & 0xff);
    expect(() => lz4Decompress(frame, 1 << 24)).toThrow(/header checksum/);
    const v1 = read('v1-lz4');
    const frame1 = v1.subarray(12 + 4 + 1 + 1 + 8 + 4 + 4);
    // kafka-python's lz4 frames also carry the 8-byte content size (FLG 0x68), so HC is at 14.
    expect(frame1[4]).toBe(0x68);
    expect(frame1[14]).toBe((xxh32(frame1.subarray(4, 14)) >>> 8) & 0xff);
  });
});
