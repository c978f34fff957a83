import { Broker, loadConfig } from '@kilgore/broker';
import {
  CompressionCodec,
  decodeResponse,
  encodeRecordBatch,
  encodeRecordBatchSync,
  encodeRequest,
  type FetchResponse,
  type ProduceResponse,
} from '@kilgore/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchBody } from '../../../test/support/request-bodies.js';
import { RawClient } from './helpers.js';
import { tempDir } from './temp-dir.js';

let broker: Broker;
let port: number;

beforeAll(async () => {
  const logDir = tempDir('kilgore-pf-');
  const { config } = loadConfig({
    flags: {
      listeners: 'PLAINTEXT://127.0.0.1:0',
      'log.dirs': logDir,
      'logger.level': 'silent',
      'num.partitions': '2',
    },
  });
  broker = await Broker.start({ config });
  port = broker.listeners[0]!.boundPort;
  broker.context.createTopic('t', 2);
});
afterAll(async () => {
  await broker?.stop();
});

function frame(apiKey: number, apiVersion: number, correlationId: number, body: object): Buffer {
  return Buffer.concat(
    encodeRequest({ header: { apiKey, apiVersion, correlationId, clientId: 'test' }, body }),
  );
}

function batch(values: string[]): Buffer {
  return encodeRecordBatchSync({ records: values.map((value) => ({ value, timestamp: 1_700_000_000_000 })) });
}

function produce(
  correlationId: number,
  partition: number,
  records: Buffer | null,
  acks = 1,
  version = 7,
): Buffer {
  return frame(0, version, correlationId, {
    transactionalId: null,
    acks,
    timeoutMs: 1000,
    topicData: [{ name: 't', partitionData: [{ index: partition, records }] }],
  });
}

function fetch(
  correlationId: number,
  partitions: { partition: number; offset: number; max?: number }[],
  opts: { maxWaitMs?: number; minBytes?: number; maxBytes?: number; version?: number } = {},
): Buffer {
  return frame(1, opts.version ?? 11, correlationId, fetchBody('t', partitions, opts));
}

const produced = (raw: Buffer) =>
  decodeResponse<ProduceResponse>(0, 7, raw).body.responses[0]!.partitionResponses[0]!;
const fetched = (raw: Buffer, v = 11) => decodeResponse<FetchResponse>(1, v, raw).body;

describe('Produce and Fetch', () => {
  it('stores the producer bytes and serves them back unchanged but for the offsets', async () => {
    const c = await RawClient.connect(port);
    const b = batch(['a', 'b', 'c']);
    c.socket.write(produce(1, 0, b));
    expect(produced((await c.read())!)).toMatchObject({ errorCode: 0, baseOffset: 0n });
    c.socket.write(produce(2, 0, batch(['d'])));
    expect(produced((await c.read())!)).toMatchObject({ errorCode: 0, baseOffset: 3n });
    c.socket.write(fetch(3, [{ partition: 0, offset: 0 }]));
    const p = fetched((await c.read())!).responses[0]!.partitions[0]!;
    expect(p).toMatchObject({ errorCode: 0, highWatermark: 4n, logStartOffset: 0n });
    const leaderEpochPatched = Buffer.from(b);
    leaderEpochPatched.writeInt32BE(0, 12); // the broker stamps its leader epoch, outside the CRC
    expect(p.records!.subarray(0, b.length)).toEqual(leaderEpochPatched);
    c.close();
  });

  it('sends nothing for acks=0 and answers the next request', async () => {
    const c = await RawClient.connect(port);
    c.socket.write(Buffer.concat([produce(1, 1, batch(['x']), 0), produce(2, 1, batch(['y']), 1)]));
    const raw = (await c.read())!;
    expect(decodeResponse(0, 7, raw).correlationId).toBe(2);
    expect(produced(raw).baseOffset).toBe(1n);
    c.close();
  });

  it('refuses Produce v0-2, bad acks, unknown partitions and empty or corrupt records', async () => {
    const c = await RawClient.connect(port);
    c.socket.write(produce(1, 0, batch(['x']), 1, 2));
    expect(
      decodeResponse<ProduceResponse>(0, 2, (await c.read())!).body.responses[0]!.partitionResponses[0]!
        .errorCode,
    ).toBe(35);
    c.socket.write(produce(2, 0, batch(['x']), 2));
    expect(produced((await c.read())!).errorCode).toBe(21);
    c.socket.write(produce(3, 9, batch(['x'])));
    expect(produced((await c.read())!).errorCode).toBe(3);
    c.socket.write(produce(4, 0, null));
    expect(produced((await c.read())!).errorCode).toBe(87);
    const corrupt = batch(['x']);
    corrupt[corrupt.length - 1] ^= 0xff;
    c.socket.write(produce(5, 0, corrupt));
    expect(produced((await c.read())!).errorCode).toBe(2);
    c.close();
  });

  it('answers OFFSET_OUT_OF_RANGE beyond the log end and unknown partitions', async () => {
    const c = await RawClient.connect(port);
    c.socket.write(
      fetch(
        1,
        [
          { partition: 0, offset: 1000 },
          { partition: 7, offset: 0 },
        ],
        { maxWaitMs: 5000 },
      ),
    );
    const parts = fetched((await c.read())!).responses[0]!.partitions;
    expect(parts.map((p) => p.errorCode)).toEqual([1, 3]);
    c.close();
  });

  it('parks a fetch until an append wakes it', async () => {
    broker.context.createTopic('wait', 1);
    const consumer = await RawClient.connect(port);
    const producer = await RawClient.connect(port);
    const body = (offset: number) =>
      frame(1, 11, 1, fetchBody('wait', [{ partition: 0, offset }], { maxWaitMs: 10_000 }));
    const started = Date.now();
    consumer.socket.write(body(0));
    await new Promise((r) => setTimeout(r, 100));
    producer.socket.write(
      frame(0, 7, 9, {
        transactionalId: null,
        acks: 1,
        timeoutMs: 1000,
        topicData: [{ name: 'wait', partitionData: [{ index: 0, records: batch(['wake']) }] }],
      }),
    );
    const res = fetched((await consumer.read())!).responses[0]!.partitions[0]!;
    expect(res.highWatermark).toBe(1n);
    expect(res.records!.length).toBeGreaterThan(0);
    // Woken by the append, not by max_wait_ms (10 s).
    expect(Date.now() - started).toBeLessThan(5000);
    consumer.close();
    producer.close();
  });

  it('returns an empty fetch after max_wait_ms when nothing arrives', async () => {
    const c = await RawClient.connect(port);
    c.socket.write(fetch(1, [{ partition: 1, offset: 2 }], { maxWaitMs: 50 }));
    const p = fetched((await c.read())!).responses[0]!.partitions[0]!;
    expect(p).toMatchObject({ errorCode: 0, highWatermark: 2n });
    expect(p.records?.length ?? 0).toBe(0);
    c.close();
  });

  it('honours partition_max_bytes but returns one whole batch to the first partition (KIP-74)', async () => {
    broker.context.createTopic('limits', 2);
    const c = await RawClient.connect(port);
    const big = batch(['x'.repeat(500)]);
    for (const [i, p] of [
      [1, 0],
      [2, 0],
      [3, 1],
    ] as const) {
      c.socket.write(
        frame(0, 7, i, {
          transactionalId: null,
          acks: 1,
          timeoutMs: 1000,
          topicData: [{ name: 'limits', partitionData: [{ index: p, records: Buffer.from(big) }] }],
        }),
      );
      await c.read();
    }
    c.socket.write(
      frame(
        1,
        11,
        9,
        fetchBody('limits', [
          { partition: 0, max: 10 },
          { partition: 1, max: 10 },
        ]),
      ),
    );
    const parts = fetched((await c.read())!).responses[0]!.partitions;
    expect(parts[0]!.records!.length).toBe(big.length); // one whole batch although over the limit
    expect(parts[1]!.records?.length ?? 0).toBe(0); // later partitions keep to the limit
    c.close();
  });

  it('serves Fetch v13+ by topic id', async () => {
    const c = await RawClient.connect(port);
    const id = broker.context.topics.get('t')!.id;
    c.socket.write(frame(1, 13, 1, fetchBody({ topicId: id }, [{ partition: 0, leaderEpoch: 0 }])));
    const body = fetched((await c.read())!, 13);
    expect(body.responses[0]!.topicId).toBe(id);
    expect(body.responses[0]!.partitions[0]!.highWatermark).toBe(4n);
    c.close();
  });

  it('answers OffsetForLeaderEpoch for the one epoch a node has', async () => {
    const c = await RawClient.connect(port);
    c.socket.write(
      frame(23, 3, 1, {
        replicaId: -1,
        topics: [
          {
            topic: 't',
            partitions: [
              { partition: 0, currentLeaderEpoch: 0, leaderEpoch: 0 },
              { partition: 0, currentLeaderEpoch: -1, leaderEpoch: 5 },
              { partition: 0, currentLeaderEpoch: 3, leaderEpoch: 0 },
            ],
          },
        ],
      }),
    );
    type Res = { topics: { partitions: { errorCode: number; leaderEpoch: number; endOffset: bigint }[] }[] };
    const parts = decodeResponse<Res>(23, 3, (await c.read())!).body.topics[0]!.partitions;
    expect(parts[0]).toMatchObject({ errorCode: 0, leaderEpoch: 0, endOffset: 4n });
    expect(parts[1]).toMatchObject({ errorCode: 0, leaderEpoch: -1, endOffset: -1n });
    expect(parts[2]?.errorCode).toBe(75);
    c.close();
  });

  it('de-duplicates an idempotent producer retry and refuses a sequence gap', async () => {
    broker.context.createTopic('idem', 1);
    const c = await RawClient.connect(port);
    c.socket.write(frame(22, 1, 1, { transactionalId: null, transactionTimeoutMs: 60000 }));
    type Init = { errorCode: number; producerId: bigint; producerEpoch: number };
    const init = decodeResponse<Init>(22, 1, (await c.read())!).body;
    expect(init).toMatchObject({ errorCode: 0, producerEpoch: 0 });
    const idem = (values: string[], baseSequence: number) =>
      encodeRecordBatchSync({
        producerId: init.producerId,
        producerEpoch: 0,
        baseSequence,
        records: values.map((value) => ({ value })),
      });
    const send = (id: number, records: Buffer) =>
      frame(0, 7, id, {
        transactionalId: null,
        acks: -1,
        timeoutMs: 1000,
        topicData: [{ name: 'idem', partitionData: [{ index: 0, records }] }],
      });
    const first = idem(['a', 'b'], 0);
    c.socket.write(send(2, Buffer.from(first)));
    expect(produced((await c.read())!)).toMatchObject({ errorCode: 0, baseOffset: 0n });
    c.socket.write(send(3, Buffer.from(first))); // the retry
    expect(produced((await c.read())!)).toMatchObject({ errorCode: 0, baseOffset: 0n });
    c.socket.write(send(4, idem(['c'], 2)));
    expect(produced((await c.read())!)).toMatchObject({ errorCode: 0, baseOffset: 2n });
    c.socket.write(send(5, idem(['e'], 9)));
    expect(produced((await c.read())!).errorCode).toBe(45);
    expect(broker.context.logs.get('idem', 0)!.logEndOffset).toBe(3);
    c.close();
  });

  it('recompresses to the topic compression.type, in order, under pipelined idempotent produces', async () => {
    broker.context.createTopic('zt', 1, new Map([['compression.type', 'zstd']]));
    const c = await RawClient.connect(port);
    c.socket.write(frame(22, 1, 1, { transactionalId: null, transactionTimeoutMs: 60000 }));
    const init = decodeResponse<{ producerId: bigint }>(22, 1, (await c.read())!).body;
    const frames = [];
    for (let i = 0; i < 5; i++) {
      const records = await encodeRecordBatch({
        producerId: init.producerId,
        producerEpoch: 0,
        baseSequence: 2 * i,
        compression: i === 2 ? CompressionCodec.zstd : CompressionCodec.none,
        records: [{ value: `a${i}` }, { value: `b${i}` }],
      });
      frames.push(
        frame(0, 7, 10 + i, {
          transactionalId: null,
          acks: -1,
          timeoutMs: 1000,
          topicData: [{ name: 'zt', partitionData: [{ index: 0, records }] }],
        }),
      );
    }
    c.socket.write(Buffer.concat(frames));
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push(produced((await c.read())!));
    expect(answers.map((a) => [a.errorCode, a.baseOffset])).toEqual(
      [0, 1, 2, 3, 4].map((i) => [0, BigInt(2 * i)]),
    );
    const stored = broker.context.logs.get('zt', 0)!.read(0, 1 << 20).records;
    let codecs = '';
    for (let pos = 0; pos < stored.length; pos += 12 + stored.readInt32BE(pos + 8)) {
      codecs += stored.readInt16BE(pos + 21) & 7;
    }
    expect(codecs).toBe('44444');
    c.close();
  });

  it('answers Produce v8+ with a record error per keyless record on a compacted topic', async () => {
    broker.context.createTopic('ct', 1, new Map([['cleanup.policy', 'compact']]));
    const c = await RawClient.connect(port);
    const records = encodeRecordBatchSync({
      records: [
        { key: 'a', value: '1' },
        { key: null, value: '2' },
        { key: 'c', value: '3' },
        { key: null, value: '4' },
      ],
    });
    c.socket.write(
      frame(0, 9, 1, {
        transactionalId: null,
        acks: 1,
        timeoutMs: 1000,
        topicData: [{ name: 'ct', partitionData: [{ index: 0, records }] }],
      }),
    );
    const res = decodeResponse<ProduceResponse>(0, 9, (await c.read())!).body.responses[0]!
      .partitionResponses[0]!;
    expect(res.errorCode).toBe(87);
    expect(res.recordErrors.map((e) => e.batchIndex)).toEqual([1, 3]);
    expect(res.recordErrors[0]!.batchIndexErrorMessage).toBe(
      'Compacted topic cannot accept message without key in topic partition ct-0.',
    );
    expect(res.errorMessage).toContain('2 record errors in total');
    expect(broker.context.logs.get('ct', 0)!.logEndOffset).toBe(0);
    // zstd in Produce before v7 is refused, as Kafka does.
    const zstd = await encodeRecordBatch({
      records: [{ key: 'k', value: 'z' }],
      compression: CompressionCodec.zstd,
    });
    c.socket.write(
      frame(0, 6, 2, {
        transactionalId: null,
        acks: 1,
        timeoutMs: 1000,
        topicData: [{ name: 'ct', partitionData: [{ index: 0, records: zstd }] }],
      }),
    );
    const old = decodeResponse<ProduceResponse>(0, 6, (await c.read())!).body.responses[0]!
      .partitionResponses[0]!;
    expect(old.errorCode).toBe(76);
    c.close();
  });
});
