/**
 * Kilgore beside Apache Kafka 4.x on this machine: `pnpm bench:vs-kafka`.
 *
 * Starts Apache Kafka (kafka.Kafka, KRaft, jars from scripts/fetch-kafka.sh) and Kilgore
 * (`kilgore serve`, a 3-node chain) in turn, with the same durability, topic layout and load
 * generators (kafka-producer-perf-test, kafka-consumer-perf-test, kcat), and prints one markdown
 * table: records/s, MB/s (MiB, as Kafka's tools print), latency percentiles as the tool
 * measured them, the broker's CPU seconds (/proc/<pid>/stat, every broker process summed) and
 * peak RSS (VmHWM), with Kilgore/Kafka ratios. Then start-up (process start to the first
 * accepted produce) and RSS idle and under load.
 *
 * Durability, both sides: no fsync per write; a partition is fsynced at most once a second.
 * Kilgore's default is flush.messages unbounded and flush.ms=1000 (one fdatasync per busy
 * partition per second, off the append path; a topic config, with no broker-level setting);
 * Kafka's default never fsyncs on its own (flush.ms unbounded, the flush scheduler at
 * Long.MAX). So every topic is created with flush.ms=FLUSH_MS on both, and Kafka's brokers get
 * log.flush.interval.ms and log.flush.scheduler.interval.ms = FLUSH_MS (without the scheduler
 * interval a topic's flush.ms never fires there).
 *
 *   pnpm bench:vs-kafka   (env: RECORDS=2000000 REPL_RECORDS=1000000 KCAT_RECORDS=1000000
 *                          STARTUPS=3 FLUSH_MS=1000 ONLY=kafka|kilgore)
 *
 * Needs the build (npx tsc -b: the Kilgore nodes run apps/kilgore/dist/main.js), Java 17+,
 * Maven for the first fetch of Kafka's jars, and kcat (scripts/install-test-tools.sh).
 * Everything (brokers and load generators) shares this machine's cores: read CPU seconds per
 * million records as the figure that does not depend on how many there are.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { sleep } from '../../test/support/cluster.js';
import { kafkaStartupMs, kafkaVersion, startKafka } from './kafka-cluster.js';
import { inProcessStartup, KilgoreServe, startChain } from './kilgore.js';
import { consumerPerfTest, kcatConsume, kcatProduce, type LoadResult, producerPerfTest } from './load.js';
import { sampleRss, totalCpu, totalMemory } from './proc.js';
import { address, createTopic, firstAcceptedProduce } from './topics.js';

const env = (name: string, dflt: number) => Number(process.env[name] ?? dflt);
const RECORDS = env('RECORDS', 2_000_000);
const REPL_RECORDS = env('REPL_RECORDS', 1_000_000);
const KCAT_RECORDS = env('KCAT_RECORDS', 1_000_000);
const STARTUPS = env('STARTUPS', 3);
const FLUSH_MS = String(env('FLUSH_MS', 1000));

const scratch = mkdtempSync(join(tmpdir(), 'kilgore-vs-kafka-load-'));
const kafkaFlush = { 'log.flush.interval.ms': FLUSH_MS, 'log.flush.scheduler.interval.ms': FLUSH_MS };
// Kilgore has no broker-level flush setting (flush.ms is a topic config, default 1000 ms): every
// topic of the bench, on both brokers, is created with flush.ms=FLUSH_MS.
const topicConfigs = { 'flush.ms': FLUSH_MS };

type Side = 'Kafka' | 'Kilgore';
interface Row extends LoadResult {
  case: string;
  side: Side;
  cpu: number;
  peakRss: number;
}
const rows: Row[] = [];
const extra: { what: string; Kafka?: number; Kilgore?: number; unit: string; note?: string }[] = [];
const setExtra = (what: string, side: Side, value: number, unit: string, note?: string) => {
  let e = extra.find((x) => x.what === what);
  if (!e) {
    e = { what, unit, note };
    extra.push(e);
  }
  e[side] = value;
};

interface Running {
  bootstrap: string;
  pids: number[];
}

/** Runs one load against a broker, with its CPU seconds and the highest RSS seen meanwhile. */
async function measure(
  side: Side,
  name: string,
  broker: Running,
  load: () => Promise<LoadResult>,
): Promise<void> {
  const cpu0 = totalCpu(broker.pids);
  const sampler = sampleRss(broker.pids);
  const r = await load();
  const peakRss = sampler.stop();
  const row = { ...r, case: name, side, cpu: totalCpu(broker.pids) - cpu0, peakRss };
  rows.push(row);
  console.error(
    `  ${side.padEnd(7)} ${name}: ${Math.round(r.recordsPerSec)} records/s ${r.mbPerSec.toFixed(1)} MB/s p99 ${r.p99 ?? '-'} ms, cpu ${row.cpu.toFixed(1)} s`,
  );
}

/** The one-node rows, on one broker: 4 produce rows, kcat produce, and the two consume rows. */
async function singleNodeRows(side: Side, broker: Running): Promise<void> {
  const to = address(broker.bootstrap);
  for (const partitions of [1, 8]) {
    for (const acks of ['1', 'all'] as const) {
      const topic = `p${partitions}-acks${acks}`;
      await createTopic(to, topic, partitions, -1, topicConfigs);
      await measure(
        side,
        `produce 1 node, ${partitions} partition${partitions > 1 ? 's' : ''}, acks=${acks}`,
        broker,
        () => producerPerfTest(broker.bootstrap, topic, RECORDS, acks),
      );
    }
  }
  await createTopic(to, 'kcat-p1', 1, -1, topicConfigs);
  await measure(side, 'produce 1 node, 1 partition, acks=1, kcat', broker, () =>
    kcatProduce(scratch, broker.bootstrap, 'kcat-p1', KCAT_RECORDS, '1'),
  );
  await measure(side, 'consume whole topic (8 partitions), consumer-perf-test', broker, () =>
    consumerPerfTest(broker.bootstrap, 'p8-acks1', RECORDS),
  );
  await measure(side, 'consume whole topic (1 partition), kcat', broker, () =>
    kcatConsume(broker.bootstrap, 'p1-acks1', RECORDS),
  );
}

async function idleRss(side: Side, pids: number[]): Promise<void> {
  await sleep(2000);
  setExtra('RSS idle, one node (after start-up, no topics)', side, totalMemory(pids).rss, 'MiB');
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const only = process.env.ONLY?.toLowerCase();
let kafkaStartup: number | undefined;
let serveFirstStartup: number | undefined;

console.error(
  `bench:vs-kafka: Apache Kafka ${kafkaVersion()}; RECORDS=${RECORDS} REPL_RECORDS=${REPL_RECORDS} KCAT_RECORDS=${KCAT_RECORDS}`,
);
try {
  if (only !== 'kilgore') {
    // --- Apache Kafka, one node ---
    console.error('Apache Kafka, 1 node');
    kafkaStartup = await kafkaStartupMs(kafkaFlush);
    const kafka = await startKafka(1, kafkaFlush);
    try {
      await idleRss('Kafka', kafka.pids);
      await singleNodeRows('Kafka', kafka);
      setExtra('peak RSS (VmHWM), one node, whole run', 'Kafka', totalMemory(kafka.pids).peak, 'MiB');
    } finally {
      await kafka.stop();
    }
  }
  if (only !== 'kafka') {
    // --- Kilgore, one node ---
    console.error('Kilgore, 1 node (kilgore serve)');
    const serve = await KilgoreServe.start();
    try {
      const up = await firstAcceptedProduce(address(serve.bootstrap), 'startup', serve.alive);
      serveFirstStartup = up - serve.spawnedAt;
      await idleRss('Kilgore', serve.pids);
      await singleNodeRows('Kilgore', serve);
      setExtra('peak RSS (VmHWM), one node, whole run', 'Kilgore', totalMemory(serve.pids).peak, 'MiB');
    } finally {
      await serve.stop();
    }
  }
  if (only !== 'kilgore') {
    // --- Apache Kafka, 3 nodes, RF=3, min.insync.replicas=2 ---
    console.error('Apache Kafka, 3 nodes');
    const kafka = await startKafka(3, kafkaFlush);
    try {
      await createTopic(address(kafka.bootstrap), 'repl', 1, 3, {
        ...topicConfigs,
        'min.insync.replicas': '2',
      });
      await measure('Kafka', 'replicated, 3 nodes, 1 partition, acks=all', kafka, () =>
        producerPerfTest(kafka.bootstrap, 'repl', REPL_RECORDS, 'all'),
      );
      setExtra('peak RSS (VmHWM), 3 nodes summed', 'Kafka', totalMemory(kafka.pids).peak, 'MiB');
    } finally {
      await kafka.stop();
    }
  }
  if (only !== 'kafka') {
    console.error('Kilgore, 3-node chain');
    const chain = await startChain();
    try {
      await createTopic(address(chain.bootstrap), 'repl', 1, -1, topicConfigs);
      await measure('Kilgore', 'replicated, 3 nodes, 1 partition, acks=all', chain, () =>
        producerPerfTest(chain.bootstrap, 'repl', REPL_RECORDS, 'all'),
      );
      setExtra('peak RSS (VmHWM), 3 nodes summed', 'Kilgore', totalMemory(chain.pids).peak, 'MiB');
    } finally {
      await chain.stop();
    }
    // --- start-up, more samples for the fast ones ---
    const serveTimes: number[] = serveFirstStartup === undefined ? [] : [serveFirstStartup];
    for (let i = 0; i < STARTUPS; i++) {
      const s = await KilgoreServe.start();
      serveTimes.push((await firstAcceptedProduce(address(s.bootstrap), 'startup', s.alive)) - s.spawnedAt);
      await s.stop();
    }
    setExtra(
      'start-up to first accepted produce: kafka.Kafka vs `kilgore serve`',
      'Kilgore',
      median(serveTimes),
      'ms',
      `Kilgore median of ${serveTimes.length}`,
    );
    const inProc: number[] = [];
    for (let i = 0; i < 5; i++) inProc.push(await inProcessStartup());
    setExtra(
      'start-up to first accepted produce: kafka.Kafka vs startBroker() in-process',
      'Kilgore',
      median(inProc),
      'ms',
      'Kilgore median of 5',
    );
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

// Kafka's one start (a JVM start costs seconds of both cores) stands beside both Kilgore start-ups.
if (kafkaStartup !== undefined) {
  setExtra('start-up to first accepted produce: kafka.Kafka vs `kilgore serve`', 'Kafka', kafkaStartup, 'ms');
  setExtra(
    'start-up to first accepted produce: kafka.Kafka vs startBroker() in-process',
    'Kafka',
    kafkaStartup,
    'ms',
  );
}

// --- the table ---
const f = (n: number | undefined, d = 0) =>
  n === undefined ? '-' : n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
const ratio = (k: number | undefined, g: number | undefined) =>
  k && g !== undefined ? (g / k).toFixed(2) : '-';
const cases = [...new Set(rows.map((r) => r.case))];
const out: string[] = [];
out.push(
  `Machine: ${cpus().length} cores (${cpus()[0]?.model}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB; load average at the end ${loadavg()
    .map((l) => l.toFixed(2))
    .join(
      ' ',
    )}; Node ${process.version}; ${spawnSync('java', ['-version'], { encoding: 'utf8' }).stderr.split('\n')[0]}; Apache Kafka ${kafkaVersion()}`,
);
out.push('');
out.push(
  '| case | broker | records/s | MB/s | p50 ms | p99 ms | p99.9 ms | broker CPU s | CPU s / M records | RSS peak during row MiB |',
);
out.push('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const c of cases) {
  const k = rows.find((r) => r.case === c && r.side === 'Kafka');
  const g = rows.find((r) => r.case === c && r.side === 'Kilgore');
  for (const r of [k, g]) {
    if (!r) continue;
    out.push(
      `| ${c} | ${r.side} | ${f(r.recordsPerSec)} | ${f(r.mbPerSec, 1)} | ${f(r.p50)} | ${f(r.p99)} | ${f(r.p999)} | ${f(r.cpu, 1)} | ${f((r.cpu / r.records) * 1e6, 2)} | ${f(r.peakRss)} |`,
    );
  }
  if (k && g) {
    out.push(
      `| | **Kilgore/Kafka** | **${ratio(k.recordsPerSec, g.recordsPerSec)}** | | ${ratio(k.p50, g.p50)} | ${ratio(k.p99, g.p99)} | ${ratio(k.p999, g.p999)} | | ${ratio(k.cpu / k.records, g.cpu / g.records)} | ${ratio(k.peakRss, g.peakRss)} |`,
    );
  }
}
out.push('');
out.push('| | Kafka | Kilgore | Kilgore/Kafka |');
out.push('|---|---:|---:|---:|');
for (const e of extra) {
  out.push(
    `| ${e.what} (${e.unit}${e.note ? `; ${e.note}` : ''}) | ${f(e.Kafka)} | ${f(e.Kilgore)} | ${ratio(e.Kafka, e.Kilgore)}${e.what.startsWith('start-up') && e.Kafka && e.Kilgore ? ` (${f(e.Kafka / e.Kilgore)}x faster)` : ''} |`,
  );
}
console.log(out.join('\n'));
