import { Broker, loadConfig } from '@kilgore/broker';
import { type Consumer, Kafka, logLevel } from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from './support/temp-dir.js';

// kafkajs' transactional producer against one node: commit, abort, sendOffsets, fencing, and a
// restart in between; read_committed consumers see exactly the committed records.

const logDir = tempDir('kilgore-txn-');
let broker: Broker;
let kafka: Kafka;

async function start(): Promise<void> {
  const { config } = loadConfig({
    flags: {
      listeners: 'PLAINTEXT://127.0.0.1:0',
      'log.dirs': logDir,
      'logger.level': process.env.KILGORE_TEST_LOG ?? 'silent',
      'group.initial.rebalance.delay.ms': '0',
    },
  });
  broker = await Broker.start({ config });
  kafka = new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 3 } });
}

afterAll(async () => {
  await broker?.stop();
});

/** Every value of `topic`-0 from the start, as a consumer of the given isolation reads it. */
async function readAll(topic: string, readUncommitted: boolean, expected: number): Promise<string[]> {
  const consumer: Consumer = kafka.consumer({
    groupId: `read-${topic}-${readUncommitted}-${Date.now()}`,
    readUncommitted,
    maxWaitTimeInMs: 100,
  });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const got: string[] = [];
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`read ${got.length} of ${expected}: ${got}`)), 20_000);
    void consumer.run({
      eachMessage: async ({ message }) => {
        got.push(message.value!.toString());
        if (got.length >= expected) {
          clearTimeout(timer);
          // A little longer: anything beyond `expected` would show up as a failure below.
          setTimeout(resolve, 300);
        }
      },
    });
  });
  await consumer.disconnect();
  return got;
}

const values = (prefix: string, n: number) =>
  Array.from({ length: n }, (_, i) => ({ value: `${prefix}${i}` }));

describe('transactions with kafkajs', () => {
  it('commits and aborts; read_committed sees only committed records, read_uncommitted all', async () => {
    await start();
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'tx' }, { topic: 'tx-out' }] });
    await admin.disconnect();

    const producer = kafka.producer({ transactionalId: 'tx-a', idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const t1 = await producer.transaction();
    await t1.send({ topic: 'tx', messages: values('c', 10) });
    await t1.commit();
    const t2 = await producer.transaction();
    await t2.send({ topic: 'tx', messages: values('a', 5) });
    await t2.abort();
    const t3 = await producer.transaction();
    await t3.send({ topic: 'tx', messages: values('d', 3) });
    await t3.commit();
    await producer.disconnect();

    const log = broker.context.logs.get('tx', 0)!;
    // 18 records and 3 markers; nothing open.
    expect(log.logEndOffset).toBe(21);
    expect(log.lastStableOffset).toBe(21);
    const committed = [...values('c', 10), ...values('d', 3)].map((m) => m.value);
    expect(await readAll('tx', false, 13)).toEqual(committed);
    expect((await readAll('tx', true, 18)).sort()).toEqual(
      [...committed, ...values('a', 5).map((m) => m.value)].sort(),
    );
  });

  it('an open transaction holds the last stable offset back; read_committed waits for the commit', async () => {
    const producer = kafka.producer({ transactionalId: 'tx-open', idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const t = await producer.transaction();
    await t.send({ topic: 'tx-out', messages: values('o', 4) });
    const log = broker.context.logs.get('tx-out', 0)!;
    expect(log.highWatermark).toBe(4);
    expect(log.lastStableOffset).toBe(0);
    const admin = kafka.admin();
    await admin.connect();
    // ListOffsets latest under read_committed answers the last stable offset.
    expect((await admin.fetchTopicOffsets('tx-out'))[0]!.high).toBe('0');
    await t.commit();
    expect(log.lastStableOffset).toBe(5);
    expect((await admin.fetchTopicOffsets('tx-out'))[0]!.high).toBe('5');
    await admin.disconnect();
    await producer.disconnect();
  });

  it('sendOffsets commits consumer offsets with the transaction, and an abort leaves them', async () => {
    const producer = kafka.producer({ transactionalId: 'tx-cp', idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const ok = await producer.transaction();
    await ok.send({ topic: 'tx-out', messages: values('p', 2) });
    await ok.sendOffsets({
      consumerGroupId: 'cp-group',
      topics: [{ topic: 'tx', partitions: [{ partition: 0, offset: '7' }] }],
    });
    await ok.commit();
    const no = await producer.transaction();
    await no.sendOffsets({
      consumerGroupId: 'cp-group',
      topics: [{ topic: 'tx', partitions: [{ partition: 0, offset: '15' }] }],
    });
    await no.abort();
    await producer.disconnect();
    const admin = kafka.admin();
    await admin.connect();
    const offsets = await admin.fetchOffsets({ groupId: 'cp-group', topics: ['tx'] });
    await admin.disconnect();
    expect(offsets[0]!.partitions[0]!.offset).toBe('7');
  });

  it('a second producer with the same transactional id fences the first and aborts its transaction', async () => {
    const first = kafka.producer({
      transactionalId: 'tx-z',
      idempotent: true,
      maxInFlightRequests: 1,
      retry: { retries: 1 },
    });
    await first.connect();
    const zombie = await first.transaction();
    await zombie.send({ topic: 'tx-out', messages: values('z', 3) });
    const second = kafka.producer({ transactionalId: 'tx-z', idempotent: true, maxInFlightRequests: 1 });
    await second.connect();
    // Its first transaction starts with InitProducerId: the zombie's transaction is aborted
    // under a new epoch, and the zombie is fenced.
    const t = await second.transaction();
    const err = await zombie.commit().catch((e: unknown) => e);
    expect(String((err as Error)?.message ?? err)).toMatch(/fenced|epoch/i);
    await t.send({ topic: 'tx-out', messages: values('s', 1) });
    await t.commit();
    await second.disconnect();
    await first.disconnect().catch(() => {});
    const log = broker.context.logs.get('tx-out', 0)!;
    expect(log.lastStableOffset).toBe(log.logEndOffset);
    const seen = await readAll('tx-out', false, 7);
    expect(seen).toEqual(['o0', 'o1', 'o2', 'o3', 'p0', 'p1', 's0']);
  });

  it('keeps transactions, markers and transactional offsets across a restart', async () => {
    const producer = kafka.producer({ transactionalId: 'tx-r', idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const open = await producer.transaction();
    await open.send({ topic: 'tx', messages: values('r', 2) });
    await open.sendOffsets({
      consumerGroupId: 'r-group',
      topics: [{ topic: 'tx', partitions: [{ partition: 0, offset: '3' }] }],
    });
    await producer.disconnect().catch(() => {});
    await broker.stop();
    await start();
    const log = broker.context.logs.get('tx', 0)!;
    // The open transaction still holds the last stable offset back after the restart.
    expect(log.lastStableOffset).toBe(21);
    expect(broker.context.transactions.get('tx-r')?.status).toBe(1); // Ongoing
    // A new session of the same transactional id aborts it (InitProducerId, sent by transaction()).
    const again = kafka.producer({ transactionalId: 'tx-r', idempotent: true, maxInFlightRequests: 1 });
    await again.connect();
    await (await again.transaction()).abort();
    await again.disconnect();
    expect(log.lastStableOffset).toBe(log.logEndOffset);
    expect(await readAll('tx', false, 13)).toHaveLength(13);
    const admin = kafka.admin();
    await admin.connect();
    const offsets = await admin.fetchOffsets({ groupId: 'r-group', topics: ['tx'] });
    await admin.disconnect();
    expect(offsets[0]!.partitions[0]!.offset).toBe('-1');
  });

  it('aborts a transaction left open past transaction.timeout.ms and fences its producer', async () => {
    const producer = kafka.producer({
      transactionalId: 'tx-timeout',
      idempotent: true,
      maxInFlightRequests: 1,
      transactionTimeout: 1000,
      retry: { retries: 1 },
    });
    await producer.connect();
    const t = await producer.transaction();
    await t.send({ topic: 'tx-out', messages: values('late', 2) });
    const log = broker.context.logs.get('tx-out', 0)!;
    expect(log.lastStableOffset).toBeLessThan(log.logEndOffset);
    const deadline = Date.now() + 10_000;
    while (log.lastStableOffset < log.logEndOffset && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    // The broker aborted it: the last stable offset moved past the abort marker.
    expect(log.lastStableOffset).toBe(log.logEndOffset);
    expect(broker.context.transactions.get('tx-timeout')?.status).toBe(5); // CompleteAbort
    const err = await t.commit().catch((e: unknown) => e);
    expect(String((err as Error)?.message ?? err)).toMatch(/fenced|epoch/i);
    await producer.disconnect().catch(() => {});
  });
});
