/**
 * pnpm bench:protocol: the protocol package's hot-path figures. Every figure is the median of
 * RUNS timed runs (the machines are noisy), and each choice is printed beside its alternative
 * measured in the same run.
 *
 *   node --import tsx packages/protocol/bench/protocol.bench.ts [--quick]
 */
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { gunzip, gzipSync, crc32 as zlibCrc32 } from 'node:zlib';
import { crc32c as nodeRsCrc32c } from '@node-rs/crc32';
import CRC32C from 'crc-32/crc32c.js';
import { compressFrameSync, decompressFrameSync } from 'lz4-napi';
import { CompressionCodec, compress, decompress } from '../src/compression/index.js';
import {
  decodeRecordBatchSync,
  encodeRecordBatchSync,
  isBatchCrcValid,
  iterateBatches,
  patchBaseOffset,
  patchLeaderEpoch,
  patchMaxTimestamp,
} from '../src/records/index.js';
import { opsPerSec as measureOps, opsPerSecSync as measureOpsSync } from './timing.js';

const QUICK = process.argv.includes('--quick');
const RUNS = QUICK ? 3 : 7;
const RUN_MS = QUICK ? 60 : 250;
const MiB = 1024 * 1024;

const timing = { runs: RUNS, runMs: RUN_MS };
const opsPerSec = (fn: () => unknown | Promise<unknown>) => measureOps(fn, timing);
const opsPerSecSync = (fn: () => unknown) => measureOpsSync(fn, timing);

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const row = (...cells: string[]) => console.log(`| ${cells.join(' | ')} |`);

/** 100-byte JSON-ish values, the shape Kilgore's throughput goals are stated in. */
function sampleRecords(count: number) {
  return Array.from({ length: count }, (_, i) => ({
    key: `user-${i % 1000}`,
    value: JSON.stringify({
      id: i,
      ts: 1_700_000_000_000 + i,
      kind: 'click',
      page: `/p/${i % 97}`,
      r: Math.random(),
    }).padEnd(100, ' '),
    timestamp: 1_700_000_000_000 + i,
  }));
}

console.log(`# Kilgore protocol bench (node ${process.version}, median of ${RUNS} runs)\n`);

// --- CRC32C -------------------------------------------------------------------------------------
console.log('## CRC32C (MB/s)\n');
row('size', '@node-rs/crc32 (used)', 'crc-32/crc32c (pure JS)', 'ratio', 'zlib.crc32 (IEEE, legacy v0/v1)');
row('---', '---', '---', '---', '---');
for (const size of [16 * 1024, MiB]) {
  const data = randomBytes(size);
  const native = (opsPerSecSync(() => nodeRsCrc32c(data)) * size) / 1e6;
  const js = (opsPerSecSync(() => CRC32C.buf(data)) * size) / 1e6;
  const ieee =
    typeof zlibCrc32 === 'function' ? (opsPerSecSync(() => zlibCrc32(data)) * size) / 1e6 : Number.NaN;
  row(size === MiB ? '1 MiB' : '16 KiB', fmt(native), fmt(js), `${(native / js).toFixed(1)}x`, fmt(ieee));
}

// --- header patches -----------------------------------------------------------------------------
console.log('\n## RecordBatch header (16 KiB batch, uncompressed)\n');
const batch16k = encodeRecordBatchSync({ records: sampleRecords(130) });
let offset = 0n;
const patchNoCrc = opsPerSecSync(() => {
  patchBaseOffset(batch16k, 0, offset++);
  patchLeaderEpoch(batch16k, 0, 7);
});
let ts = 1n;
const patchWithCrc = opsPerSecSync(() => patchMaxTimestamp(batch16k, 0, ts++));
const validate = opsPerSecSync(() => isBatchCrcValid(batch16k, 0));
row('operation', 'per second');
row('---', '---');
row(`baseOffset + leader epoch patch (no CRC), ${batch16k.length}-byte batch`, fmt(patchNoCrc));
row('maxTimestamp patch + CRC32C recompute', fmt(patchWithCrc));
row('CRC32C validation', fmt(validate));
row(
  'full decode of every record (decodeRecordBatchSync, 130 records)',
  fmt(opsPerSecSync(() => decodeRecordBatchSync(batch16k))),
);

// --- codecs -------------------------------------------------------------------------------------
console.log('\n## Codecs on 1 MiB of encoded records (MB/s of uncompressed data)\n');
const raw = (() => {
  const b = encodeRecordBatchSync({ records: sampleRecords(9000) }).subarray(61);
  return Buffer.from(b.subarray(0, Math.min(b.length, MiB)));
})();
row('codec', 'compress', 'decompress', 'ratio', 'note');
row('---', '---', '---', '---', '---');
const codecNames = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;
for (const name of codecNames.slice(1)) {
  const codec = CompressionCodec[name];
  const packed = await compress(codec, raw);
  const c = ((await opsPerSec(() => compress(codec, raw))) * raw.length) / 1e6;
  const d = ((await opsPerSec(() => decompress(codec, packed, { maxBytes: 2 * MiB }))) * raw.length) / 1e6;
  const notes: Record<string, string> = {
    gzip: 'node:zlib sync, level 6',
    snappy: 'snappyjs + our xerial framing',
    lz4: 'our Kafka frame around lz4-napi raw blocks',
    zstd: '@mongodb-js/zstd, async, level 3',
  };
  row(name, fmt(c), fmt(d), (raw.length / packed.length).toFixed(1), notes[name]!);
}
{
  const gz = gzipSync(raw);
  const gunzipAsync = promisify(gunzip);
  const d = ((await opsPerSec(() => gunzipAsync(gz))) * raw.length) / 1e6;
  row('gzip (async zlib, per call)', '', fmt(d), '', 'the thread-pool hop, for comparison');
  const frame = compressFrameSync(raw);
  const c2 = (opsPerSecSync(() => compressFrameSync(raw)) * raw.length) / 1e6;
  const d2 = (opsPerSecSync(() => decompressFrameSync(frame)) * raw.length) / 1e6;
  row('lz4 (lz4-napi frame API)', fmt(c2), fmt(d2), '', 'not used: 4 MiB blocks, no limit, no magic-0 HC');
}

// --- Produce request ----------------------------------------------------------------------------
console.log('\n## 1 MiB Produce v7 request (one partition, ~9,000 100-byte records, uncompressed)\n');
try {
  const codec = (await import('../src/codec/index.js')) as {
    encodeRequestBody?: (k: number, v: number, body: object) => Buffer;
    decodeRequestBody?: (
      k: number,
      v: number,
      buf: Buffer,
    ) => {
      topicData: Array<{ partitionData: Array<{ records: Buffer | null }> }>;
    };
  };
  const { encodeRequestBody, decodeRequestBody } = codec;
  if (!encodeRequestBody || !decodeRequestBody)
    throw new Error('codec/index.js does not export the body codec yet');
  const records = encodeRecordBatchSync({ records: sampleRecords(9000) });
  const body = encodeRequestBody(0, 7, {
    transactionalId: null,
    acks: -1,
    timeoutMs: 30_000,
    topicData: [{ name: 'bench', partitionData: [{ index: 0, records }] }],
  });
  const decodeOnly = opsPerSecSync(() => decodeRequestBody(0, 7, body));
  const decodeValidate = opsPerSecSync(() => {
    const req = decodeRequestBody(0, 7, body);
    for (const t of req.topicData) {
      for (const p of t.partitionData) {
        const recs = p.records!;
        for (const b of iterateBatches(recs)) if (!isBatchCrcValid(recs, b.position)) throw new Error('crc');
      }
    }
  });
  row('operation', 'per second', 'MB/s');
  row('---', '---', '---');
  row(
    `decode request body (${(body.length / MiB).toFixed(2)} MiB)`,
    fmt(decodeOnly),
    fmt((decodeOnly * body.length) / 1e6),
  );
  row(
    'decode + walk batches + CRC32C validate (the broker hot path)',
    fmt(decodeValidate),
    fmt((decodeValidate * body.length) / 1e6),
  );
} catch (err) {
  console.log(`NOT MEASURED: the generic codec / Produce schema is not available: ${(err as Error).message}`);
}
