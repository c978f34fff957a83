/**
 * Produce throughput and latency against an in-process broker, from a lean load generator that
 * speaks the protocol itself: one pre-encoded Produce frame (a 16 KiB batch of 100-byte records)
 * sent over several connections with several requests in flight. Prints records/s, MB/s and
 * latency percentiles for acks=1 and acks=-1, and beside them the raw append speed: the same
 * frames over the same kind of socket, appended to a file with writev by a minimal loop. Then a
 * paced run at half of the acks=1 maximum, whose latency percentiles are the ones that matter
 * (at the maximum, latency is just queueing).
 *
 * Fairness: dirty pages left by one run throttle the next one's writes (a 16 KiB write goes
 * from ~5 to ~50 µs once ~0.6 GB are dirty on these machines), so every run starts from a
 * fresh directory after a system-wide `sync`, and raw and Kilgore alternate order across
 * rounds. Medians of ROUNDS rounds are printed.
 *
 *   pnpm bench:produce   (env: SECONDS=4 WARMUP=1 ROUNDS=3 CONNECTIONS=4 INFLIGHT=8 BATCH=16384;
 *   METRICS=1 turns kilgore.metrics.listener on;
 *   FLUSH_MS=<ms> sets the bench topic's flush.ms, 9223372036854775807 = no timed fsync;
 *   COMPRESSION_TYPE=<codec> sets its compression.type (e.g. zstd: the broker recompresses the
 *   bench's uncompressed batches);
 *   RATE=<requests/s>[,<requests/s>...] runs only the paced comparison at those loads, after one
 *   unprinted warm-up run, and MAX_RPS=<requests/s> then names the measured maximum so that each
 *   load is shown as a fraction of it; GENERATOR=process runs the load generator in a child
 *   process instead of a worker thread; TRACE=1 prints, per paced run, this thread's file writes
 *   (and those that met an fdatasync), fdatasyncs and GC pauses: see latency-trace.ts; WARMUP=<s>
 *   is how long each paced run goes at its rate before latencies count, default 1;
 *   TRANSACTIONS=1 runs instead the idempotent against transactional comparison: transactional.ts)
 *
 * Each paced load runs ROUNDS rounds of raw and Kilgore (order alternating) and prints the
 * medians and the median per-round p99 ratio. The paced lines also show this thread's
 * event-loop delay (p99, max) during the run: the raw loop stalls too (a writev blocked in the
 * kernel), so compare Kilgore's with it; and how late the generator itself sent (its timer
 * ticks every ~1 ms, and it shares the machine): a floor under every latency figure.
 *
 * The broker under test is the packages' dist (what `@kilgore/*` resolve to), not their src:
 * `pnpm bench:produce` runs `tsc -b` first; run that too before calling this file directly, or
 * the figures are those of whatever was last built. Results and what they taught: PERFORMANCE.md.
 */
import { execFileSync, fork } from 'node:child_process';
import fs, { closeSync, mkdirSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { Broker, loadConfig, tuneHeapForBrokerTraffic } from '@kilgore/broker';
import { encodeRecordBatchSync, encodeRequest, FrameSplitter } from '@kilgore/protocol';
import { installTrace, resetTrace, traceLine } from './latency-trace.js';
import { transactionalBench } from './transactional.js';

const seconds = Number(process.env.SECONDS ?? 4);
/** Paced runs: seconds at the same rate before latencies count (a fresh broker's start-up). */
const warmup = Number(process.env.WARMUP ?? 1);
const rounds = Number(process.env.ROUNDS ?? 3);
const connections = Number(process.env.CONNECTIONS ?? 4);
const inflight = Number(process.env.INFLIGHT ?? 8);
const batchBytes = Number(process.env.BATCH ?? 16384);
const recordSize = 100;
/** Optional flush.ms for the bench topic (e.g. 9223372036854775807 = never fsync on a timer). */
const flushMs = process.env.FLUSH_MS;
/** Optional compression.type for the bench topic (the load generator sends uncompressed batches). */
const compressionType = process.env.COMPRESSION_TYPE;
/** GENERATOR=process runs the load generator in a child process instead of a worker thread. */
const generatorInProcess = process.env.GENERATOR !== 'process';
/** TRACE=1: per paced run, the file writes, fdatasyncs and GC pauses of this thread. */
const trace = process.env.TRACE === '1';
if (trace) installTrace();
// The broker runs in this process, so it gets what `kilgore serve` applies to its own at start
// (fewer back-to-back full GCs under sustained traffic; heap-tuning.ts). The raw loop shares it.
tuneHeapForBrokerTraffic();

const perBatch = Math.max(1, Math.floor(batchBytes / (recordSize + 10)));
const value = Buffer.alloc(recordSize, 'x');
const batch = encodeRecordBatchSync({ records: Array.from({ length: perBatch }, () => ({ value })) });

function produceFrame(acks: number, correlationId: number): Buffer {
  return Buffer.concat(
    encodeRequest({
      header: { apiKey: 0, apiVersion: 7, correlationId, clientId: 'bench' },
      body: {
        transactionalId: null,
        acks,
        timeoutMs: 30000,
        topicData: [{ name: 'bench', partitionData: [{ index: 0, records: Buffer.from(batch) }] }],
      },
    }),
  );
}

interface Result {
  requests: number;
  latencies: number[];
  /** Paced runs: how late the generator's timer sent each tick's oldest due request (ms). */
  sendLateness: number[];
  elapsed: number;
}

/**
 * Runs the load generator in a worker thread (or a child process), so it does not share the
 * broker's event loop (the broker under test gets one core, the generator the other).
 */
function load(port: number, frame: Buffer, rate = 0): Promise<Result> {
  const opts = { port, frame, seconds, connections, inflight, rate, warmup: rate > 0 ? warmup : 0 };
  const script = new URL('./load-generator.mjs', import.meta.url);
  return new Promise((resolve, reject) => {
    if (generatorInProcess) {
      const worker = new Worker(script, { workerData: opts });
      worker.once('message', resolve);
      worker.once('error', reject);
      return;
    }
    // 'advanced' serialization carries the frame as bytes and the latencies as numbers.
    const child = fork(script, { serialization: 'advanced', execArgv: [] });
    child.once('message', (r) => resolve(r as Result));
    child.once('error', reject);
    child.once('exit', (code) => code !== 0 && reject(new Error(`load generator exited with ${code}`)));
    child.send(opts);
  });
}

/**
 * The baseline: read the same frames from a socket and append each chunk's frames to a file
 * with one writev, then acknowledge them (one write per chunk).
 */
async function rawAppendServer(dir: string): Promise<{ port: number; close: () => void }> {
  const fd = openSync(join(dir, 'raw.log'), 'a');
  const ack = Buffer.alloc(8);
  ack.writeInt32BE(4, 0);
  const server = createServer((socket) => {
    socket.setNoDelay(true);
    const splitter = new FrameSplitter({ maxFrameSize: 1 << 30 });
    socket.on('data', (chunk: Buffer) => {
      const frames = splitter.push(chunk);
      if (frames.length === 0) return;
      fs.writevSync(fd, frames); // through the default export, so that TRACE=1 sees it
      socket.write(frames.length === 1 ? ack : Buffer.concat(frames.map(() => ack)));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    close: () => {
      server.close();
      closeSync(fd);
      rmSync(join(dir, 'raw.log'), { force: true });
    },
  };
}

function pct(sorted: number[], p: number): string {
  return (sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0).toFixed(2);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
/** Writes back every dirty page, so a run does not pay for the previous one's writes. */
const settle = () => execFileSync('sync');

function report(name: string, r: Result, quiet = false): number {
  const records = (r.requests * perBatch) / r.elapsed;
  const mb = (r.requests * batch.length) / r.elapsed / 1e6;
  const sorted = r.latencies.sort((a, b) => a - b);
  if (!quiet)
    console.log(
      `${name.padEnd(26)} ${Math.round(records).toLocaleString().padStart(12)} records/s ${mb.toFixed(0).padStart(6)} MB/s` +
        `   p50 ${pct(sorted, 0.5)} ms  p99 ${pct(sorted, 0.99)} ms  p999 ${pct(sorted, 0.999)} ms`,
    );
  return mb;
}

let runs = 0;
/** A fresh broker on a fresh directory, one partition, for one load run. */
async function withBroker<T>(dir: string, fn: (port: number) => Promise<T>): Promise<T> {
  const data = join(dir, `data${runs++}`);
  mkdirSync(data);
  const { config } = loadConfig({
    flags: {
      listeners: 'PLAINTEXT://127.0.0.1:0',
      'log.dirs': data,
      'logger.level': 'error',
      // METRICS=1: with /metrics on, so the counters on the produce path are in the figures.
      ...(process.env.METRICS === '1' ? { 'kilgore.metrics.listener': 'http://127.0.0.1:0' } : {}),
    },
  });
  const broker = await Broker.start({ config });
  try {
    const topicConfigs = new Map<string, string>();
    if (flushMs !== undefined) topicConfigs.set('flush.ms', flushMs);
    if (compressionType !== undefined) topicConfigs.set('compression.type', compressionType);
    broker.context.createTopic('bench', 1, topicConfigs);
    settle();
    return await fn(broker.listeners[0]!.boundPort);
  } finally {
    await broker.stop();
    rmSync(data, { recursive: true, force: true });
  }
}

if (process.env.TRANSACTIONS === '1') await transactionalBench();
else await main();

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'kilgore-bench-'));
  try {
    console.log(
      `produce: ${perBatch} records of ${recordSize} B per batch (${batch.length} B), ${connections} connections x ${inflight} in flight, ${seconds} s per run, ${rounds} rounds (medians)`,
    );
    const raw: number[] = [];
    const acks1: number[] = [];
    const acksAll: number[] = [];
    const ratios: number[] = [];
    let rps1 = 0;
    // RATE=<requests/s> skips the closed-loop rounds and runs only the paced comparison.
    const fixedRates = (process.env.RATE ?? '').split(',').filter(Boolean).map(Number);
    const fixedRate = fixedRates.length;
    // ...after one unprinted closed-loop run, so that the broker's code is warm as it is otherwise.
    if (fixedRate > 0) await withBroker(dir, (port) => load(port, produceFrame(1, 1)));
    else if (process.env.MAX_RPS) throw new Error('MAX_RPS is for RATE runs (the closed loop measures it)');
    for (let r = 0; r < (fixedRate > 0 ? 0 : rounds); r++) {
      const runRaw = async () => {
        const server = await rawAppendServer(dir);
        settle();
        try {
          raw.push(report(`raw append, round ${r + 1}`, await load(server.port, produceFrame(1, 1))));
        } finally {
          server.close();
        }
      };
      if (r % 2 === 1) await runRaw();
      const res = await withBroker(dir, (port) => load(port, produceFrame(1, 1)));
      acks1.push(report(`kilgore acks=1, round ${r + 1}`, res));
      rps1 = Math.max(rps1, res.requests / res.elapsed);
      if (r % 2 === 0) await runRaw();
      ratios.push(acks1[r]! / raw[r]!);
      acksAll.push(
        report(
          `kilgore acks=all, round ${r + 1}`,
          await withBroker(dir, (port) => load(port, produceFrame(-1, 1))),
        ),
      );
    }
    const line = (name: string, mb: number) =>
      console.log(
        `${name.padEnd(26)} ${Math.round(((mb * 1e6) / batch.length) * perBatch)
          .toLocaleString()
          .padStart(12)} records/s ${mb.toFixed(0).padStart(6)} MB/s`,
      );
    if (fixedRate === 0) {
      console.log('medians:');
      line('raw append (writev)', median(raw));
      line('kilgore acks=1', median(acks1));
      line('kilgore acks=all', median(acksAll));
      console.log(
        `ratio acks=1 / raw append: ${median(ratios).toFixed(2)} (median of per-round ratios ${ratios.map((x) => x.toFixed(2)).join(' ')}; goal >= 0.7)`,
      );
    }
    // Latency at half of the best acks=1 rate: an open-loop schedule, latency from the due time.
    // RATE may list several loads (RATE=13000,6500,3000); MAX_RPS names the measured maximum
    // (requests/s) when the closed-loop rounds are skipped, to print each load's fraction of it.
    const maxRps = fixedRates.length > 0 ? Number(process.env.MAX_RPS ?? 0) : rps1;
    const rates = fixedRates.length > 0 ? fixedRates : [Math.round(rps1 / 2)];
    for (const rate of rates) await pacedComparison(dir, rate, maxRps);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * ROUNDS paced runs at `rate` of the raw loop and of Kilgore (order alternating), each from a
 * fresh directory; prints each run, then the medians and the median per-round p99 ratio.
 */
async function pacedComparison(dir: string, rate: number, maxRps: number): Promise<void> {
  const fraction =
    maxRps > 0
      ? `${Math.round((100 * rate) / maxRps)}% of the acks=1 max of ${Math.round(maxRps).toLocaleString()}/s`
      : 'fraction of the max unknown: set MAX_RPS';
  console.log(
    `paced at ${rate.toLocaleString()} requests/s (${Math.round(rate * perBatch).toLocaleString()} records/s, ${((rate * batch.length) / 1e6).toFixed(0)} MB/s; ${fraction}), latency from each request's due time, after ${warmup} s at that rate not counted:`,
  );
  // The event-loop delay of this thread (where the broker or the raw loop runs) during the run.
  const elDelay = monitorEventLoopDelay({ resolution: 1 });
  const stats = { raw: [] as number[][], kilgore: [] as number[][] };
  const pacedLine = (name: string, r: Result): number[] => {
    const sorted = r.latencies.sort((a, b) => a - b);
    const late = r.sendLateness.sort((a, b) => a - b);
    console.log(
      `  ${name.padEnd(28)} ${Math.round(r.requests / r.elapsed).toLocaleString()} replies/s  p50 ${pct(sorted, 0.5)} ms  p99 ${pct(sorted, 0.99)} ms  p999 ${pct(sorted, 0.999)} ms` +
        `   (event-loop delay p99 ${(elDelay.percentile(99) / 1e6).toFixed(1)} ms, max ${(elDelay.max / 1e6).toFixed(1)} ms;` +
        ` generator sends late p99 ${pct(late, 0.99)} ms, max ${pct(late, 1)} ms)`,
    );
    if (trace) console.log(traceLine());
    elDelay.disable();
    elDelay.reset();
    return [0.5, 0.99, 0.999].map((p) => Number(pct(sorted, p)));
  };
  for (let r = 0; r < rounds; r++) {
    const runRaw = async () => {
      const server = await rawAppendServer(dir);
      settle();
      try {
        elDelay.enable();
        resetTrace();
        stats.raw.push(
          pacedLine(`raw append, round ${r + 1}`, await load(server.port, produceFrame(1, 1), rate)),
        );
      } finally {
        server.close();
      }
    };
    if (r % 2 === 0) await runRaw();
    const k = await withBroker(dir, (port) => {
      elDelay.enable();
      resetTrace();
      return load(port, produceFrame(1, 1), rate);
    });
    stats.kilgore.push(pacedLine(`kilgore acks=1, round ${r + 1}`, k));
    if (r % 2 === 1) await runRaw();
  }
  const med = (rows: number[][], i: number) => median(rows.map((x) => x[i]!)).toFixed(2);
  const medLine = (name: string, rows: number[][]) =>
    console.log(
      `  ${name.padEnd(28)} p50 ${med(rows, 0)} ms  p99 ${med(rows, 1)} ms  p999 ${med(rows, 2)} ms`,
    );
  console.log(`  medians of ${rounds} rounds at ${rate.toLocaleString()} requests/s:`);
  medLine('raw append (the floor)', stats.raw);
  medLine('kilgore acks=1 (goal p99<5)', stats.kilgore);
  const ratios = stats.kilgore.map((k, i) => k[1]! / stats.raw[i]![1]!);
  console.log(
    `  p99 kilgore / raw: ${median(ratios).toFixed(2)} (per round ${ratios.map((x) => x.toFixed(2)).join(' ')})`,
  );
}
