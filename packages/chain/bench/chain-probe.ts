/**
 * Diagnosis companion to chain.bench.ts: ONE run of the bench's load (same frame, 4 connections
 * x INFLIGHT requests, 8 by default) against a fresh 3-node chain, printing per node the CPU it
 * used and the time it spent runnable but waiting for a core (run-queue wait, summed over its
 * threads from /proc/<pid>/task/<tid>/schedstat), and its wake-ups (time slices). With
 * KILGORE_CHAIN_TRACE=1 the nodes' per-hop trace lines (packages/chain/src/trace.ts) are printed;
 * NODE_FLAGS adds flags to the node processes (e.g. NODE_FLAGS="--trace-gc": GC lines are then
 * counted per node); PROBE_OUTPUT=<file> keeps every node's whole output.
 *
 *   TSX_TSCONFIG_PATH=packages/chain/bench/tsconfig.json node --import tsx packages/chain/bench/chain-probe.ts
 *   (env: ACKS=-1 SECONDS=4 INFLIGHT=8 KILGORE_CHAIN_TRACE=1 NODE_FLAGS="--trace-gc")
 *
 * Needs the build (npx tsc -b): the nodes run apps/kilgore/dist/main.js.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { encodeRecordBatchSync, encodeRequest } from '@kilgore/protocol';
import { nodeFlags } from './node-flags.js';

// After node-flags (it wraps spawn for the harness).
const { createTopic } = await import('../../../test/support/chain-views.js');
const { ChainCluster } = await import('../../../test/support/cluster.js');

const seconds = Number(process.env.SECONDS ?? 4);
const acks = Number(process.env.ACKS ?? -1);
const inflight = Number(process.env.INFLIGHT ?? 8);
const value = Buffer.alloc(100, 'x');
const batch = encodeRecordBatchSync({ records: Array.from({ length: 148 }, () => ({ value })) });
const frame = Buffer.concat(
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

/** [cpu ns, run-queue wait ns, time slices] summed over the process's threads. */
function schedstat(pid: number): number[] {
  const sum = [0, 0, 0];
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const f = readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').trim().split(' ').map(Number);
      for (let i = 0; i < 3; i++) sum[i]! += f[i]!;
    } catch {
      // the thread ended
    }
  }
  return sum;
}

const cluster = await ChainCluster.start({
  chains: [{ name: 'a', nodes: [1, 2, 3] }],
  settings: { 'logger.level': 'warn' },
});
try {
  await createTopic(cluster, 'bench', 1);
  execFileSync('sync');
  const pids = [...cluster.nodes.values()].map((n) => n.child!.pid!);
  const before = pids.map(schedstat);
  const result = await new Promise<{ requests: number; latencies: number[]; elapsed: number }>(
    (resolve, reject) => {
      const worker = new Worker(new URL('../../broker/bench/load-generator.mjs', import.meta.url), {
        workerData: { port: cluster.node(1).port, frame, seconds, connections: 4, inflight, rate: 0 },
      });
      worker.once('message', resolve);
      worker.once('error', reject);
    },
  );
  const after = pids.map(schedstat);
  const lat = result.latencies.sort((a, b) => a - b);
  const at = (p: number) => (lat[Math.min(lat.length - 1, Math.floor(lat.length * p))] ?? 0).toFixed(2);
  console.log(
    `3-node chain acks=${acks}: ${((result.requests * batch.length) / result.elapsed / 1e6).toFixed(1)} MB/s  p50 ${at(0.5)} ms  p99 ${at(0.99)} ms`,
  );
  pids.forEach((_, i) => {
    const [cpu, wait, slices] = after[i]!.map((v, j) => v - before[i]![j]!);
    console.log(
      `  node ${i + 1}: cpu ${((cpu! / 1e9 / result.elapsed) * 100).toFixed(0)}% of a core, run-queue wait ${(wait! / 1e6).toFixed(0)} ms over ${slices} wake-ups (${(wait! / 1e3 / slices!).toFixed(0)} us each)`,
    );
  });
  await cluster.stopAll();
  const out = cluster.outputs(4_000_000);
  // PROBE_OUTPUT=<file>: every node's whole output kept for reading afterwards.
  if (process.env.PROBE_OUTPUT) writeFileSync(process.env.PROBE_OUTPUT, out);
  if (process.env.KILGORE_CHAIN_TRACE === '1') {
    for (const l of out.split('\n')) if (l.includes('CHAIN_TRACE')) console.log(l);
  }
  if (nodeFlags.includes('--trace-gc')) {
    for (const part of out.split('===== node ').slice(1)) {
      const mc = (part.match(/Mark-Compact/g) ?? []).length;
      const sc = (part.match(/Scavenge/g) ?? []).length;
      console.log(`  node ${part.slice(0, 1)}: ${mc} mark-compact, ${sc} scavenge GCs (whole life)`);
    }
  }
} finally {
  await cluster.stopAll();
  cluster.close();
}
