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
 *   pnpm bench:produce   (env: SECONDS=4 ROUNDS=3 CONNECTIONS=4 INFLIGHT=8 BATCH=16384;
 *   FLUSH_MS=<ms> sets the bench topic's flush.ms, 9223372036854775807 = no timed fsync;
 *   RATE=<requests/s> runs only the paced comparison, after one unprinted warm-up run)
 *
 * The paced lines also show this thread's event-loop delay (p99, max) during the run: the raw
 * loop stalls too (a writev blocked in the kernel), so compare Kilgore's with it.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writevSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { Broker, loadConfig } from '@kilgore/broker';
import { encodeRecordBatchSync, encodeRequest, FrameSplitter } from '@kilgore/protocol';

const seconds = Number(process.env.SECONDS ?? 4);
const rounds = Number(process.env.ROUNDS ?? 3);
const connections = Number(process.env.CONNECTIONS ?? 4);
const inflight = Number(process.env.INFLIGHT ?? 8);
const batchBytes = Number(process.env.BATCH ?? 16384);
const recordSize = 100;
/** Optional flush.ms for the bench topic (e.g. 9223372036854775807 = never fsync on a timer). */
const flushMs = process.env.FLUSH_MS;

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
  elapsed: number;
}

/**
 * Runs the load generator in a worker thread, so it does not share the broker's event loop (the
 * broker under test gets one core, the generator the other, as with a separate client process).
 */
function load(port: number, frame: Buffer, rate = 0): Promise<Result> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./load-generator.mjs', import.meta.url), {
      workerData: { port, frame, seconds, connections, inflight, rate },
    });
    worker.once('message', resolve);
    worker.once('error', reject);
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
      writevSync(fd, frames);
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
    flags: { listeners: 'PLAINTEXT://127.0.0.1:0', 'log.dirs': data, 'logger.level': 'error' },
  });
  const broker = await Broker.start({ config });
  try {
    broker.context.createTopic('bench', 1, new Map(flushMs === undefined ? [] : [['flush.ms', flushMs]]));
    settle();
    return await fn(broker.listeners[0]!.boundPort);
  } finally {
    await broker.stop();
    rmSync(data, { recursive: true, force: true });
  }
}

await main();

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
    const fixedRate = Number(process.env.RATE ?? 0);
    // ...after one unprinted closed-loop run, so that the broker's code is warm as it is otherwise.
    if (fixedRate > 0) await withBroker(dir, (port) => load(port, produceFrame(1, 1)));
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
    const rate = fixedRate > 0 ? fixedRate : Math.round(rps1 / 2);
    // The event-loop delay of this thread (where the broker or the raw loop runs) during the run.
    const elDelay = monitorEventLoopDelay({ resolution: 1 });
    const pacedLine = (name: string, r: Result) => {
      const sorted = r.latencies.sort((a, b) => a - b);
      console.log(
        `${name.padEnd(26)} ${Math.round(r.requests / r.elapsed).toLocaleString()} replies/s  p50 ${pct(sorted, 0.5)} ms  p99 ${pct(sorted, 0.99)} ms  p999 ${pct(sorted, 0.999)} ms` +
          `   (event-loop delay p99 ${(elDelay.percentile(99) / 1e6).toFixed(1)} ms, max ${(elDelay.max / 1e6).toFixed(1)} ms)`,
      );
      elDelay.disable();
      elDelay.reset();
    };
    console.log(
      `paced at ${rate.toLocaleString()} requests/s (${Math.round(rate * perBatch).toLocaleString()} records/s, half of the acks=1 max), latency from each request's due time:`,
    );
    const server = await rawAppendServer(dir);
    settle();
    try {
      elDelay.enable();
      pacedLine('raw append (the floor)', await load(server.port, produceFrame(1, 1), rate));
    } finally {
      server.close();
    }
    pacedLine(
      'kilgore acks=1 (goal p99 < 5 ms)',
      await withBroker(dir, (port) => {
        elDelay.enable();
        return load(port, produceFrame(1, 1), rate);
      }),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
