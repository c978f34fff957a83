/**
 * Idempotent producers across a head change: the new head rebuilds producer sequence state from
 * the tail of its log, so a retry of a batch the old head wrote is answered as a duplicate (its
 * original offset, no second copy) and an out-of-order sequence is still refused.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Broker } from '@kilgore/broker';
import {
  decodeResponse,
  ErrorCode,
  encodeRecordBatchSync,
  encodeRequest,
  FrameSplitter,
  type ProduceResponse,
} from '@kilgore/protocol';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../test/support/cluster.js';
import { startChainNode } from './chain-node.js';

/** One Produce v7 (acks=all) over a fresh connection; resolves the partition's answer. */
async function produce(host: string, port: number, records: Buffer) {
  const socket = net.connect({ host, port });
  await new Promise((r) => socket.once('connect', r));
  const splitter = new FrameSplitter({ maxFrameSize: 1 << 20 });
  const frame = new Promise<Buffer>((resolve) =>
    socket.on('data', (d: Buffer) => {
      const f = splitter.push(d)[0];
      if (f) resolve(f);
    }),
  );
  for (const c of encodeRequest({
    header: { apiKey: 0, apiVersion: 7, correlationId: 7, clientId: 'idem' },
    body: {
      transactionalId: null,
      acks: -1,
      timeoutMs: 10_000,
      topicData: [{ name: 'idem', partitionData: [{ index: 0, records }] }],
    },
  }))
    socket.write(c);
  const res = decodeResponse<ProduceResponse>(0, 7, await frame);
  socket.destroy();
  return res.body.responses[0]!.partitionResponses[0]!;
}

const batch = (seq: number, count: number) =>
  encodeRecordBatchSync({
    producerId: 4242n,
    producerEpoch: 0,
    baseSequence: seq,
    records: Array.from({ length: count }, (_, i) => ({ value: `s${seq + i}` })),
  });

describe('idempotent producers on a chain', () => {
  const dirs = [1, 2].map((n) => fs.mkdtempSync(path.join(os.tmpdir(), `kilgore-chain-idem-${n}-`)));
  const brokers: Broker[] = [];
  afterAll(async () => {
    for (const b of brokers) await b.stop().catch(() => {});
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  it('recognise a retry of a batch written before the head changed', async () => {
    const port = await freePort('127.0.0.1');
    const start = (id: number, chains: string) => startChainNode(id, port, chains, dirs[id - 1]!);
    const first = `a=1@127.0.0.1:${port},2@127.0.0.2:${port}`;
    brokers.push(...(await Promise.all([start(1, first), start(2, first)])));
    await brokers[0]!.context.chain!.replicator.whenOpen();
    brokers[0]!.context.createTopic('idem', 1);
    await new Promise((r) => setTimeout(r, 300));
    const a = await produce('127.0.0.1', port, batch(0, 3));
    const b = await produce('127.0.0.1', port, batch(3, 2));
    expect([a.errorCode, a.baseOffset, b.errorCode, b.baseOffset]).toEqual([0, 0n, 0, 3n]);

    // Node 2 becomes the head (node 1 leaves the chain).
    brokers[1]!.context.chain!.setMembership({
      chains: [{ name: 'a', members: [{ nodeId: 2, host: '127.0.0.2', port }] }],
    });
    await brokers[1]!.context.chain!.replicator.whenOpen();
    // The producer retries its last batch at the new head: a duplicate, answered with its offset.
    const retry = await produce('127.0.0.2', port, batch(3, 2));
    expect([retry.errorCode, retry.baseOffset]).toEqual([ErrorCode.NONE, 3n]);
    expect(brokers[1]!.context.logs.get('idem', 0)!.logEndOffset).toBe(5);
    // A gap in the sequence is still refused, the next one accepted.
    expect((await produce('127.0.0.2', port, batch(9, 1))).errorCode).toBe(
      ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
    );
    const next = await produce('127.0.0.2', port, batch(5, 1));
    expect([next.errorCode, next.baseOffset]).toEqual([ErrorCode.NONE, 5n]);
  }, 30_000);
});
