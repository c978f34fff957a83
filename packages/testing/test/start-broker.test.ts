import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiKey, startBroker } from '@kilgore/testing';
import { Kafka, logLevel } from 'kafkajs';
import { describe, expect, it } from 'vitest';

const kafka = (brokers: string[]) =>
  new Kafka({ clientId: 'start-test', brokers, logLevel: logLevel.NOTHING, retry: { retries: 3 } });

describe('startBroker', () => {
  it('listens on 127.0.0.1 and a free port, with a temp dir removed on stop', async () => {
    const broker = await startBroker();
    expect(broker.bootstrapServers).toEqual([`127.0.0.1:${broker.port}`]);
    expect(broker.brokers).toEqual(broker.bootstrapServers);
    expect(broker.port).toBeGreaterThan(0);
    expect(existsSync(broker.dir)).toBe(true);
    await broker.stop();
    await broker.stop(); // idempotent
    expect(existsSync(broker.dir)).toBe(false);
  });

  it('disposes with await using', async () => {
    let dir: string;
    {
      await using broker = await startBroker();
      dir = broker.dir;
      expect(existsSync(dir)).toBe(true);
    }
    expect(existsSync(dir)).toBe(false);
  });

  it('createTopic resolves with every partition writable and readable at once', async () => {
    await using broker = await startBroker();
    await broker.createTopic('ready', { partitions: 4 });
    const producer = kafka(broker.brokers).producer();
    await producer.connect();
    // No retries allowed: the very first produce to each partition must succeed.
    const sent = await producer.send({
      topic: 'ready',
      messages: [0, 1, 2, 3].map((partition) => ({ partition, value: `p${partition}` })),
    });
    expect(sent.every((r) => r.errorCode === 0)).toBe(true);
    await producer.disconnect();
  });

  it('auto-creates topics on first use and records requests', async () => {
    await using broker = await startBroker();
    const producer = kafka(broker.brokers).producer({ allowAutoTopicCreation: true });
    await producer.connect();
    await producer.send({ topic: 'auto', messages: [{ value: 'x' }] });
    await producer.disconnect();
    const produce = broker.requests.filter((r) => r.apiKey === ApiKey.Produce);
    expect(produce).toEqual([
      expect.objectContaining({
        apiName: 'Produce',
        clientId: 'start-test',
        topics: [{ name: 'auto', partitions: [0] }],
      }),
    ]);
    expect(broker.requests.some((r) => r.apiName === 'Metadata')).toBe(true);
  });

  it('creates topics with configs through the broker, which validates them', async () => {
    await using broker = await startBroker();
    await broker.createTopic('compacted', { partitions: 2, configs: { 'cleanup.policy': 'compact' } });
    const admin = kafka(broker.brokers).admin();
    await admin.connect();
    const res = await admin.describeConfigs({
      resources: [{ type: 2, name: 'compacted', configNames: ['cleanup.policy'] }],
      includeSynonyms: false,
    });
    expect(res.resources[0]!.configEntries[0]).toMatchObject({ configValue: 'compact' });
    await admin.disconnect();
    await expect(broker.createTopic('bad', { configs: { 'cleanup.policy': 'sometimes' } })).rejects.toThrow(
      /error 40/,
    );
    await broker.deleteTopic('compacted');
    expect(broker.broker.context.topics.get('compacted')).toBeUndefined();
  });

  it.each([
    ['on disk', false],
    ['in memory', true],
  ])('restart() keeps the port and the data (%s)', async (_name, inMemory) => {
    await using broker = await startBroker({ inMemory });
    const before = broker.port;
    await broker.createTopic('kept', { partitions: 1 });
    const client = kafka(broker.brokers);
    const producer = client.producer();
    await producer.connect();
    await producer.send({ topic: 'kept', messages: [{ value: 'a' }, { value: 'b' }] });
    await producer.disconnect();
    await broker.restart();
    expect(broker.port).toBe(before);
    const admin = client.admin();
    await admin.connect();
    expect(await admin.fetchTopicOffsets('kept')).toEqual([
      { partition: 0, offset: '2', high: '2', low: '0' },
    ]);
    await admin.disconnect();
  });

  it('keeps a given dir on stop, and a new broker on it finds the data', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kilgore-testing-keep-'));
    try {
      const first = await startBroker({ dir });
      await first.createTopic('durable', { partitions: 1 });
      const producer = kafka(first.brokers).producer();
      await producer.connect();
      await producer.send({ topic: 'durable', messages: [{ value: 'v' }] });
      await producer.disconnect();
      await first.stop();
      expect(existsSync(dir)).toBe(true);
      await using second = await startBroker({ dir });
      const admin = kafka(second.brokers).admin();
      await admin.connect();
      expect(await admin.fetchTopicOffsets('durable')).toEqual([
        { partition: 0, offset: '1', high: '1', low: '0' },
      ]);
      await admin.disconnect();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
