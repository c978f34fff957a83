/**
 * Chain replication end to end inside one process: three brokers on 127.0.0.1, .2 and .3 (same
 * port), one chain, kafkajs producing with acks=all and consuming through a group; afterwards
 * every node holds byte-identical partition logs.
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

/** Every file of every partition dir except the index files (preallocated, size may differ). */
function partitionFiles(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const d of fs.readdirSync(dir, { withFileTypes: true })) {
    if (!d.isDirectory() || !/-\d+$/.test(d.name)) continue;
    for (const f of fs.readdirSync(path.join(dir, d.name))) {
      if (f.endsWith('.log') || f === 'leader-epoch-checkpoint') {
        out.set(`${d.name}/${f}`, fs.readFileSync(path.join(dir, d.name, f)));
      }
    }
  }
  return out;
}

describe('a 3-node chain in one process', () => {
  const brokers: Broker[] = [];
  const dirs = [1, 2, 3].map((n) => fs.mkdtempSync(path.join(os.tmpdir(), `kilgore-chain-${n}-`)));
  afterAll(async () => {
    for (const b of brokers) await b.stop().catch(() => {});
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  it('replicates acks=all writes to every node and serves them to a consumer group', async () => {
    const port = await freePort('127.0.0.1');
    const chains = `a=1@127.0.0.1:${port},2@127.0.0.2:${port},3@127.0.0.3:${port}`;
    brokers.push(...(await Promise.all([1, 2, 3].map((id) => startNode(id, port, chains, dirs[id - 1]!)))));
    const head = brokers[0]!.context.chain!.replicator;
    await head.whenOpen();
    // Formatted together, the three log dirs got one cluster id.
    expect(new Set(brokers.map((b) => b.context.clusterId)).size).toBe(1);

    const kafka = new Kafka({
      clientId: 'chain-smoke',
      // Bootstrap through the tail: Metadata from any node names the head as leader.
      brokers: [`127.0.0.3:${port}`],
      logLevel: logLevel.NOTHING,
    });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      topics: [
        { topic: 'smoke', numPartitions: 3 },
        // Broker-side compression: the head recompresses, and forwards what it stored.
        { topic: 'smoke-gz', numPartitions: 1, configEntries: [{ name: 'compression.type', value: 'gzip' }] },
      ],
      waitForLeaders: true,
    });
    const meta = await admin.fetchTopicMetadata({ topics: ['smoke'] });
    for (const p of meta.topics[0]!.partitions) {
      expect(p.leader).toBe(1);
      expect(p.replicas).toEqual([1, 2, 3]);
      expect(p.isr).toEqual([1, 2, 3]);
    }
    await admin.disconnect();

    const producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    const sent = new Set<string>();
    for (let round = 0; round < 20; round++) {
      const messages = Array.from({ length: 25 }, (_, i) => {
        const value = `m-${round}-${i}`;
        sent.add(value);
        return { key: `k${i % 7}`, value };
      });
      await producer.send({ topic: 'smoke', acks: -1, messages });
    }
    for (let round = 0; round < 5; round++) {
      await producer.send({ topic: 'smoke-gz', acks: -1, messages: [{ key: 'k', value: `gz-${round}` }] });
    }
    await producer.disconnect();

    // Acknowledged means on every node: each one's logs end where the head's do.
    for (let p = 0; p < 3; p++) {
      const ends = brokers.map((b) => b.context.logs.get('smoke', p)!.logEndOffset);
      expect(new Set(ends).size).toBe(1);
      expect(brokers[0]!.context.logs.get('smoke', p)!.highWatermark).toBe(ends[0]);
    }

    const consumer = kafka.consumer({ groupId: 'smoke-group' });
    await consumer.connect();
    await consumer.subscribe({ topic: 'smoke', fromBeginning: true });
    const got = new Set<string>();
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`consumed ${got.size} of ${sent.size}`)), 30_000);
      void consumer.run({
        eachMessage: async ({ message }) => {
          got.add(message.value!.toString());
          if (got.size === sent.size) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
    await consumer.disconnect();
    expect(got).toEqual(sent);

    // The group's offsets are replicated too (commits go through the chain).
    for (const b of brokers)
      expect(b.context.logs.get('__consumer_offsets', 0)?.logEndOffset ?? 0).toBeGreaterThan(0);

    for (const b of brokers) await b.stop();
    const [first, ...rest] = dirs.map(partitionFiles);
    expect([...first!.keys()].filter((k) => k.startsWith('smoke-')).length).toBeGreaterThanOrEqual(6);
    const gz = first!.get('smoke-gz-0/00000000000000000000.log')!;
    expect(gz.length).toBeGreaterThan(0);
    for (let pos = 0; pos < gz.length; pos += 12 + gz.readInt32BE(pos + 8))
      expect(gz.readInt16BE(pos + 21) & 7).toBe(1);
    for (const other of rest) {
      expect([...other.keys()].sort()).toEqual([...first!.keys()].sort());
      for (const [name, bytes] of first!) expect(other.get(name)!.equals(bytes), name).toBe(true);
    }
  }, 90_000);
});
