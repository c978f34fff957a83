/**
 * Chain replication throughput and latency: acks=all through a 3-node chain (three broker
 * processes on 127.0.0.1, .2, .3), next to a single node with acks=1 measured in the same run.
 * Goal: the chain's acks=all at least 0.5 of the single node's acks=1.
 *
 * The load is the produce benchmark's (packages/broker/bench): one pre-encoded Produce frame (a
 * 16 KiB batch of 100-byte records) sent by a worker thread over several connections with
 * several requests in flight, each reply counted with its latency. Every run gets fresh nodes on
 * fresh directories, after a system-wide `sync` so a run does not pay for the previous one's
 * dirty pages; single node and chain alternate order across rounds; medians are printed.
 * Each line also shows every node's CPU use during the run (share of one core, head first), the
 * share of the run each spent runnable but waiting for a core (run-queue wait), and
 * a third row per round, the chain with acks=1, separates the cost of forwarding from the wait
 * for the tail's ack.
 *
 *   pnpm bench:chain   (env: SECONDS=4 ROUNDS=3 CONNECTIONS=4 INFLIGHT=8 BATCH=16384;
 *                       NODE_FLAGS="--initial-old-space-size=256" adds flags to every node)
 *
 * Needs the build (npx tsc -b): the nodes run apps/kilgore/dist/main.js.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { encodeRecordBatchSync, encodeRequest } from '@kilgore/protocol';
import type { ClusterOptions } from '../../../test/support/cluster.js';
import { nodeFlags } from './node-flags.js';

// After node-flags, which wraps spawn for the harness (NODE_FLAGS).
const { createTopic } = await import('../../../test/support/chain-views.js');
const { ChainCluster } = await import('../../../test/support/cluster.js');

const seconds = Number(process.env.SECONDS ?? 4);
const rounds = Number(process.env.ROUNDS ?? 3);
const connections = Number(process.env.CONNECTIONS ?? 4);
const inflight = Number(process.env.INFLIGHT ?? 8);
const batchBytes = Number(process.env.BATCH ?? 16384);
const recordSize = 100;

const perBatch = Math.max(1, Math.floor(batchBytes / (recordSize + 10)));
const value = Buffer.alloc(recordSize, 'x');
const batch = encodeRecordBatchSync({ records: Array.from({ length: perBatch }, () => ({ value })) });

function produceFrame(acks: number): Buffer {
  return Buffer.concat(
    encodeRequest({
      header: { apiKey: 0, apiVersion: 7, correlationId: 1, clientId: 'bench' },
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

/** The produce benchmark's load generator (it connects to 127.0.0.1, where the head listens). */
const loadGenerator = new URL('../../broker/bench/load-generator.mjs', import.meta.url);

function load(port: number, frame: Buffer): Promise<Result> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(loadGenerator, {
      workerData: { port, frame, seconds, connections, inflight, rate: 0 },
    });
    worker.once('message', resolve);
    worker.once('error', reject);
  });
}

/**
 * [CPU seconds, seconds runnable but waiting for a core] a process has had, over its threads,
 * from /proc/<pid>/task/<tid>/schedstat (Linux). The wait shows a machine short of cores: three
 * nodes and the load generator share this one's two, and every hop of the chain wakes a process.
 */
function schedSeconds(pid: number | undefined): [number, number] {
  if (pid === undefined) return [0, 0];
  let cpu = 0;
  let wait = 0;
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      try {
        const [run, queued] = readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ');
        cpu += Number(run) / 1e9;
        wait += Number(queued) / 1e9;
      } catch {
        // the thread ended
      }
    }
  } catch {
    // the process ended
  }
  return [cpu, wait];
}

interface Run {
  result: Result;
  /** Per node, the share of one core it used during the load (1 = a whole core). */
  cpu: number[];
  /** Per node, the share of the run it spent runnable but waiting for a core. */
  wait: number[];
}

/**
 * Fresh nodes (quiet logs) with a one-partition `bench` topic; node 1, the head, on 127.0.0.1.
 * One load run against the head, with each node's CPU use over it.
 */
async function withNodes(options: ClusterOptions, frame: Buffer): Promise<Run> {
  const cluster = await ChainCluster.start({ ...options, settings: { 'logger.level': 'warn' } });
  try {
    await createTopic(cluster, 'bench', 1);
    execFileSync('sync');
    const nodes = [...cluster.nodes.values()];
    const before = nodes.map((n) => schedSeconds(n.child?.pid));
    const result = await load(cluster.node(1).port, frame);
    const after = nodes.map((n) => schedSeconds(n.child?.pid));
    const cpu = nodes.map((_, i) => (after[i]![0] - before[i]![0]) / result.elapsed);
    const wait = nodes.map((_, i) => (after[i]![1] - before[i]![1]) / result.elapsed);
    return { result, cpu, wait };
  } catch (err) {
    console.error(cluster.outputs(3000));
    throw err;
  } finally {
    await cluster.stopAll();
    cluster.close();
  }
}

const single: ClusterOptions = { chains: [{ name: 'solo', nodes: [1] }], replication: false };
const chain: ClusterOptions = { chains: [{ name: 'a', nodes: [1, 2, 3] }] };

function pct(sorted: number[], p: number): string {
  return (sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0).toFixed(2);
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

interface Figures {
  mb: number;
  p50: number;
  p99: number;
}

function report(name: string, run: Run): Figures {
  const r = run.result;
  const records = (r.requests * perBatch) / r.elapsed;
  const mb = (r.requests * batch.length) / r.elapsed / 1e6;
  const sorted = r.latencies.sort((a, b) => a - b);
  console.log(
    `${name.padEnd(34)} ${Math.round(records).toLocaleString().padStart(12)} records/s ${mb.toFixed(1).padStart(7)} MB/s` +
      `   p50 ${pct(sorted, 0.5)} ms  p99 ${pct(sorted, 0.99)} ms   cpu ${run.cpu.map((c) => `${Math.round(c * 100)}%`).join(' ')}` +
      `  wait ${run.wait.map((c) => `${Math.round(c * 100)}%`).join(' ')}`,
  );
  return { mb, p50: Number(pct(sorted, 0.5)), p99: Number(pct(sorted, 0.99)) };
}

console.log(
  `chain: ${nodeFlags.length > 0 ? `node flags ${nodeFlags.join(' ')}; ` : ''}${perBatch} records of ${recordSize} B per batch (${batch.length} B), ${connections} connections x ${inflight} in flight, ${seconds} s per run, ${rounds} rounds (medians); cpu = each node's share of a core (head first), wait = share of the run it waited for a core`,
);
const singles: Figures[] = [];
const chains: Figures[] = [];
const chainsAcks1: Figures[] = [];
const ratios: number[] = [];
for (let r = 0; r < rounds; r++) {
  const runSingle = async () =>
    singles.push(report(`single node acks=1, round ${r + 1}`, await withNodes(single, produceFrame(1))));
  const runChain = async () =>
    chains.push(report(`3-node chain acks=all, round ${r + 1}`, await withNodes(chain, produceFrame(-1))));
  // For the diagnosis: the same chain when the head answers after its own append.
  const runChainAcks1 = async () =>
    chainsAcks1.push(report(`3-node chain acks=1, round ${r + 1}`, await withNodes(chain, produceFrame(1))));
  if (r % 2 === 0) {
    await runSingle();
    await runChain();
  } else {
    await runChain();
    await runSingle();
  }
  await runChainAcks1();
  ratios.push(chains[r]!.mb / singles[r]!.mb);
}
const line = (name: string, xs: Figures[]) => {
  const mb = median(xs.map((x) => x.mb));
  console.log(
    `${name.padEnd(34)} ${Math.round(((mb * 1e6) / batch.length) * perBatch)
      .toLocaleString()
      .padStart(
        12,
      )} records/s ${mb.toFixed(1).padStart(7)} MB/s   p50 ${median(xs.map((x) => x.p50)).toFixed(2)} ms  p99 ${median(
      xs.map((x) => x.p99),
    ).toFixed(2)} ms`,
  );
};
console.log('medians:');
line('single node acks=1', singles);
line('3-node chain acks=all', chains);
line('3-node chain acks=1 (diagnosis)', chainsAcks1);
console.log(
  `ratio chain acks=all / single acks=1: ${median(ratios).toFixed(2)} (per round ${ratios.map((x) => x.toFixed(2)).join(' ')}; goal >= 0.5)`,
);
