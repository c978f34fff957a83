/**
 * Transactions on one chain inside one process: three brokers on 127.0.0.1, .2 and .3, the head
 * coordinating; kafkajs commits and aborts; markers and transaction state are replicated, every
 * node's partition log ends with no open transaction, and read_committed sees only the commits.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Broker } from '@kilgore/broker';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../test/support/cluster.js';
import { startChainNode } from './chain-node.js';

const startNode = (id: number, port: number, chains: string, dir: string) =>
  startChainNode(id, port, chains, dir, { 'request.timeout.ms': '10000' });

describe('transactions on a 3-node chain', () => {
  const brokers: Broker[] = [];
  const dirs = [1, 2, 3].map((n) => fs.mkdtempSync(path.join(os.tmpdir(), `kilgore-chain-txn-${n}-`)));
  afterAll(async () => {
    for (const b of brokers) await b.stop().catch(() => {});
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  it('commits and aborts through the head; markers reach every node', async () => {
    const port = await freePort('127.0.0.1');
    const chains = `a=1@127.0.0.1:${port},2@127.0.0.2:${port},3@127.0.0.3:${port}`;
    brokers.push(...(await Promise.all([1, 2, 3].map((id) => startNode(id, port, chains, dirs[id - 1]!)))));
    await brokers[0]!.context.chain!.replicator.whenOpen();
    const kafka = new Kafka({
      clientId: 'chain-txn',
      brokers: [`127.0.0.3:${port}`],
      logLevel: logLevel.NOTHING,
    });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'ctx', numPartitions: 2 }], waitForLeaders: true });
    await admin.disconnect();

    const producer = kafka.producer({
      transactionalId: 'chain-tid',
      idempotent: true,
      maxInFlightRequests: 1,
    });
    await producer.connect();
    const ok = await producer.transaction();
    await ok.send({
      topic: 'ctx',
      messages: Array.from({ length: 10 }, (_, i) => ({ key: `k${i}`, value: `c${i}` })),
    });
    await ok.commit();
    const no = await producer.transaction();
    await no.send({
      topic: 'ctx',
      messages: Array.from({ length: 4 }, (_, i) => ({ key: `k${i}`, value: `a${i}` })),
    });
    await no.abort();
    await producer.disconnect();
    // Only the head coordinates.
    expect(brokers.map((b) => b.context.transactions.get('chain-tid')?.status)).toEqual([
      5,
      undefined,
      undefined,
    ]);

    // EndTxn is answered once the tail has the markers and the state change: every node has
    // them already, with no wait here.
    const settled = () =>
      [0, 1].every((p) => {
        const ends = brokers.map((b) => b.context.logs.get('ctx', p)!);
        return ends.every(
          (l) => l.logEndOffset === ends[0]!.logEndOffset && l.lastStableOffset === l.logEndOffset,
        );
      });
    expect(settled()).toBe(true);
    const stateEnds = brokers.map((b) => b.context.logs.get('__transaction_state', 0)?.highWatermark);
    expect(new Set(stateEnds).size).toBe(1);
    expect(stateEnds[0]).toBeGreaterThan(0);

    const consumer = kafka.consumer({ groupId: 'chain-txn-reader', maxWaitTimeInMs: 100 });
    await consumer.connect();
    await consumer.subscribe({ topic: 'ctx', fromBeginning: true });
    const got: string[] = [];
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`read ${got}`)), 20_000);
      void consumer.run({
        eachMessage: async ({ message }) => {
          got.push(message.value!.toString());
          if (got.length >= 10) {
            clearTimeout(timer);
            setTimeout(resolve, 300);
          }
        },
      });
    });
    await consumer.disconnect();
    expect(got.sort()).toEqual(Array.from({ length: 10 }, (_, i) => `c${i}`).sort());
  }, 90_000);
});
