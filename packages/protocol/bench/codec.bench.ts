/**
 * pnpm bench:codec: nanoseconds per message-body decode/encode through the generic codec, on the
 * shapes the broker handles most (the produce path, a fetch answer, a metadata answer). A few
 * seconds in all; `--quick` for a shorter pass. Each figure is the median of RUNS timed runs.
 *
 *   node --import tsx packages/protocol/bench/codec.bench.ts [--quick]
 *
 * BEFORE holds the figures of the schema-interpreting codec that the generated decoders/encoders
 * replaced, so the table reads as before/after. Absolutes move 30% between runs on the shared
 * machine; to compare for real, run the old codec beside the new one, alternating:
 *
 *   mkdir -p /tmp/old && git archive 56bc078 packages/protocol tsconfig.base.json | tar -x -C /tmp/old
 *   ln -s "$PWD/node_modules" /tmp/old/node_modules
 *   ln -s "$PWD/packages/protocol/node_modules" /tmp/old/packages/protocol/node_modules
 *   cp packages/protocol/bench/codec.bench.ts /tmp/old/packages/protocol/bench/
 *   node --import tsx /tmp/old/packages/protocol/bench/codec.bench.ts
 */
import { decodeMessage, encodeMessage } from '../src/codec/index.js';
import { FetchSchema, MetadataSchema, ProduceSchema } from '../src/messages/index.js';
import { Reader } from '../src/primitives/reader.js';
import { Writer } from '../src/primitives/writer.js';
import { encodeRecordBatchSync } from '../src/records/index.js';
import type { ApiSchema } from '../src/schema/types.js';
import { nsPerOp as measureNs } from './timing.js';

const QUICK = process.argv.includes('--quick');
const RUNS = QUICK ? 5 : 7;
const RUN_MS = QUICK ? 60 : 150;

/**
 * The interpreter's figures (ns/op): medians of three runs of this script against the tree at
 * commit 56bc078 (the last interpreting codec), alternated with runs of the generated one, Node
 * 20.20, 25 Nov 2026.
 */
const BEFORE: Record<string, number> = {
  'decode Produce v7 request': 449,
  'encode Produce v7 response': 770,
  'decode Produce v7 response': 765,
  'decode Produce v9 request': 506,
  'encode Produce v9 response': 861,
  'encode Fetch v11 response': 6576,
  'decode Fetch v11 response': 5746,
  'encode Metadata v12 response': 74028,
  'decode Metadata v12 response': 69148,
};

const timing = { runs: RUNS, runMs: RUN_MS };
const nsPerOp = (fn: () => unknown) => measureNs(fn, timing);

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
// Produce v9: the same request in the first flexible version (librdkafka's), tagged sections and all.
const produceRequestV9 = encodeBody(ProduceSchema, 'request', 9, {
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
  [
    'decode Produce v9 request',
    () => decodeMessage(ProduceSchema, 'request', 9, new Reader(produceRequestV9)),
  ],
  ['encode Produce v9 response', () => encodeBody(ProduceSchema, 'response', 9, produceResponse)],
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
