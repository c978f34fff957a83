import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runKafkaClass } from '../support/apache-kafka.js';
import { startTestBroker, type TestBroker } from '../support/broker.js';
import { JavaDriver, type JavaLine } from '../support/java.js';

/** Kafka's kafka-transactions tool (TransactionsCommand) from the jars, against Kilgore. */
async function kafkaTransactions(...args: string[]): Promise<string> {
  const r = await runKafkaClass('org.apache.kafka.tools.TransactionsCommand', [
    '--bootstrap-server',
    tb.bootstrap,
    ...args,
  ]);
  if (r.code !== 0)
    throw new Error(`kafka-transactions ${args.join(' ')} exited ${r.code}:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

// The Java client's transactions (kafka-clients 4.1.1, Transactions.java) and Kafka's
// kafka-transactions tool against one Kilgore node: commit and abort under read_committed,
// consume-transform-produce with sendOffsetsToTransaction, zombie fencing, list/describe.

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
const broker = () => tb.broker.context;
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

  it('kafka-transactions lists and describes an open transaction and its producers', async () => {
    const { Kafka, logLevel } = await import('kafkajs');
    const kafka = new Kafka({ brokers: [tb.bootstrap], logLevel: logLevel.NOTHING });
    const producer = kafka.producer({
      transactionalId: 'tool-tid',
      idempotent: true,
      maxInFlightRequests: 1,
    });
    await producer.connect();
    const txn = await producer.transaction();
    await txn.send({ topic: 'tool-topic', messages: [{ value: 'x' }, { value: 'y' }] });
    const { producerId } = broker().transactions.get('tool-tid')!;
    const list = await kafkaTransactions('list');
    expect(list).toMatch(new RegExp(`tool-tid\\s+\\d+\\s+${producerId}\\s+Ongoing`));
    const describe = await kafkaTransactions('describe', '--transactional-id', 'tool-tid');
    expect(describe).toMatch(/Ongoing/);
    expect(describe).toContain('tool-topic-0');
    const producers = await kafkaTransactions(
      'describe-producers',
      '--topic',
      'tool-topic',
      '--partition',
      '0',
    );
    // ProducerId, epoch, coordinator epoch, last sequence, last timestamp, transaction start offset.
    expect(producers).toMatch(new RegExp(`${producerId}\\s+0\\s+-1\\s+1\\s+-1\\s+0\\s`));
    await txn.abort();
    await producer.disconnect();
    expect(await kafkaTransactions('list')).toMatch(/tool-tid\s+\d+\s+\d+\s+CompleteAbort/);
  });
});
