import { type Admin, type ITopicConfig, Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from './support/broker.js';

let tb: TestBroker;
beforeAll(async () => {
  tb = await startTestBroker({ 'num.partitions': '2' });
});
afterAll(async () => {
  await tb?.stop();
});

/** The Kafka error type kafkajs reports for one failed topic creation. */
async function creationError(admin: Admin, topic: ITopicConfig): Promise<string | undefined> {
  try {
    await admin.createTopics({ topics: [topic] });
  } catch (err) {
    return (err as { errors?: { type?: string }[] }).errors?.[0]?.type;
  }
  return undefined;
}

function client(): Kafka {
  return new Kafka({
    clientId: 'kilgore-test',
    brokers: [tb.bootstrap],
    logLevel: logLevel.NOTHING,
    retry: { retries: 2 },
  });
}

describe('kafkajs 2.2.4 admin', () => {
  it('connects and describes the cluster', async () => {
    const admin = client().admin();
    await admin.connect();
    const cluster = await admin.describeCluster();
    expect(cluster.brokers).toEqual([
      { nodeId: 1, host: '127.0.0.1', port: Number(tb.bootstrap.split(':')[1]) },
    ]);
    expect(cluster.controller).toBe(1);
    expect(cluster.clusterId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    await admin.disconnect();
  });

  it('creates, lists, describes and deletes topics', async () => {
    const admin = client().admin();
    await admin.connect();
    expect(
      await admin.createTopics({ topics: [{ topic: 'alpha', numPartitions: 3 }, { topic: 'beta' }] }),
    ).toBe(true);
    // Creating again reports "already exists" as false, not an error.
    expect(await admin.createTopics({ topics: [{ topic: 'alpha' }] })).toBe(false);
    expect((await admin.listTopics()).sort()).toEqual(['alpha', 'beta']);
    const meta = await admin.fetchTopicMetadata({ topics: ['alpha', 'beta'] });
    const alpha = meta.topics.find((t) => t.name === 'alpha')!;
    expect(alpha.partitions.map((p) => p.partitionId).sort()).toEqual([0, 1, 2]);
    expect(alpha.partitions[0]).toMatchObject({ leader: 1, replicas: [1], isr: [1] });
    expect(meta.topics.find((t) => t.name === 'beta')!.partitions).toHaveLength(2);
    await admin.createPartitions({ topicPartitions: [{ topic: 'beta', count: 4 }] });
    expect((await admin.fetchTopicMetadata({ topics: ['beta'] })).topics[0]?.partitions).toHaveLength(4);
    await admin.deleteTopics({ topics: ['beta'] });
    expect(await admin.listTopics()).toEqual(['alpha']);
    expect(await creationError(admin, { topic: 'bad name!' })).toBe('INVALID_TOPIC_EXCEPTION');
    expect(await creationError(admin, { topic: 'rf3', replicationFactor: 3 })).toBe(
      'INVALID_REPLICATION_FACTOR',
    );
    await admin.disconnect();
  });

  it('does not auto-create for admin metadata (kafkajs admin sends allowAutoTopicCreation=false)', async () => {
    const admin = client().admin();
    await admin.connect();
    await expect(admin.fetchTopicMetadata({ topics: ['not-there'] })).rejects.toMatchObject({
      type: 'UNKNOWN_TOPIC_OR_PARTITION',
    });
    expect(await admin.listTopics()).not.toContain('not-there');
    await admin.disconnect();
  });
});
