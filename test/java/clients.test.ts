import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../support/broker.js';
import { JavaDriver, one } from '../support/java.js';

// Apache Kafka's Java client (kafka-clients 4.1.1) against Kilgore: one broker and one JVM
// (test/clients/java/src/Clients.java) for the whole file, one scenario per test.

let tb: TestBroker;
let java: JavaDriver;
beforeAll(async () => {
  java = JavaDriver.start('Clients');
  tb = await startTestBroker({ 'group.initial.rebalance.delay.ms': '0' });
});
afterAll(async () => {
  await java?.stop();
  await tb?.stop();
});

const codecIds: Record<string, number> = { none: 0, gzip: 1, snappy: 2, lz4: 3, zstd: 4 };

describe('Java producer (4.x defaults: idempotent, acks=all)', () => {
  for (const codec of ['none', 'gzip', 'snappy', 'lz4', 'zstd']) {
    it(`${codec}: keys, headers, max.in.flight=5; every record comes back exactly, in order`, async () => {
      const out = one(
        await java.run('produce', tb.bootstrap, `java-produce-${codec}`, codec, 3000),
        'produce',
      );
      expect(out).toMatchObject({
        sent: 3000,
        received: 3000,
        mismatches: 0,
        firstMismatch: null,
        outOfOrder: 0,
      });
      const perPartition = Object.values(out.partitions as Record<string, number>);
      expect(perPartition).toHaveLength(3);
      expect(perPartition.reduce((a, b) => a + b, 0)).toBe(3000);
      // Idempotence is on by default: the first batch on disk carries a producer id and sequence 0.
      const log = readFileSync(join(tb.logDir, `java-produce-${codec}-0`, '00000000000000000000.log'));
      expect(log.readBigInt64BE(43)).toBeGreaterThanOrEqual(0n); // producerId
      expect(log.readInt32BE(53)).toBe(0); // baseSequence
      expect(log.readInt16BE(21) & 0x07).toBe(codecIds[codec]); // attributes: the codec as sent
    });
  }

  it('1 MB batches and 900 kB records, uncompressed and lz4', async () => {
    for (const codec of ['none', 'lz4']) {
      const out = one(await java.run('large', tb.bootstrap, `java-large-${codec}`, codec), 'large');
      expect(out).toMatchObject({ sent: 8003, received: 8003, mismatches: 0, outOfOrder: 0 });
    }
  });
});

describe('Java consumer', () => {
  it('two consumers in a classic group rebalance, commit sync and async, and a third resumes', async () => {
    const lines = await java.run('group', tb.bootstrap, 'java-group', 'java-group-g');
    expect(one(lines, 'alone')).toMatchObject({ assigned: [0, 1, 2, 3] });
    const split = one(lines, 'rebalanced');
    expect((split.a as number[]).length).toBeGreaterThan(0);
    expect((split.b as number[]).length).toBeGreaterThan(0);
    expect(split.union).toBe(4);
    const consumed = one(lines, 'consumed');
    expect(consumed).toMatchObject({ distinct: 400, duplicates: 0, asyncError: null });
    expect(consumed.revocations).toBeGreaterThan(0);
    expect(consumed.asyncCommits).toBeGreaterThan(0);
    expect(consumed.asyncCommits).toBe(consumed.asyncIssued); // every commitAsync called back, without error
    expect(consumed.b).toBeGreaterThan(0);
    expect(one(lines, 'committed').offsets).toEqual({ 0: 100, 1: 100, 2: 100, 3: 100 });
    expect(one(lines, 'resumed')).toEqual({
      step: 'resumed',
      count: 40,
      firstOffsets: { 0: 100, 1: 100, 2: 100, 3: 100 },
      oldValues: 0,
    });
  });

  it('assign + seek, offsetsForTimes, seekToEnd and seekToBeginning', async () => {
    const lines = await java.run('seek', tb.bootstrap, 'java-seek');
    expect(one(lines, 'bounds')).toMatchObject({ beginning: 0, end: 100 });
    expect(one(lines, 'seek')).toMatchObject({ offset: 42, value: 'r42', timestamp: 42_000 });
    expect(one(lines, 'offsetsForTimes')).toMatchObject({
      offset: 70,
      timestamp: 70_000,
      exactOffset: 30,
      afterEnd: null,
    });
    expect(one(lines, 'seekToEnd')).toMatchObject({
      end: 100,
      beginning: 0,
      tailOffset: 100,
      tailValue: 'tail',
    });
    // auto.offset.reset=earliest after OFFSET_OUT_OF_RANGE: the log start (10 after deleteRecords).
    expect(one(lines, 'outOfRange')).toMatchObject({ pastEnd: 10, belowStart: 10, beginning: 10 });
  });
});

describe('Java client edges', () => {
  it('too-large records, acks=0/1/all, read_committed, pause/resume, commit metadata, Admin by topic id', async () => {
    const lines = await java.run('edges', tb.bootstrap, 'java-edges');
    expect(one(lines, 'produceEdges')).toEqual({
      step: 'produceEdges',
      tooLarge: 'RecordTooLargeException',
      lastOffsets: { 0: -1, 1: 19, all: 29 },
    });
    expect(one(lines, 'consumeEdges')).toEqual({
      step: 'consumeEdges',
      values: 30,
      first: '1:0-0',
      pausedDelivered: false,
      committed: 30,
      metadata: 'kilgore-meta',
      position: 30,
      topics: true,
    });
    expect(one(lines, 'adminById')).toEqual({
      step: 'adminById',
      name: 'java-edges',
      partitions: 2,
      unknownId: 'UnknownTopicIdException',
      deleted: true,
    });
  });
});

describe('Java consumer, cooperative-sticky', () => {
  it('pattern subscription over an auto-created topic, incremental rebalance, then the group Admin calls', async () => {
    const lines = await java.run('cooperative', tb.bootstrap, 'java-coop');
    const coop = one(lines, 'cooperative');
    expect(coop).toMatchObject({ consumed: 60, alone: [0] });
    // One partition of the auto-created topic (num.partitions=1) and two of the second: A keeps
    // what it had where it can (sticky), B gets the rest.
    expect([...(coop.a as string[]), ...(coop.b as string[])].sort()).toEqual([
      'java-coop-more/0',
      'java-coop-more/1',
      'java-coop/0',
    ]);
    expect((coop.a as string[]).length).toBeGreaterThan(0);
    expect((coop.b as string[]).length).toBeGreaterThan(0);
    expect(coop.a).toContain('java-coop/0');
    expect(coop.revokedByA).not.toContain(0);
    expect(one(lines, 'groupAdmin')).toEqual({
      step: 'groupAdmin',
      listed: ['java-coop-g:Classic:consumer'],
      altered: 7,
      offsetDeleted: true,
      groupDeleted: true,
    });
  });
});

describe('Java Admin client', () => {
  it('topics, cluster, partitions, configs, offsets, deleteRecords, groups, deleteTopics', async () => {
    const lines = await java.run('admin', tb.bootstrap, 'java-admin');
    const port = Number(tb.bootstrap.split(':')[1]);
    expect(one(lines, 'createTopics').duplicate).toBe('TopicExistsException');
    expect(one(lines, 'listTopics')).toMatchObject({ hasA: true, hasB: true });
    const described = one(lines, 'describeTopics');
    expect(described).toMatchObject({ name: 'java-admin-a', internal: false, hasTopicId: true });
    expect(described.partitions).toEqual(
      [0, 1, 2].map((partition) => ({ partition, leader: 1, replicas: 1, isr: 1 })),
    );
    expect(one(lines, 'describeCluster')).toMatchObject({
      nodes: 1,
      nodeId: 1,
      host: '127.0.0.1',
      port,
      controller: 1,
    });
    expect(one(lines, 'describeCluster').clusterId).toEqual(expect.any(String));
    expect(one(lines, 'createPartitions')).toMatchObject({
      partitions: 5,
      shrink: 'InvalidPartitionsException',
    });
    const configs = one(lines, 'configs');
    expect(configs.before).toEqual({
      'retention.ms': '3600000 (DYNAMIC_TOPIC_CONFIG)',
      'cleanup.policy': 'delete (DEFAULT_CONFIG)',
    });
    expect(configs.after).toEqual({
      'retention.ms': '604800000 (DEFAULT_CONFIG)',
      'cleanup.policy': 'compact (DYNAMIC_TOPIC_CONFIG)',
      'max.message.bytes': '2000000 (DYNAMIC_TOPIC_CONFIG)',
    });
    expect(configs.unknown).toBe('InvalidConfigurationException');
    expect(configs.brokerEntries).toBeGreaterThan(10);
    expect(configs.broker).toMatchObject({ 'num.partitions': '1 (DEFAULT_CONFIG)' });
    expect(one(lines, 'listOffsets')).toEqual({
      step: 'listOffsets',
      earliest: 0,
      latest: 10,
      maxTimestampOffset: 9,
      maxTimestamp: 1_000_000_000_090,
      forTimestamp: 4,
    });
    expect(one(lines, 'deleteRecords')).toEqual({
      step: 'deleteRecords',
      lowWatermark: 4,
      earliest: 4,
      beyondEnd: 'OffsetOutOfRangeException',
    });
    const groups = one(lines, 'groups');
    expect(groups).toMatchObject({
      consumed: 6,
      listed: true,
      listedState: 'Stable',
      state: 'Stable',
      protocol: 'range',
      type: 'Classic',
      coordinator: 1,
      offsets: { 'java-admin-b/0': 10 },
    });
    expect(groups.members).toEqual([
      {
        clientId: 'kilgore-java-test',
        host: expect.stringContaining('127.0.0.1'),
        assigned: [0],
        memberIdSet: true,
      },
    ]);
    expect(one(lines, 'deleteTopics')).toEqual({
      step: 'deleteTopics',
      hasA: false,
      hasB: false,
      describeDeleted: 'UnknownTopicOrPartitionException',
    });
  });
});
