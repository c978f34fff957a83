import { ApiKey, ErrorCode, startBroker, type TestBroker } from '@kilgore/testing';
import { Consumer, Producer, stringDeserializers, stringSerializers } from '@platformatic/kafka';
import { Kafka, logLevel } from 'kafkajs';
import { afterEach, describe, expect, it } from 'vitest';

let broker: TestBroker;
afterEach(async () => {
  await broker?.stop();
});

const kafka = () =>
  new Kafka({
    clientId: 'groups-test',
    brokers: broker.brokers,
    logLevel: logLevel.NOTHING,
    retry: { retries: 5 },
  });

/** Runs a kafkajs group consumer until it has `count` values, then disconnects it. */
async function consumeWithKafkajs(
  topic: string,
  groupId: string,
  count: number,
  onStart?: () => Promise<void>,
) {
  const consumer = kafka().consumer({ groupId, sessionTimeout: 6000, heartbeatInterval: 500 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const values: string[] = [];
  let done!: () => void;
  const all = new Promise<void>((r) => {
    done = r;
  });
  await consumer.run({
    eachMessage: async ({ message }) => {
      values.push(message.value!.toString());
      if (values.length === count) done();
    },
  });
  await onStart?.();
  await all;
  await consumer.disconnect();
  return values;
}

describe('consumer groups against startBroker()', { timeout: 30_000 }, () => {
  it('kafkajs produces and a kafkajs group consumer reads everything, then commits', async () => {
    broker = await startBroker();
    await broker.createTopic('g', { partitions: 2 });
    const producer = kafka().producer();
    await producer.connect();
    await producer.send({
      topic: 'g',
      messages: ['a', 'b', 'c', 'd'].map((value, i) => ({ partition: i % 2, value })),
    });
    await producer.disconnect();
    const values = await consumeWithKafkajs('g', 'grp', 4);
    expect(values.sort()).toEqual(['a', 'b', 'c', 'd']);
    expect(broker.requests.some((r) => r.apiKey === ApiKey.JoinGroup)).toBe(true);
    expect(broker.requests.some((r) => r.apiKey === ApiKey.OffsetCommit)).toBe(true);
  });

  it('a dropped Fetch connection: the kafkajs consumer resumes without loss or duplicates', async () => {
    broker = await startBroker();
    await broker.createTopic('gd', { partitions: 1 });
    const producer = kafka().producer();
    await producer.connect();
    await producer.send({ topic: 'gd', messages: ['1', '2', '3'].map((value) => ({ value })) });
    // The first Fetch that names the topic is served, then its connection is closed: the answer is lost.
    const drop = broker.intercept({ apiKey: ApiKey.Fetch, topic: 'gd' }, { drop: 'after' });
    const values = await consumeWithKafkajs('gd', 'grp-drop', 6, async () => {
      await drop.done;
      await producer.send({ topic: 'gd', messages: ['4', '5', '6'].map((value) => ({ value })) });
    });
    await producer.disconnect();
    expect(values).toEqual(['1', '2', '3', '4', '5', '6']);
    expect(drop.hits).toHaveLength(1);
  });

  it('@platformatic/kafka produces and consumes in a group', async () => {
    broker = await startBroker();
    await broker.createTopic('pg', { partitions: 1 });
    const producer = new Producer({
      clientId: 'plt-p',
      bootstrapBrokers: broker.bootstrapServers,
      serializers: stringSerializers,
    });
    await producer.send({ messages: ['x', 'y', 'z'].map((value) => ({ topic: 'pg', value, partition: 0 })) });
    await producer.close();
    const consumer = new Consumer({
      clientId: 'plt-c',
      groupId: 'plt-group',
      bootstrapBrokers: broker.bootstrapServers,
      deserializers: stringDeserializers,
      maxWaitTime: 200,
    });
    try {
      const stream = await consumer.consume({ topics: ['pg'], mode: 'earliest' });
      const values: string[] = [];
      for await (const message of stream) {
        values.push(message.value);
        if (values.length === 3) break;
      }
      expect(values).toEqual(['x', 'y', 'z']);
    } finally {
      await consumer.close(true);
    }
  });

  it('one COORDINATOR_LOAD_IN_PROGRESS on JoinGroup: kafkajs retries the join and consumes', async () => {
    broker = await startBroker();
    await broker.createTopic('gj', { partitions: 1 });
    const producer = kafka().producer();
    await producer.connect();
    await producer.send({ topic: 'gj', messages: [{ value: 'after-retry' }] });
    await producer.disconnect();
    const fault = broker.intercept(
      { apiKey: ApiKey.JoinGroup },
      { error: ErrorCode.COORDINATOR_LOAD_IN_PROGRESS },
    );
    expect(await consumeWithKafkajs('gj', 'grp-join', 1)).toEqual(['after-retry']);
    expect(fault.hits).toHaveLength(1);
  });
});
