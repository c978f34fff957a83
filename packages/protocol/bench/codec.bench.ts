/**
 * pnpm bench:codec: nanoseconds per message-body decode/encode through the generic codec, on the
 * shapes the broker handles most (the produce path, a fetch answer, a metadata answer). A few
 * seconds in all; `--quick` for a shorter pass. Each figure is the median of RUNS timed runs.
 *
 *   node --import tsx packages/protocol/bench/codec.bench.ts [--quick]
 *
 * BEFORE holds the figures of the schema-interpreting codec (the one before the generated
 * decoders/encoders), measured with this script on the same machine, so the table reads as
 * before/after. Absolutes move 30% between runs on the shared machine: re-measure both when it
 * matters (check out the older compile.ts).
 */
import { decodeMessage, encodeMessage } from '../src/codec/index.js';
import { FetchSchema, MetadataSchema, ProduceSchema } from '../src/messages/index.js';
import { Reader } from '../src/primitives/reader.js';
import { Writer } from '../src/primitives/writer.js';
import { encodeRecordBatchSync } from '../src/records/index.js';
import type { ApiSchema } from '../src/schema/types.js';

const QUICK = process.argv.includes('--quick');
const RUNS = QUICK ? 3 : 7;
const RUN_MS = QUICK ? 40 : 150;

/** Interpreter figures (ns/op): the median of three runs of this script, Node 20.20, 25 Nov 2026. */
const BEFORE: Record<string, number> = {
  'decode Produce v7 request': 484,
  'encode Produce v7 response': 865,
  'decode Produce v7 response': 767,
  'encode Fetch v11 response': 7024,
  'decode Fetch v11 response': 6305,
  'encode Metadata v12 response': 83252,
  'decode Metadata v12 response': 76395,
};

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1]!;
}

/** ns per call: calibrate a loop count to about RUN_MS, then take the median of RUNS runs. */
function nsPerOp(fn: () => unknown): number {
  let n = 1;
  for (;;) {
    const t = performance.now();
    for (let i = 0; i < n; i++) fn();
    const ms = performance.now() - t;
    if (ms > RUN_MS / 4) {
      n = Math.max(1, Math.round((n * RUN_MS) / ms));
      break;
    }
    n *= 4;
  }
  const times: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const t = performance.now();
    for (let i = 0; i < n; i++) fn();
    times.push(((performance.now() - t) * 1e6) / n);
  }
  return median(times);
}

const encodeBody = (schema: ApiSchema, side: 'request' | 'response', version: number, body: object) => {
  const w = new Writer();
  encodeMessage(schema, side, version, body, w);
  return w.toBuffer();
};

// Produce v7: one topic, one partition, a 16 KB batch (the produce bench's request shape).
const batch = encodeRecordBatchSync({
  records: Array.from({ length: 160 }, (_, i) => ({ key: `k${i}`, value: 'v'.repeat(96), timestamp: i })),
});
const produceRequest = encodeBody(ProduceSchema, 'request', 7, {
  transactionalId: null,
  acks: -1,
  timeoutMs: 30_000,
  topicData: [{ name: 'bench', partitionData: [{ index: 0, records: batch }] }],
});
const produceResponse = {
  responses: [
    {
      name: 'bench',
      partitionResponses: [
        { index: 0, errorCode: 0, baseOffset: 123_456n, logAppendTimeMs: -1n, logStartOffset: 0n },
      ],
    },
  ],
  throttleTimeMs: 0,
};

// Fetch v11: two topics of four partitions, each with a small batch.
const fetchBatch = encodeRecordBatchSync({ records: [{ key: null, value: 'x'.repeat(200), timestamp: 1 }] });
const fetchResponse = {
  throttleTimeMs: 0,
  errorCode: 0,
  sessionId: 0,
  responses: ['orders', 'clicks'].map((topic) => ({
    topic,
    partitions: [0, 1, 2, 3].map((partitionIndex) => ({
      partitionIndex,
      errorCode: 0,
      highWatermark: 1000n,
      lastStableOffset: 1000n,
      logStartOffset: 0n,
      abortedTransactions: null,
      preferredReadReplica: -1,
      records: fetchBatch,
    })),
  })),
};

// Metadata v12 (flexible, librdkafka's version): 3 brokers, 50 topics of 3 partitions.
const metadataResponse = {
  throttleTimeMs: 0,
  brokers: [1, 2, 3].map((nodeId) => ({ nodeId, host: `broker-${nodeId}.local`, port: 9092, rack: null })),
  clusterId: 'kilgore-bench-cluster',
  controllerId: 1,
  topics: Array.from({ length: 50 }, (_, t) => ({
    errorCode: 0,
    name: `topic-${t}`,
    topicId: 'a7M2kQ9xTfWl3bNcYp0uRg',
    isInternal: false,
    partitions: [0, 1, 2].map((partitionIndex) => ({
      errorCode: 0,
      partitionIndex,
      leaderId: (partitionIndex % 3) + 1,
      leaderEpoch: 0,
      replicaNodes: [1, 2, 3],
      isrNodes: [1, 2, 3],
      offlineReplicas: [],
    })),
    topicAuthorizedOperations: -2147483648,
  })),
};

const produceResponseBytes = encodeBody(ProduceSchema, 'response', 7, produceResponse);
const fetchResponseBytes = encodeBody(FetchSchema, 'response', 11, fetchResponse);
const metadataResponseBytes = encodeBody(MetadataSchema, 'response', 12, metadataResponse);

const cases: [string, () => unknown][] = [
  ['decode Produce v7 request', () => decodeMessage(ProduceSchema, 'request', 7, new Reader(produceRequest))],
  ['encode Produce v7 response', () => encodeBody(ProduceSchema, 'response', 7, produceResponse)],
  [
    'decode Produce v7 response',
    () => decodeMessage(ProduceSchema, 'response', 7, new Reader(produceResponseBytes)),
  ],
  ['encode Fetch v11 response', () => encodeBody(FetchSchema, 'response', 11, fetchResponse)],
  [
    'decode Fetch v11 response',
    () => decodeMessage(FetchSchema, 'response', 11, new Reader(fetchResponseBytes)),
  ],
  ['encode Metadata v12 response', () => encodeBody(MetadataSchema, 'response', 12, metadataResponse)],
  [
    'decode Metadata v12 response',
    () => decodeMessage(MetadataSchema, 'response', 12, new Reader(metadataResponseBytes)),
  ],
];

console.log(`# Kilgore codec bench (node ${process.version}, ns per op, median of ${RUNS} runs)\n`);
console.log('| operation | before (interpreter) | now | speed-up |');
console.log('| --- | --- | --- | --- |');
for (const [name, fn] of cases) {
  const ns = nsPerOp(fn);
  const before = BEFORE[name];
  const cells = before
    ? [before.toFixed(0), ns.toFixed(0), `${(before / ns).toFixed(2)}x`]
    : ['', ns.toFixed(0), ''];
  console.log(`| ${name} | ${cells.join(' | ')} |`);
}
