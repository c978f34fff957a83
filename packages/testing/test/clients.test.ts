import { ApiKey, startBroker, type TestBroker } from '@kilgore/testing';
import { Producer, stringSerializers } from '@platformatic/kafka';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runKcat } from './kcat.js';

// Consuming here is kcat -C (no group), so each client's records are checked by another client;
// group consumers are in groups.test.ts.
let broker: TestBroker;
beforeAll(async () => {
  broker = await startBroker();
});
afterAll(async () => {
  await broker?.stop();
});

const consumeAll = (topic: string, format = '%p:%k=%s\n') =>
  runKcat([
    '-b',
    broker.bootstrapServers[0]!,
    '-C',
    '-t',
    topic,
    '-o',
    'beginning',
    '-e',
    '-q',
    '-f',
    format,
  ]);

// Each test starts kcat (a process) beside kafkajs; a loaded 2-core machine needs more than 5 s.
describe('real clients against startBroker()', { timeout: 30_000 }, () => {
  it('kafkajs produces; its admin sees the offsets; kcat reads the records', async () => {
    await broker.createTopic('kjs', { partitions: 2 });
    const kafka = new Kafka({ clientId: 'kjs', brokers: broker.brokers, logLevel: logLevel.NOTHING });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic: 'kjs',
      messages: [
        { partition: 0, key: 'a', value: '1' },
        { partition: 1, key: 'b', value: '2' },
        { partition: 1, key: 'c', value: '3' },
      ],
    });
    await producer.disconnect();
    const admin = kafka.admin();
    await admin.connect();
    const offsets = (await admin.fetchTopicOffsets('kjs')).sort((x, y) => x.partition - y.partition);
    await admin.disconnect();
    expect(offsets.map((o) => o.high)).toEqual(['1', '2']);
    expect((await consumeAll('kjs')).split('\n').filter(Boolean).sort()).toEqual(['0:a=1', '1:b=2', '1:c=3']);
  });

  it('@platformatic/kafka produces (flexible versions); kcat reads it back', async () => {
    await broker.createTopic('plt', { partitions: 1 });
    const producer = new Producer({
      clientId: 'plt',
      bootstrapBrokers: broker.bootstrapServers,
      serializers: stringSerializers,
      retries: 1,
    });
    try {
      const res = await producer.send({
        messages: [
          { topic: 'plt', key: 'k1', value: 'v1', partition: 0 },
          { topic: 'plt', key: 'k2', value: 'v2', partition: 0 },
        ],
      });
      expect(res.offsets?.[0]).toMatchObject({ topic: 'plt', partition: 0 });
    } finally {
      await producer.close();
    }
    expect(await consumeAll('plt')).toBe('0:k1=v1\n0:k2=v2\n');
    expect(broker.requests.some((r) => r.clientId === 'plt' && r.apiKey === ApiKey.Produce)).toBe(true);
  });

  it('kcat (librdkafka) produces and consumes', async () => {
    await runKcat(['-b', broker.bootstrapServers[0]!, '-P', '-t', 'rdk', '-K', ':'], 'x:1\ny:2\nz:3\n');
    expect(await consumeAll('rdk')).toBe('0:x=1\n0:y=2\n0:z=3\n');
    const produce = broker.requests.filter((r) => r.apiKey === ApiKey.Produce && r.topics[0]?.name === 'rdk');
    expect(produce.length).toBeGreaterThan(0);
  });
});
