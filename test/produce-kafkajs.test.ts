import { CompressionTypes, Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from './support/broker.js';

let tb: TestBroker;
beforeAll(async () => {
  tb = await startTestBroker();
});
afterAll(async () => {
  await tb?.stop();
});

function kafka(): Kafka {
  return new Kafka({
    clientId: 'kilgore-test',
    brokers: [tb.bootstrap],
    logLevel: logLevel.NOTHING,
    retry: { retries: 2 },
  });
}

describe('kafkajs 2.2.4 producer', () => {
  it.each([
    ['none', CompressionTypes.None],
    ['gzip', CompressionTypes.GZIP],
  ])('produces with compression %s and reads offsets back', async (name, compression) => {
    const client = kafka();
    const admin = client.admin();
    await admin.connect();
    const topic = `kjs-${name}`;
    await admin.createTopics({ topics: [{ topic, numPartitions: 2 }] });
    const producer = client.producer();
    await producer.connect();
    const first = await producer.send({
      topic,
      compression,
      messages: Array.from({ length: 10 }, (_, i) => ({ partition: 0, key: `k${i}`, value: `v${i}` })),
    });
    expect(first).toEqual([
      expect.objectContaining({ topicName: topic, partition: 0, errorCode: 0, baseOffset: '0' }),
    ]);
    const second = await producer.send({ topic, compression, messages: [{ partition: 0, value: 'more' }] });
    expect(second[0]).toMatchObject({ baseOffset: '10' });
    // acks=0: no response is sent, and the next request on the connection still gets its own.
    await producer.send({
      topic,
      acks: 0,
      compression,
      messages: [{ partition: 1, value: 'fire and forget' }],
    });
    await producer.send({ topic, compression, messages: [{ partition: 1, value: 'acked' }] });
    const offsets = await admin.fetchTopicOffsets(topic);
    expect(offsets.sort((a, b) => a.partition - b.partition)).toEqual([
      { partition: 0, offset: '11', high: '11', low: '0' },
      { partition: 1, offset: '2', high: '2', low: '0' },
    ]);
    await producer.disconnect();
    await admin.disconnect();
  });

  it('deletes records below an offset (DeleteRecords) and reports the new low watermark', async () => {
    const client = kafka();
    const admin = client.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'kjs-trim', numPartitions: 1 }] });
    const producer = client.producer();
    await producer.connect();
    await producer.send({
      topic: 'kjs-trim',
      messages: Array.from({ length: 5 }, (_, i) => ({ value: `v${i}` })),
    });
    // kafkajs looks the leader up in metadata it already holds: fetch the topic's offsets first.
    expect((await admin.fetchTopicOffsets('kjs-trim'))[0]).toMatchObject({ high: '5', low: '0' });
    await admin.deleteTopicRecords({ topic: 'kjs-trim', partitions: [{ partition: 0, offset: '3' }] });
    expect(await admin.fetchTopicOffsets('kjs-trim')).toEqual([
      { partition: 0, offset: '5', high: '5', low: '3' },
    ]);
    await producer.disconnect();
    await admin.disconnect();
  });

  it('produces idempotently (InitProducerId, sequence numbers)', async () => {
    const client = kafka();
    const admin = client.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'kjs-idem', numPartitions: 1 }] });
    const producer = client.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    for (let i = 0; i < 5; i++) {
      const [r] = await producer.send({
        topic: 'kjs-idem',
        messages: [{ value: `m${i}a` }, { value: `m${i}b` }],
      });
      expect(r).toMatchObject({ errorCode: 0, baseOffset: String(i * 2) });
    }
    expect(await admin.fetchTopicOffsets('kjs-idem')).toEqual([
      { partition: 0, offset: '10', high: '10', low: '0' },
    ]);
    await producer.disconnect();
    await admin.disconnect();
  });
});
