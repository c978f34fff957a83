/**
 * pnpm bench:append-cpu: the CPU time one produce batch costs the partition log (validation,
 * per-record checks, recompression for compression.type, offsets, the write), measured with
 * process.cpuUsage over many appends, so that the figure holds on a busy machine where wall-clock
 * throughput does not (zstd recompression runs on libuv's threads: their time is counted too).
 * Batches are 16 KiB of ~100-byte records, uncompressed as a producer would send them, unless the
 * row says otherwise. Prints the median of ROUNDS rounds per row: µs of CPU per batch and the
 * records/s one core would sustain at that cost.
 *
 *   pnpm bench:append-cpu   (env: COUNT=4000 batches per round, ROUNDS=5, ROWS=<text>: only the
 *   rows whose name contains it)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CompressionCodec, encodeRecordBatch, encodeRecordBatchSync } from '@kilgore/protocol';
import { type LogConfig, LogManager } from '@kilgore/storage';

const COUNT = Number(process.env.COUNT ?? 4000);
const ROUNDS = Number(process.env.ROUNDS ?? 5);
const BATCH = 16 * 1024;
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kilgore-append-cpu-'));

async function template(compression: CompressionCodec): Promise<{ batch: Buffer; records: number }> {
  const now = Date.now();
  const records = Array.from({ length: 148 }, (_, i) => ({
    key: `key-${i}`,
    value: Buffer.from(`value ${i} `.repeat(10).slice(0, 90)),
    timestamp: now,
  }));
  const batch =
    compression === CompressionCodec.none
      ? encodeRecordBatchSync({ records })
      : await encodeRecordBatch({ records, compression });
  return { batch, records: records.length };
}

interface Row {
  name: string;
  config: Partial<LogConfig>;
  input: CompressionCodec;
}

const rows: Row[] = [
  { name: 'compression.type=producer (as sent)', config: {}, input: CompressionCodec.none },
  {
    name: 'producer, compacted (keys checked)',
    config: { cleanupPolicy: ['compact'] },
    input: CompressionCodec.none,
  },
  { name: 'producer, lz4 batches as sent', config: {}, input: CompressionCodec.lz4 },
  { name: 'producer, zstd batches as sent', config: {}, input: CompressionCodec.zstd },
  {
    name: 'compression.type=lz4 (recompressed)',
    config: { compressionType: 'lz4' },
    input: CompressionCodec.none,
  },
  {
    name: 'compression.type=snappy (recompressed)',
    config: { compressionType: 'snappy' },
    input: CompressionCodec.none,
  },
  {
    name: 'compression.type=gzip (recompressed)',
    config: { compressionType: 'gzip' },
    input: CompressionCodec.none,
  },
  {
    name: 'compression.type=zstd (recompressed)',
    config: { compressionType: 'zstd' },
    input: CompressionCodec.none,
  },
];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function round(row: Row, tpl: Buffer, n: number): Promise<number> {
  const dir = fs.mkdtempSync(path.join(root, 'r-'));
  const m = await LogManager.open({ dir, background: false });
  const log = m.createPartition('bench', 0, { flushMs: Number.POSITIVE_INFINITY, ...row.config });
  const copies = Array.from({ length: 64 }, () => Buffer.from(tpl));
  const before = process.cpuUsage();
  // 32 in flight, as pipelined producers keep the log busy.
  let inflight: Promise<unknown>[] = [];
  for (let i = 0; i < n; i++) {
    const batch = copies[i % 64]!;
    batch.fill(0, 0, 8); // the log patched its base offset last time round
    inflight.push(log.append(batch, { coalesce: true }));
    if (inflight.length === 32) {
      await Promise.all(inflight);
      inflight = [];
    }
  }
  await Promise.all(inflight);
  const used = process.cpuUsage(before);
  await m.close();
  fs.rmSync(dir, { recursive: true, force: true });
  return (used.user + used.system) / n;
}

console.log(
  `append CPU per ${BATCH / 1024} KiB batch of 148 records, ${COUNT} batches x ${ROUNDS} rounds (medians)`,
);
const only = process.env.ROWS;
for (const row of rows.filter((r) => only === undefined || r.name.includes(only))) {
  const { batch, records } = await template(row.input);
  await round(row, batch, Math.min(500, COUNT)); // warm-up
  const us: number[] = [];
  for (let r = 0; r < ROUNDS; r++) us.push(await round(row, batch, COUNT));
  const cost = median(us);
  const perCore = Math.round((records * 1e6) / cost);
  console.log(
    `${row.name.padEnd(42)} ${cost.toFixed(1).padStart(8)} µs CPU/batch   ${perCore.toLocaleString('en-US').padStart(11)} records/s per core   (${batch.length} B in)`,
  );
}
fs.rmSync(root, { recursive: true, force: true });
