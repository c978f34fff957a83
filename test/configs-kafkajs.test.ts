import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Broker, loadConfig, StorageLogStore } from '@kilgore/broker';
import { ConfigResourceTypes, Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const logDir = mkdtempSync(join(tmpdir(), 'kilgore-configs-'));
let broker: Broker;

async function start(): Promise<Broker> {
  const { config } = loadConfig({
    flags: {
      listeners: 'PLAINTEXT://127.0.0.1:0',
      'log.dirs': logDir,
      'logger.level': 'silent',
      'log.retention.ms': '3600000',
    },
  });
  return Broker.start({ config });
}

function admin() {
  return new Kafka({
    brokers: [broker.bootstrap],
    logLevel: logLevel.NOTHING,
    retry: { retries: 0 },
  }).admin();
}

/** The storage settings the partition logs of `topic` run with. */
function storageConfig(topic: string) {
  const logs = broker.context.logs;
  if (!(logs instanceof StorageLogStore)) throw new Error('expected logs on disk');
  return logs.manager.get(topic, 0)!.config;
}

async function describeTopic(topic: string, names?: string[]) {
  const a = admin();
  await a.connect();
  try {
    const out = await a.describeConfigs({
      resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, ...(names ? { configNames: names } : {}) }],
      includeSynonyms: true,
    });
    return out.resources[0]!;
  } finally {
    await a.disconnect();
  }
}

beforeAll(async () => {
  broker = await start();
});
afterAll(async () => {
  await broker?.stop();
  rmSync(logDir, { recursive: true, force: true });
});

describe('kafkajs 2.2.4 topic configs', () => {
  it('creates a topic with configEntries, applies them to storage and describes them', async () => {
    const a = admin();
    await a.connect();
    await a.createTopics({
      topics: [
        {
          topic: 'cfg-a',
          numPartitions: 1,
          configEntries: [
            { name: 'retention.ms', value: '120000' },
            { name: 'cleanup.policy', value: 'compact' },
            { name: 'segment.bytes', value: '1048576' },
          ],
        },
      ],
    });
    await a.disconnect();
    expect(storageConfig('cfg-a')).toMatchObject({
      retentionMs: 120000,
      cleanupPolicy: ['compact'],
      segmentBytes: 1048576,
    });
    const r = await describeTopic('cfg-a');
    expect(r.errorCode).toBe(0);
    const byName = new Map(r.configEntries.map((e) => [e.configName, e]));
    expect(byName.get('retention.ms')).toMatchObject({
      configValue: '120000',
      isDefault: false,
      configSource: 1,
    });
    expect(byName.get('cleanup.policy')?.configValue).toBe('compact');
    // Set neither on the topic nor on the broker: Kafka's default (DEFAULT_CONFIG).
    expect(byName.get('max.message.bytes')).toMatchObject({ configValue: '1048588', configSource: 5 });
    const ret = byName.get('retention.ms')!;
    expect(ret.configSynonyms.map((s) => [s.configName, s.configSource])).toEqual([
      ['retention.ms', 1],
      ['log.retention.ms', 4],
      ['log.retention.ms', 5],
    ]);
  });

  it('refuses an unknown config name or a bad value with INVALID_CONFIG, and creates nothing', async () => {
    const a = admin();
    await a.connect();
    for (const entry of [
      { name: 'retention.nonsense', value: '1' },
      { name: 'segment.ms', value: 'soon' },
      { name: 'cleanup.policy', value: 'shred' },
    ]) {
      const err = await a.createTopics({ topics: [{ topic: 'cfg-bad', configEntries: [entry] }] }).then(
        () => undefined,
        (e: { errors?: { type?: string }[] }) => e.errors?.[0]?.type,
      );
      expect(err, entry.name).toBe('INVALID_CONFIG');
    }
    await a.disconnect();
    expect(broker.context.topics.get('cfg-bad')).toBeUndefined();
  });

  it('alterConfigs replaces the whole set, applied live and persisted across a restart', async () => {
    const a = admin();
    await a.connect();
    await a.alterConfigs({
      validateOnly: false,
      resources: [
        {
          type: ConfigResourceTypes.TOPIC,
          name: 'cfg-a',
          configEntries: [{ name: 'retention.bytes', value: '5000000' }],
        },
      ],
    });
    // validate_only changes nothing.
    await a.alterConfigs({
      validateOnly: true,
      resources: [
        {
          type: ConfigResourceTypes.TOPIC,
          name: 'cfg-a',
          configEntries: [{ name: 'retention.ms', value: '1' }],
        },
      ],
    });
    await a.disconnect();
    // retention.ms and cleanup.policy were not named: back to the broker's settings.
    expect(storageConfig('cfg-a')).toMatchObject({
      retentionBytes: 5000000,
      retentionMs: 3600000,
      cleanupPolicy: ['delete'],
    });
    expect(readFileSync(join(logDir, 'kilgore-topic-configs', 'cfg-a.properties'), 'utf8')).toContain(
      'retention.bytes=5000000',
    );

    await broker.stop();
    broker = await start();
    expect(storageConfig('cfg-a').retentionBytes).toBe(5000000);
    const r = await describeTopic('cfg-a', ['retention.bytes', 'retention.ms']);
    expect(r.configEntries.map((e) => [e.configName, e.configValue, e.configSource])).toEqual([
      ['retention.bytes', '5000000', 1],
      ['retention.ms', '3600000', 4],
    ]);
  });

  it('describes the broker, refuses to alter it, and reports unknown topics', async () => {
    const a = admin();
    await a.connect();
    const out = await a.describeConfigs({
      resources: [
        { type: ConfigResourceTypes.BROKER, name: '1', configNames: ['log.retention.ms', 'num.partitions'] },
      ],
      includeSynonyms: false,
    });
    expect(out.resources[0]!.configEntries.map((e) => [e.configName, e.configValue, e.readOnly])).toEqual([
      ['num.partitions', '1', true],
      ['log.retention.ms', '3600000', true],
    ]);
    const alter = await a
      .alterConfigs({
        validateOnly: false,
        resources: [
          {
            type: ConfigResourceTypes.BROKER,
            name: '1',
            configEntries: [{ name: 'num.partitions', value: '3' }],
          },
        ],
      })
      .then(
        () => 'ok',
        (e: { type?: string }) => e.type,
      );
    expect(alter).toBe('INVALID_REQUEST');
    const missing = await a
      .describeConfigs({
        resources: [{ type: ConfigResourceTypes.TOPIC, name: 'nope' }],
        includeSynonyms: false,
      })
      .then(
        () => 'ok',
        (e: { type?: string }) => e.type,
      );
    expect(missing).toBe('UNKNOWN_TOPIC_OR_PARTITION');
    await a.disconnect();
  });
});
