/**
 * pnpm bench:testing: how long a test waits for a broker. Prints median and p95 of
 *  - startBroker() alone (in-process start to "accepts requests"), on disk (default) and in memory;
 *  - startBroker() + createTopic + first produce/fetch round trip over a fresh TCP connection + stop();
 *  - stop();
 * and the heap an idle broker holds. Figures only, no pass/fail (the issue's goals are printed
 * beside them).
 */
import { connect, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import {
  decodeResponse,
  encodeRecordBatchSync,
  encodeRequest,
  type FetchResponse,
  FrameSplitter,
} from '@kilgore/protocol';
import { type StartBrokerOptions, startBroker } from '@kilgore/testing';

const RUNS = Number(process.env.RUNS ?? 200);
const WARMUP = 30;

function stats(xs: number[]): string {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
  return `median ${q(0.5).toFixed(2)} ms  p95 ${q(0.95).toFixed(2)} ms  min ${s[0]!.toFixed(2)} ms`;
}

/** One request/response on a socket, for the round trip without any client library's start-up. */
function ask(
  socket: Socket,
  splitter: FrameSplitter,
  apiKey: number,
  version: number,
  body: object,
): Promise<Buffer> {
  return new Promise((resolve) => {
    const onData = (chunk: Buffer) => {
      for (const f of splitter.push(chunk)) {
        socket.off('data', onData);
        resolve(f);
      }
    };
    socket.on('data', onData);
    for (const b of encodeRequest({
      header: { apiKey, apiVersion: version, correlationId: 1, clientId: 'bench' },
      body,
    }))
      socket.write(b);
  });
}

const records = encodeRecordBatchSync({ records: [{ value: 'hello', timestamp: Date.now() }] });

async function roundTrip(opts: StartBrokerOptions): Promise<{ start: number; total: number; stop: number }> {
  const t0 = performance.now();
  const broker = await startBroker(opts);
  const t1 = performance.now();
  await broker.createTopic('t', { partitions: 1 });
  const socket = await new Promise<Socket>((resolve) => {
    const s = connect({ host: '127.0.0.1', port: broker.port }, () => resolve(s));
  });
  socket.setNoDelay(true);
  const splitter = new FrameSplitter({ maxFrameSize: 1 << 24 });
  await ask(socket, splitter, 0, 7, {
    transactionalId: null,
    acks: 1,
    timeoutMs: 1000,
    topicData: [{ name: 't', partitionData: [{ index: 0, records }] }],
  });
  const f = await ask(socket, splitter, 1, 11, {
    replicaId: -1,
    maxWaitMs: 0,
    minBytes: 1,
    maxBytes: 1 << 20,
    isolationLevel: 0,
    sessionId: 0,
    sessionEpoch: -1,
    topics: [
      {
        topic: 't',
        partitions: [
          {
            partition: 0,
            currentLeaderEpoch: -1,
            fetchOffset: 0n,
            logStartOffset: -1n,
            partitionMaxBytes: 1 << 20,
          },
        ],
      },
    ],
    forgottenTopicsData: [],
    rackId: '',
  });
  const hw = decodeResponse<FetchResponse>(1, 11, f).body.responses[0]!.partitions[0]!.highWatermark;
  if (hw !== 1n) throw new Error(`round trip failed: high watermark ${hw}`);
  socket.destroy();
  const t2 = performance.now();
  await broker.stop();
  const t3 = performance.now();
  return { start: t1 - t0, total: t3 - t0, stop: t3 - t2 };
}

async function startAlone(opts: StartBrokerOptions): Promise<number> {
  const t0 = performance.now();
  const broker = await startBroker(opts);
  const t = performance.now() - t0;
  await broker.stop();
  return t;
}

async function idleHeap(): Promise<number> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return Number.NaN;
  const n = 20;
  gc();
  const before = process.memoryUsage().heapUsed;
  const brokers = await Promise.all(Array.from({ length: n }, () => startBroker()));
  gc();
  const per = (process.memoryUsage().heapUsed - before) / n;
  await Promise.all(brokers.map((b) => b.stop()));
  return per;
}

for (let i = 0; i < WARMUP; i++) await roundTrip({});
console.log(`@kilgore/testing, ${RUNS} runs each after ${WARMUP} warm-up, Node ${process.version}`);
for (const [name, opts] of [
  ['disk (default)', {}],
  ['inMemory', { inMemory: true }],
] as const) {
  const alone: number[] = [];
  for (let i = 0; i < RUNS; i++) alone.push(await startAlone(opts));
  const start: number[] = [];
  const total: number[] = [];
  const stop: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const r = await roundTrip(opts);
    start.push(r.start);
    total.push(r.total);
    stop.push(r.stop);
  }
  console.log(`\n${name}`);
  console.log(`  startBroker() alone (goal: median < 20 ms):       ${stats(alone)}`);
  console.log(`  start + createTopic + produce/fetch + stop():     ${stats(total)}`);
  console.log(`  stop() after a client connection:                 ${stats(stop)}`);
}
const heap = await idleHeap();
console.log(
  `\nidle broker heap (goal < 5 MB): ${Number.isNaN(heap) ? 'run with --expose-gc' : `${(heap / 1024).toFixed(0)} KiB per broker (20 started)`}`,
);
