import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../support/broker.js';
import { JavaDriver, type JavaLine } from '../support/java.js';

// The Java client's transactions (kafka-clients 4.1.1, Transactions.java) against one Kilgore
// node: commit and abort under read_committed, consume-transform-produce with
// sendOffsetsToTransaction, and zombie fencing. One broker and one JVM.

let tb: TestBroker;
let java: JavaDriver;
beforeAll(async () => {
  java = JavaDriver.start('Transactions');
  tb = await startTestBroker({ 'group.initial.rebalance.delay.ms': '0' });
});
afterAll(async () => {
  await java?.stop();
  await tb?.stop();
});

const seq = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);
const find = (lines: JavaLine[], key: string) => lines.find((l) => key in l)!;

describe('Java client transactions', () => {
  it('commits and aborts: read_committed sees the committed records, read_uncommitted all', async () => {
    const lines = await java.run('commit-abort', tb.bootstrap, 'jtx', 'j-tid');
    const committed = [...seq('c', 10), ...seq('d', 3)];
    expect(lines.find((l) => l.isolation === 'read_committed')!.values).toEqual(committed);
    expect(lines.find((l) => l.isolation === 'read_uncommitted')!.values).toEqual([
      ...seq('c', 10),
      ...seq('a', 5),
      ...seq('d', 3),
    ]);
  });

  it('consume-transform-produce commits output and consumed offsets together', async () => {
    const { Kafka, logLevel } = await import('kafkajs');
    const kafka = new Kafka({ brokers: [tb.bootstrap], logLevel: logLevel.NOTHING });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: 'ctp-in', messages: seq('w', 40).map((value) => ({ key: 'k', value })) });
    await producer.disconnect();
    const lines = await java.run('ctp', tb.bootstrap, 'ctp-in', 'ctp-out', 'ctp-group', 'ctp-tid', 40);
    expect(find(lines, 'processed').processed).toBe(40);
    expect(find(lines, 'output').output).toEqual(seq('W', 40));
    const admin = kafka.admin();
    await admin.connect();
    const offsets = await admin.fetchOffsets({ groupId: 'ctp-group', topics: ['ctp-in'] });
    await admin.disconnect();
    expect(offsets[0]!.partitions[0]!.offset).toBe('40');
  });

  it('a second producer with the same transactional.id fences the zombie; its records never show', async () => {
    const lines = await java.run('fencing', tb.bootstrap, 'jfence', 'fence-tid');
    expect(find(lines, 'zombieCommit').zombieCommit).toBe('ProducerFencedException');
    expect(find(lines, 'values').values).toEqual(['successor']);
  });
});
