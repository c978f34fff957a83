import { createRequire } from 'node:module';
import { compress as zstdCompress, decompress as zstdDecompress } from '@mongodb-js/zstd';
import { compressFrameSync, decompressFrameSync } from 'lz4-napi';
import { compress as snappyRawCompress, uncompress as snappyRawUncompress } from 'snappyjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { CompressionCodec } from '../src/compression/index.js';
import { decodeMessageSet, decodeRecordBatch, encodeRecordBatch } from '../src/records/index.js';

/**
 * Interop with kafkajs 2.2.4's own protocol code (node_modules/kafkajs/src/protocol): batches it
 * encodes decode with ours to the same records, and batches we encode decode with its
 * RecordBatchDecoder. kafkajs ships only gzip, so the other codecs are registered the way the
 * kafkajs plugins do it, using implementations that are NOT ours (kafkajs-snappy's raw-block
 * semantics, lz4-napi's own frame codec, @mongodb-js/zstd): each side checks the other.
 */
const require = createRequire(import.meta.url);
const kjs = (p: string) => require(`kafkajs/src/protocol/${p}`);

interface KafkajsRecord {
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, Buffer>;
  offset: string;
  timestamp: string;
}
type KafkajsBatchDecoder = (decoder: unknown) => Promise<{ records: KafkajsRecord[]; firstOffset: string }>;

const { RecordBatch } = kjs('recordBatch/v0/index.js') as {
  RecordBatch: (args: Record<string, unknown>) => Promise<{ buffer: Buffer }>;
};
const Record = kjs('recordBatch/record/v0/index.js') as (args: Record<string, unknown>) => unknown;
const RecordBatchDecoder = kjs('recordBatch/v0/decoder.js') as KafkajsBatchDecoder;
const Decoder = kjs('decoder.js') as new (buf: Buffer) => unknown;
const Long = require('kafkajs/src/utils/long') as { fromValue(v: string | number): unknown };
const { Codecs, Types } = kjs('message/compression/index.js') as {
  Codecs: Record<
    number,
    () => { compress(e: { buffer: Buffer }): Promise<Buffer>; decompress(b: Buffer): Promise<Buffer> }
  >;
  Types: Record<string, number>;
};
const MessageSet = kjs('messageSet/index.js') as (args: Record<string, unknown>) => { buffer: Buffer };

const XERIAL = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);

/** kafkajs-snappy@1.1.0's algorithm: compress one raw block; read xerial chunks or one raw block. */
const kafkajsSnappy = {
  async compress(e: { buffer: Buffer }) {
    return snappyRawCompress(e.buffer);
  },
  async decompress(buf: Buffer) {
    if (!buf.subarray(0, 8).equals(XERIAL)) return snappyRawUncompress(buf);
    const out: Buffer[] = [];
    for (let pos = 16; pos < buf.length; ) {
      const len = buf.readInt32BE(pos);
      out.push(snappyRawUncompress(buf.subarray(pos + 4, pos + 4 + len)));
      pos += 4 + len;
    }
    return Buffer.concat(out);
  },
};

beforeAll(() => {
  Codecs[Types.Snappy!] = () => kafkajsSnappy;
  Codecs[Types.LZ4!] = () => ({
    compress: async (e) => compressFrameSync(e.buffer),
    decompress: async (b) => decompressFrameSync(b),
  });
  Codecs[Types.ZSTD!] = () => ({
    compress: async (e) => zstdCompress(e.buffer, 3),
    decompress: async (b) => zstdDecompress(b),
  });
});

const T0 = 1_700_000_000_000;
function messages(n: number) {
  return Array.from({ length: n }, (_, i) => ({
    key: i % 3 === 0 ? null : Buffer.from(`key-${i}`),
    value: i % 7 === 6 ? null : Buffer.from(`value-${i}-`.repeat(1 + (i % 50))),
    headers: i % 2 ? { trace: Buffer.from(`t${i}`), 'content-type': Buffer.from('text/plain') } : {},
    timestamp: T0 + i * 3,
  }));
}

const codecs = [
  ['none', CompressionCodec.none],
  ['gzip', CompressionCodec.gzip],
  ['snappy', CompressionCodec.snappy],
  ['lz4', CompressionCodec.lz4],
  ['zstd', CompressionCodec.zstd],
] as const;

describe.each(codecs)('kafkajs interop, %s', (_name, codec) => {
  it('a batch kafkajs encodes decodes with ours to the records sent', async () => {
    const msgs = messages(codec === CompressionCodec.none ? 40 : 600);
    const records = msgs.map((m, i) => Record({ ...m, offsetDelta: i, timestampDelta: m.timestamp - T0 }));
    const encoded = await RecordBatch({
      compression: codec,
      records,
      firstOffset: Long.fromValue(500),
      firstTimestamp: T0,
      maxTimestamp: msgs[msgs.length - 1]!.timestamp,
      producerId: Long.fromValue(77),
      producerEpoch: 3,
      firstSequence: 9,
      lastOffsetDelta: records.length - 1,
    });
    const { header, records: ours } = await decodeRecordBatch(encoded.buffer);
    expect(header).toMatchObject({ baseOffset: 500n, producerId: 77n, producerEpoch: 3, baseSequence: 9 });
    expect(header.attributes & 7).toBe(codec);
    expect(ours).toHaveLength(msgs.length);
    ours.forEach((r, i) => {
      const m = msgs[i]!;
      expect(r.offset).toBe(500n + BigInt(i));
      expect(r.timestamp).toBe(BigInt(m.timestamp));
      expect(r.key).toEqual(m.key);
      expect(r.value).toEqual(m.value);
      expect(r.headers).toEqual(Object.entries(m.headers).map(([key, value]) => ({ key, value })));
    });
  });

  it('a batch we encode decodes with kafkajs RecordBatchDecoder to the records sent', async () => {
    const msgs = messages(codec === CompressionCodec.none ? 40 : 600);
    const buf = await encodeRecordBatch({
      baseOffset: 1234n,
      compression: codec,
      records: msgs.map((m) => ({
        key: m.key,
        value: m.value,
        timestamp: m.timestamp,
        headers: Object.entries(m.headers).map(([key, value]) => ({ key, value })),
      })),
    });
    const decoded = await RecordBatchDecoder(new Decoder(buf));
    expect(decoded.firstOffset).toBe('1234');
    expect(decoded.records).toHaveLength(msgs.length);
    decoded.records.forEach((r, i) => {
      const m = msgs[i]!;
      expect(r.offset).toBe(String(1234 + i));
      expect(r.timestamp).toBe(String(m.timestamp));
      expect(r.key).toEqual(m.key);
      expect(r.value).toEqual(m.value);
      expect(r.headers).toEqual(m.headers);
    });
  });
});

describe('kafkajs legacy MessageSet (Produce v2 form)', () => {
  const entries = [
    { key: Buffer.from('a'), value: Buffer.from('one'), timestamp: T0 },
    { key: null, value: Buffer.from('two'), timestamp: T0 + 1 },
    { key: Buffer.from('c'), value: null, timestamp: T0 + 2 },
  ];

  for (const version of [0, 1] as const) {
    it(`uncompressed v${version} set decodes`, () => {
      const set = MessageSet({ messageVersion: version, compression: Types.None, entries }).buffer;
      const out = decodeMessageSet(set);
      expect(out.map((m) => [m.magic, m.key, m.value])).toEqual(
        entries.map((e) => [version, e.key, e.value]),
      );
      if (version === 1) expect(out.map((m) => m.timestamp)).toEqual(entries.map((e) => BigInt(e.timestamp)));
    });
  }

  for (const [name, codec] of codecs.slice(1, 4)) {
    it(`v1 ${name} wrapper as kafkajs builds it decodes to consecutive offsets`, async () => {
      const inner = MessageSet({ messageVersion: 1, compression: codec, entries });
      const value = await Codecs[codec]!().compress(inner);
      const wrapper = MessageSet({
        messageVersion: 1,
        entries: [{ compression: codec, timestamp: T0, value }],
      });
      const out = decodeMessageSet(wrapper.buffer);
      expect(out.map((m) => m.value)).toEqual(entries.map((e) => e.value));
      // The client sends wrapper offset 0; the broker assigns the real ones, so only spacing matters here.
      expect(out.map((m) => m.offset)).toEqual([-2n, -1n, 0n]);
    });
  }
});
