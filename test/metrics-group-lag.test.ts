import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from './support/broker.js';
import { freePort } from './support/cluster.js';
import { sample, scrape } from './support/metrics.js';
import { pypiPython } from './support/pypi.js';

/**
 * Consumer group lag on /metrics (kafka_exporter's names) for a classic group (kafkajs, commits
 * everything it read) and a KIP-848 group (confluent-kafka 2.x with group.protocol=consumer,
 * commits only offsets 0-4 of each partition), before and after more records arrive.
 */

const run = promisify(execFile);

// Reads all 20 records, commits only up to offset 4 of each partition (committed offset 5).
const kip848Consumer = `
import sys, time
from confluent_kafka import Consumer
bootstrap, topic, group = sys.argv[1], sys.argv[2], sys.argv[3]
c = Consumer({'bootstrap.servers': bootstrap, 'group.id': group, 'group.protocol': 'consumer',
              'enable.auto.commit': False, 'auto.offset.reset': 'earliest'})
c.subscribe([topic])
seen = 0
end = time.time() + 30
while seen < 20 and time.time() < end:
    m = c.poll(0.2)
    if m is None or m.error():
        continue
    seen += 1
    if m.offset() < 5:
        c.commit(message=m, asynchronous=False)
c.close()
print(seen)
`;

describe('consumer group lag metrics', () => {
  let b: TestBroker;
  let url: string;
  let kafka: Kafka;

  beforeAll(async () => {
    const port = await freePort('127.0.0.1');
    url = `http://127.0.0.1:${port}/metrics`;
    b = await startTestBroker({ 'kilgore.metrics.listener': `http://127.0.0.1:${port}` });
    kafka = new Kafka({ brokers: [b.bootstrap], logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'lagged', numPartitions: 2 }], waitForLeaders: true });
    await admin.disconnect();
    await produce(10, 10);
  }, 30_000);

  afterAll(async () => {
    await b?.stop();
  });

  async function produce(toPartition0: number, toPartition1: number): Promise<void> {
    const producer = kafka.producer();
    await producer.connect();
    const messages = [
      ...Array.from({ length: toPartition0 }, (_, i) => ({ value: `a${i}`, partition: 0 })),
      ...Array.from({ length: toPartition1 }, (_, i) => ({ value: `b${i}`, partition: 1 })),
    ];
    await producer.send({ topic: 'lagged', messages });
    await producer.disconnect();
  }

  it('a classic group that committed everything has lag 0', async () => {
    const consumer = kafka.consumer({ groupId: 'classic-readers' });
    await consumer.connect();
    await consumer.subscribe({ topic: 'lagged', fromBeginning: true });
    let seen = 0;
    await new Promise<void>((resolve, reject) => {
      consumer
        .run({
          eachMessage: async () => {
            if (++seen === 20) resolve();
          },
        })
        .catch(reject);
    });
    await consumer.disconnect(); // commits what was read
    const text = await scrape(url);
    for (const partition of ['0', '1']) {
      const labels = { consumergroup: 'classic-readers', topic: 'lagged', partition };
      expect(sample(text, 'kafka_consumergroup_current_offset', labels)).toBe(10);
      expect(sample(text, 'kafka_consumergroup_lag', labels)).toBe(0);
    }
    expect(
      sample(text, 'kafka_consumergroup_lag_sum', { consumergroup: 'classic-readers', topic: 'lagged' }),
    ).toBe(0);
  }, 30_000);

  it('a KIP-848 group that committed offsets 0-4 lags by the rest', async () => {
    const { stdout } = await run(
      pypiPython(),
      ['-c', kip848Consumer, b.bootstrap, 'lagged', 'kip848-readers'],
      {
        timeout: 45_000,
      },
    );
    expect(stdout.trim()).toBe('20');
    const text = await scrape(url);
    for (const partition of ['0', '1']) {
      const labels = { consumergroup: 'kip848-readers', topic: 'lagged', partition };
      expect(sample(text, 'kafka_consumergroup_current_offset', labels)).toBe(5);
      expect(sample(text, 'kafka_consumergroup_lag', labels)).toBe(5);
    }
    expect(
      sample(text, 'kafka_consumergroup_lag_sum', { consumergroup: 'kip848-readers', topic: 'lagged' }),
    ).toBe(10);
  }, 60_000);

  it('lag grows with records produced after the commits, committed offsets stay', async () => {
    await produce(7, 0);
    const text = await scrape(url);
    const lag = (group: string, partition: string) =>
      sample(text, 'kafka_consumergroup_lag', { consumergroup: group, topic: 'lagged', partition });
    expect(lag('classic-readers', '0')).toBe(7);
    expect(lag('classic-readers', '1')).toBe(0);
    expect(lag('kip848-readers', '0')).toBe(12);
    expect(lag('kip848-readers', '1')).toBe(5);
    expect(
      sample(text, 'kafka_consumergroup_lag_sum', { consumergroup: 'kip848-readers', topic: 'lagged' }),
    ).toBe(17);
    expect(
      sample(text, 'kafka_consumergroup_current_offset', {
        consumergroup: 'classic-readers',
        topic: 'lagged',
        partition: '0',
      }),
    ).toBe(10);
  });
});
