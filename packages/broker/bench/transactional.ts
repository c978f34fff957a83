/**
 * TRANSACTIONS=1 pnpm bench:produce: what transactions cost on the produce path. One producer
 * (one connection, one producer id, acks=all, INFLIGHT=5 requests of one batch per partition, as
 * Kafka's producer sends) against an in-process broker, first idempotent, then transactional
 * with a commit every COMMIT_MS (default 100): the producer drains its in-flight batches and sends
 * EndTxn, which returns once every partition has its marker. Rounds alternate the two modes on a
 * fresh directory each; medians are printed, with the commit latency.
 *
 *   env: SECONDS=4 WARMUP=1 ROUNDS=3 PARTITIONS=4 INFLIGHT=5 BATCH=16384 COMMIT_MS=100
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { Broker, loadConfig } from '@kilgore/broker';

const seconds = Number(process.env.SECONDS ?? 4);
const warmup = Number(process.env.WARMUP ?? 1);
const rounds = Number(process.env.ROUNDS ?? 3);
const partitions = Number(process.env.PARTITIONS ?? 4);
const inflight = Number(process.env.INFLIGHT ?? 5);
const batchBytes = Number(process.env.BATCH ?? 16384);
const commitMs = Number(process.env.COMMIT_MS ?? 100);
const recordSize = 100;
const perBatch = Math.max(1, Math.floor(batchBytes / (recordSize + 10)));

interface Run {
  records: number;
  seconds: number;
  commits: number;
  produceLatencies: number[];
  commitLatencies: number[];
}

async function runOnce(dir: string, transactional: boolean): Promise<Run> {
  const data = join(dir, `data-${transactional ? 'txn' : 'idem'}-${Date.now()}`);
  mkdirSync(data);
  const { config } = loadConfig({
    flags: { listeners: 'PLAINTEXT://127.0.0.1:0', 'log.dirs': data, 'logger.level': 'error' },
  });
  const broker = await Broker.start({ config });
  try {
    broker.context.createTopic('bench-txn', partitions);
    execFileSync('sync'); // the previous run's dirty pages would throttle this one's writes
    const workerData = {
      port: broker.listeners[0]!.boundPort,
      topic: 'bench-txn',
      partitions,
      seconds,
      warmup,
      inflight,
      perBatch,
      recordSize,
      transactional,
      commitMs,
    };
    const run = await new Promise<Run>((resolve, reject) => {
      const worker = new Worker(new URL('./txn-generator.mjs', import.meta.url), { workerData });
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    // Every transaction ended: nothing left open on any partition.
    for (let p = 0; p < partitions; p++) {
      const log = broker.context.logs.get('bench-txn', p)!;
      if (log.lastStableOffset !== log.logEndOffset)
        throw new Error(
          `bench-txn-${p}: last stable offset ${log.lastStableOffset} < log end ${log.logEndOffset}`,
        );
    }
    return run;
  } finally {
    await broker.stop();
    rmSync(data, { recursive: true, force: true });
  }
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return (s[Math.min(s.length - 1, Math.floor(s.length * p))] ?? 0).toFixed(1);
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function transactionalBench(): Promise<void> {
  console.log(
    `produce, idempotent vs transactional: ${partitions} partitions x ${perBatch} records of ${recordSize} B per request, ${inflight} in flight, acks=all, ${seconds} s per run, commit every ${commitMs} ms, ${rounds} rounds (medians)`,
  );
  const dir = mkdtempSync(join(tmpdir(), 'kilgore-bench-txn-'));
  const rates = { idempotent: [] as number[], transactional: [] as number[] };
  try {
    for (let r = 0; r < rounds; r++) {
      const order = r % 2 === 0 ? [false, true] : [true, false];
      for (const transactional of order) {
        const run = await runOnce(dir, transactional);
        const rate = run.records / run.seconds;
        (transactional ? rates.transactional : rates.idempotent).push(rate);
        const commits = transactional
          ? `  ${run.commits} commits, EndTxn p50 ${pct(run.commitLatencies, 0.5)} ms p99 ${pct(run.commitLatencies, 0.99)} ms`
          : '';
        console.log(
          `${(transactional ? 'transactional' : 'idempotent').padEnd(14)} round ${r + 1}: ${Math.round(rate).toLocaleString().padStart(10)} records/s  produce p50 ${pct(run.produceLatencies, 0.5)} ms p99 ${pct(run.produceLatencies, 0.99)} ms${commits}`,
        );
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const idem = median(rates.idempotent);
  const txn = median(rates.transactional);
  console.log(
    `medians: idempotent ${Math.round(idem).toLocaleString()} records/s, transactional (commit every ${commitMs} ms) ${Math.round(txn).toLocaleString()} records/s: ${((100 * txn) / idem).toFixed(0)}% of idempotent`,
  );
}
