/**
 * Replication factors on one 3-node chain inside one process (brokers on 127.0.0.1, .2 and .3):
 * a topic of factor R lives on the head and the next R-1 members, Metadata says so, acks=all
 * waits for those R only, and an R = 1 topic's high watermark moves with each append.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Broker, loadConfig } from '@kilgore/broker';
import { Kafka, logLevel } from 'kafkajs';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

const brokers: Broker[] = [];
const dirs = [1, 2, 3].map((n) => fs.mkdtempSync(path.join(os.tmpdir(), `kilgore-chain-rf-${n}-`)));
let kafka: Kafka;

beforeAll(async () => {
  const port = await freePort();
  const chains = `a=1@127.0.0.1:${port},2@127.0.0.2:${port},3@127.0.0.3:${port}`;
  const started = await Promise.all(
    [1, 2, 3].map((id) => {
      const { config } = loadConfig({
        flags: {
          'node.id': String(id),
          listeners: `PLAINTEXT://127.0.0.${id}:${port}`,
          'log.dirs': dirs[id - 1]!,
          'kilgore.chains': chains,
          'request.timeout.ms': '10000',
        },
      });
      return Broker.start({ config, log: pino({ level: process.env.CHAIN_TEST_LOG ?? 'silent' }) });
    }),
  );
  brokers.push(...started);
  await brokers[0]!.context.chain!.replicator.whenOpen();
  kafka = new Kafka({ clientId: 'chain-rf', brokers: [`127.0.0.2:${port}`], logLevel: logLevel.NOTHING });
});

afterAll(async () => {
  for (const b of brokers) await b.stop().catch(() => {});
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

/** Which nodes have a log for the partition. */
const holders = (topic: string, partition = 0) =>
  brokers.flatMap((b, i) => (b.context.logs.get(topic, partition) ? [i + 1] : []));

async function waitFor(what: string, check: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('replication factors on a 3-node chain', () => {
  it('places R = 1, 2, 3 and the default on the head and the next R-1 members, as Metadata says', async () => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      await admin.createTopics({
        topics: [
          { topic: 'rf1', numPartitions: 2, replicationFactor: 1 },
          { topic: 'rf2', numPartitions: 2, replicationFactor: 2 },
          { topic: 'rf3', numPartitions: 2, replicationFactor: 3 },
          { topic: 'rf-default', numPartitions: 2 },
        ],
      });
      const md = await admin.fetchTopicMetadata({ topics: ['rf1', 'rf2', 'rf3', 'rf-default'] });
      const replicas = Object.fromEntries(
        md.topics.map((t) => [t.name, t.partitions.map((p) => [p.leader, p.replicas, p.isr])]),
      );
      expect(replicas).toEqual({
        rf1: [
          [1, [1], [1]],
          [1, [1], [1]],
        ],
        rf2: [
          [1, [1, 2], [1, 2]],
          [1, [1, 2], [1, 2]],
        ],
        rf3: [
          [1, [1, 2, 3], [1, 2, 3]],
          [1, [1, 2, 3], [1, 2, 3]],
        ],
        'rf-default': [
          [1, [1, 2, 3], [1, 2, 3]],
          [1, [1, 2, 3], [1, 2, 3]],
        ],
      });
      await waitFor('every node to know the topics', () => brokers.every((b) => b.context.topics.get('rf2')));
      expect(holders('rf1')).toEqual([1]);
      expect(holders('rf2')).toEqual([1, 2]);
      expect(holders('rf3')).toEqual([1, 2, 3]);
      // Every node reports the same replicas.
      for (const b of brokers) expect(b.context.chain!.placement('rf2', 1).replicas).toEqual([1, 2]);
    } finally {
      await admin.disconnect();
    }
  });

  it('refuses a factor above the chain length, and 0, with INVALID_REPLICATION_FACTOR', async () => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      for (const replicationFactor of [4, 0]) {
        const err = await admin
          .createTopics({ topics: [{ topic: `rf-bad-${replicationFactor}`, replicationFactor }] })
          .then(() => undefined)
          .catch((e: { errors?: Array<{ type: string; message?: string }> }) => e);
        expect(err?.errors?.[0]?.type, `replication factor ${replicationFactor}`).toBe(
          'INVALID_REPLICATION_FACTOR',
        );
      }
      expect(brokers[0]!.context.topics.get('rf-bad-4')).toBeUndefined();
    } finally {
      await admin.disconnect();
    }
  });

  it('an R = 1 topic answers ListOffsets latest = the records right after an acks=1 produce', async () => {
    const producer = kafka.producer();
    const admin = kafka.admin();
    await Promise.all([producer.connect(), admin.connect()]);
    try {
      for (let i = 1; i <= 5; i++) {
        await producer.send({ topic: 'rf1', acks: 1, messages: [{ value: `v${i}` }] });
        const offsets = await admin.fetchTopicOffsets('rf1');
        const p0 = offsets.find((o) => o.partition === 0)!;
        const p1 = offsets.find((o) => o.partition === 1)!;
        expect(Number(p0.high) + Number(p1.high), `after ${i} acks=1 sends`).toBe(i);
      }
    } finally {
      await Promise.all([producer.disconnect(), admin.disconnect()]);
    }
  });

  it('acks=all on R = 2 is answered once the second member has it; the third has no copy', async () => {
    const producer = kafka.producer();
    await producer.connect();
    try {
      await producer.send({
        topic: 'rf2',
        acks: -1,
        messages: Array.from({ length: 20 }, (_, i) => ({ partition: 0, value: `r${i}` })),
      });
      expect(brokers[1]!.context.logs.get('rf2', 0)!.logEndOffset).toBe(20);
      expect(brokers[0]!.context.logs.get('rf2', 0)!.highWatermark).toBe(20);
      expect(brokers[2]!.context.logs.get('rf2', 0)).toBeUndefined();
    } finally {
      await producer.disconnect();
    }
  });

  it('min.insync.replicas counts the topic’s replicas, not the chain', async () => {
    const admin = kafka.admin();
    const producer = kafka.producer({ retry: { retries: 0 } });
    await Promise.all([producer.connect(), admin.connect()]);
    try {
      await admin.createTopics({
        topics: [
          {
            topic: 'rf2-min3',
            replicationFactor: 2,
            configEntries: [{ name: 'min.insync.replicas', value: '3' }],
          },
        ],
      });
      const err = await producer
        .send({ topic: 'rf2-min3', acks: -1, messages: [{ value: 'x' }] })
        .then(() => undefined)
        .catch((e: { type?: string; cause?: { type?: string } }) => e);
      expect(err?.type ?? err?.cause?.type).toBe('NOT_ENOUGH_REPLICAS');
      await producer.send({ topic: 'rf2-min3', acks: 1, messages: [{ value: 'y' }] });
    } finally {
      await Promise.all([producer.disconnect(), admin.disconnect()]);
    }
  });

  it('takes a replica assignment that matches the placement and refuses one that does not', async () => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      await admin.createTopics({
        topics: [
          {
            topic: 'rf-assigned',
            replicaAssignment: [
              { partition: 0, replicas: [1, 2] },
              { partition: 1, replicas: [1, 2] },
            ],
          },
        ],
      });
      expect(brokers[0]!.context.topics.get('rf-assigned')?.replicationFactor).toBe(2);
      const err = await admin
        .createTopics({
          topics: [{ topic: 'rf-misassigned', replicaAssignment: [{ partition: 0, replicas: [2, 1] }] }],
        })
        .then(() => undefined)
        .catch((e: { errors?: Array<{ type: string }> }) => e);
      expect(err?.errors?.[0]?.type).toBe('INVALID_REPLICA_ASSIGNMENT');
    } finally {
      await admin.disconnect();
    }
  });

  it('grows and shrinks a partition’s replicas with AlterPartitionReassignments, listed until caught up', async () => {
    const admin = kafka.admin();
    const producer = kafka.producer();
    await Promise.all([admin.connect(), producer.connect()]);
    try {
      await admin.createTopics({ topics: [{ topic: 'rf-grow', numPartitions: 1, replicationFactor: 1 }] });
      await producer.send({
        topic: 'rf-grow',
        acks: 1,
        messages: Array.from({ length: 300 }, (_, i) => ({ value: `g${i}`.padEnd(2000, '.') })),
      });
      await admin.alterPartitionReassignments({
        topics: [{ topic: 'rf-grow', partitionAssignment: [{ partition: 0, replicas: [1, 2, 3] }] }],
      });
      // Listed, with the replicas being added, until the new replicas hold the log (the head checks
      // every 250 ms, so it is still listed right after the request).
      // (kafkajs decodes what its types call topic and partitionIndex as name and partition.)
      type Listed = {
        name: string;
        partitions: Array<{ partition: number; replicas: number[]; addingReplicas: number[] }>;
      };
      const during = (await admin.listPartitionReassignments({})).topics as unknown as Listed[];
      expect(
        during.flatMap((t) => t.partitions.map((p) => [t.name, p.partition, p.replicas, p.addingReplicas])),
      ).toEqual([['rf-grow', 0, [1, 2, 3], [2, 3]]]);
      await waitFor(
        'the reassignment to finish',
        () =>
          [1, 2].every((i) => brokers[i]!.context.logs.get('rf-grow', 0)?.logEndOffset === 300) &&
          brokers.every((b) => b.context.topics.get('rf-grow')?.reassigning === undefined),
        20_000,
      );
      const after = await admin.listPartitionReassignments({});
      expect(after.topics.flatMap((t) => t.partitions)).toEqual([]);
      const md = await admin.fetchTopicMetadata({ topics: ['rf-grow'] });
      expect(md.topics[0]!.partitions[0]!.replicas).toEqual([1, 2, 3]);
      // acks=all now waits for all three.
      await producer.send({ topic: 'rf-grow', acks: -1, messages: [{ value: 'after' }] });
      expect(brokers[2]!.context.logs.get('rf-grow', 0)!.logEndOffset).toBe(301);

      // Shrinking is done at once; a set that is not a prefix of the chain, and a cancel with
      // nothing in progress, are refused.
      await admin.alterPartitionReassignments({
        topics: [{ topic: 'rf-grow', partitionAssignment: [{ partition: 0, replicas: [1] }] }],
      });
      await waitFor('every node to take the smaller set', () =>
        brokers.every((b) => b.context.chain!.placement('rf-grow', 0).replicas.length === 1),
      );
      // The replicas left out delete their files.
      await waitFor('nodes 2 and 3 to delete their copies', () =>
        [1, 2].every((i) => brokers[i]!.context.logs.get('rf-grow', 0) === undefined),
      );
      expect(brokers[0]!.context.logs.get('rf-grow', 0)?.logEndOffset).toBe(301);
      const offsets = await admin.fetchTopicOffsets('rf-grow');
      await producer.send({ topic: 'rf-grow', acks: 1, messages: [{ value: 'head only' }] });
      expect(Number((await admin.fetchTopicOffsets('rf-grow'))[0]!.high)).toBe(Number(offsets[0]!.high) + 1);
      const refused = await admin
        .alterPartitionReassignments({
          topics: [{ topic: 'rf-grow', partitionAssignment: [{ partition: 0, replicas: [2, 1] }] }],
        })
        .then(() => undefined)
        .catch((e: { errors?: Array<{ type?: string }> }) => e);
      expect(refused?.errors?.[0]?.type).toBe('INVALID_REPLICA_ASSIGNMENT');
    } finally {
      await Promise.all([admin.disconnect(), producer.disconnect()]);
    }
  });
});
