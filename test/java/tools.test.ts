import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../support/broker.js';
import { JavaDriver } from '../support/java.js';
import { CONSUMER_GROUPS, kafkaTools, TOOLS, table } from '../support/kafka-tools.js';
import { tempDir } from '../support/temp-dir.js';

// Apache Kafka 4.1.1's command-line tools against Kilgore. Each kafka-*.sh script runs one main
// class; Tools.java runs those classes one after another in a single JVM, with Exit.exit caught
// and stdout/stderr captured per tool, so the file pays one JVM start. Tests share the topic
// cli-t and run in order.

const topics = `${TOOLS}TopicCommand`; // kafka-topics.sh
const consoleProducer = `${TOOLS}ConsoleProducer`; // kafka-console-producer.sh
const consoleConsumer = `${TOOLS}consumer.ConsoleConsumer`; // kafka-console-consumer.sh
const consumerGroups = CONSUMER_GROUPS; // kafka-consumer-groups.sh
const configs = 'kafka.admin.ConfigCommand'; // kafka-configs.sh (kafka_2.13)
const getOffsets = `${TOOLS}GetOffsetShell`; // kafka-get-offsets.sh
const deleteRecords = `${TOOLS}DeleteRecordsCommand`; // kafka-delete-records.sh
const apiVersions = `${TOOLS}BrokerApiVersionsCommand`; // kafka-broker-api-versions.sh

let tb: TestBroker;
let java: JavaDriver;
let dir: string;
beforeAll(async () => {
  java = JavaDriver.start('Tools');
  tb = await startTestBroker({ 'group.initial.rebalance.delay.ms': '0' });
  dir = tempDir('kilgore-java-tools-');
});
afterAll(async () => {
  await java?.stop();
  await tb?.stop();
});

const { tool, ok } = kafkaTools(
  () => java,
  () => tb.bootstrap,
);

function byPartition(rows: Record<string, string>[], column: string): Record<string, string> {
  return Object.fromEntries(rows.map((r) => [r.PARTITION!, r[column]!]));
}

describe('Kafka CLI tools against Kilgore', () => {
  it('kafka-topics: create, list, describe, alter, and a duplicate create fails', async () => {
    const created = await ok(topics, [
      '--create',
      '--topic',
      'cli-t',
      '--partitions',
      '3',
      '--replication-factor',
      '1',
      '--config',
      'retention.ms=100000',
    ]);
    expect(created.trim()).toBe('Created topic cli-t.');
    expect((await ok(topics, ['--list'])).split('\n')).toContain('cli-t');

    const described = (await ok(topics, ['--describe', '--topic', 'cli-t'])).trim().split('\n');
    expect(described[0]).toMatch(
      /^Topic: cli-t\tTopicId: [\w-]{22}\tPartitionCount: 3\tReplicationFactor: 1\tConfigs: retention.ms=100000$/,
    );
    expect(described.slice(1).map((l) => l.trim().split('\t').slice(0, 5))).toEqual(
      [0, 1, 2].map((p) => ['Topic: cli-t', `Partition: ${p}`, 'Leader: 1', 'Replicas: 1', 'Isr: 1']),
    );

    await ok(topics, ['--alter', '--topic', 'cli-t', '--partitions', '4']);
    expect(await ok(topics, ['--describe', '--topic', 'cli-t'])).toContain('PartitionCount: 4');

    const again = await tool(topics, ['--create', '--topic', 'cli-t', '--partitions', '1']);
    expect(again.exit).toBe(1);
    expect(again.stderr).toContain("Topic 'cli-t' already exists.");
  });

  it('kafka-console-producer then kafka-console-consumer in a group: keys, values, order per partition', async () => {
    const input = Array.from({ length: 6 }, (_, i) => `k${i + 1}:v${i + 1}`);
    await ok(
      consoleProducer,
      ['--topic', 'cli-t', '--property', 'parse.key=true', '--property', 'key.separator=:'],
      `${input.join('\n')}\n`,
    );
    const run = await tool(consoleConsumer, [
      '--topic',
      'cli-t',
      '--group',
      'cli-g',
      '--from-beginning',
      '--max-messages',
      '6',
      '--property',
      'print.key=true',
      '--property',
      'print.partition=true',
    ]);
    expect(run.exit).toBe(0);
    expect(run.stderr).toContain('Processed a total of 6 messages');
    const lines = run.stdout.trim().split('\n');
    const rows = lines.map((l) => l.split('\t'));
    expect(rows.map(([, k, v]) => `${k}:${v}`).sort()).toEqual(input);
    // Within a partition the records come in the order they were produced.
    for (const p of new Set(rows.map(([p]) => p))) {
      const values = rows.filter(([q]) => q === p).map(([, , v]) => Number(v!.slice(1)));
      expect(values).toEqual([...values].sort((a, b) => a - b));
    }
    // Same key, same partition: k1 twice lands where k1 went first.
    await ok(consoleProducer, ['--topic', 'cli-t', '--property', 'parse.key=true'], 'k1\tagain\nk2\tagain\n');
  });

  it('kafka-consumer-groups: list, describe with lag, reset-offsets dry run and execute', async () => {
    expect((await ok(consumerGroups, ['--list'])).split('\n')).toContain('cli-g');
    const offsets = async () =>
      table(await ok(consumerGroups, ['--describe', '--group', 'cli-g'])).filter((r) => r.GROUP === 'cli-g');
    const before = await offsets();
    expect(before.map((r) => r.PARTITION).sort()).toEqual(['0', '1', '2', '3']);
    const sum = (rows: Record<string, string>[], c: string) => rows.reduce((a, r) => a + Number(r[c]), 0);
    expect(sum(before, 'CURRENT-OFFSET')).toBe(6);
    expect(sum(before, 'LOG-END-OFFSET')).toBe(8);
    expect(sum(before, 'LAG')).toBe(2); // the two records produced after the consumer stopped
    for (const r of before)
      expect(Number(r.LAG)).toBe(Number(r['LOG-END-OFFSET']) - Number(r['CURRENT-OFFSET']));

    const state = table(await ok(consumerGroups, ['--describe', '--group', 'cli-g', '--state']));
    expect(state[0]).toMatchObject({ GROUP: 'cli-g', STATE: 'Empty', '#MEMBERS': '0' });

    const reset = ['--reset-offsets', '--group', 'cli-g', '--topic', 'cli-t', '--to-earliest'];
    const dry = table(await ok(consumerGroups, [...reset, '--dry-run']));
    expect(Object.values(byPartition(dry, 'NEW-OFFSET'))).toEqual(['0', '0', '0', '0']);
    expect(sum(await offsets(), 'CURRENT-OFFSET')).toBe(6); // a dry run changes nothing

    await ok(consumerGroups, [...reset, '--execute']);
    const after = await offsets();
    expect(sum(after, 'CURRENT-OFFSET')).toBe(0);
    expect(sum(after, 'LAG')).toBe(8);

    const one = table(
      await ok(consumerGroups, [
        '--reset-offsets',
        '--group',
        'cli-g',
        '--topic',
        'cli-t:0',
        '--to-latest',
        '--execute',
      ]),
    );
    const end0 = before.find((r) => r.PARTITION === '0')!['LOG-END-OFFSET'];
    expect(byPartition(one, 'NEW-OFFSET')).toEqual({ 0: end0 });
    expect(byPartition(await offsets(), 'CURRENT-OFFSET')).toEqual({ 0: end0, 1: '0', 2: '0', 3: '0' });
  });

  it('kafka-configs: alter, describe, delete a topic config; describe the broker', async () => {
    const entity = ['--entity-type', 'topics', '--entity-name', 'cli-t'];
    expect(
      await ok(configs, [...entity, '--alter', '--add-config', 'retention.ms=200000,cleanup.policy=compact']),
    ).toContain('Completed updating config for topic cli-t.');
    const described = await ok(configs, [...entity, '--describe']);
    expect(described).toContain('Dynamic configs for topic cli-t are:');
    expect(described).toContain(
      'cleanup.policy=compact sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:cleanup.policy=compact, DEFAULT_CONFIG:log.cleanup.policy=delete}',
    );
    expect(described).toContain(
      'retention.ms=200000 sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:retention.ms=200000',
    );

    await ok(configs, [...entity, '--alter', '--delete-config', 'retention.ms']);
    const left = await ok(configs, [...entity, '--describe']);
    expect(left).not.toContain('retention.ms=');
    expect(left).toContain('cleanup.policy=compact');

    const broker = await ok(configs, [
      '--entity-type',
      'brokers',
      '--entity-name',
      '1',
      '--describe',
      '--all',
    ]);
    expect(broker).toContain('All configs for broker 1 are:');
    expect(broker).toContain('num.partitions=1 sensitive=false synonyms={DEFAULT_CONFIG:num.partitions=1}');
    expect(broker).toContain(
      'group.initial.rebalance.delay.ms=0 sensitive=false synonyms={STATIC_BROKER_CONFIG:',
    );
  });

  it('kafka-get-offsets and kafka-delete-records', async () => {
    const parse = (text: string) =>
      Object.fromEntries(
        text
          .trim()
          .split('\n')
          .map((l) => l.split(':'))
          .map(([t, p, o]) => [`${t}:${p}`, Number(o)]),
      );
    const latest = parse(await ok(getOffsets, ['--topic', 'cli-t']));
    expect(Object.keys(latest).sort()).toEqual(['cli-t:0', 'cli-t:1', 'cli-t:2', 'cli-t:3']);
    expect(Object.values(latest).reduce((a, b) => a + b, 0)).toBe(8);
    expect(parse(await ok(getOffsets, ['--topic', 'cli-t', '--time', '-2']))).toEqual({
      'cli-t:0': 0,
      'cli-t:1': 0,
      'cli-t:2': 0,
      'cli-t:3': 0,
    });

    // Delete up to offset 1 in the fullest partition.
    const [fullest, end] = Object.entries(latest).sort((a, b) => b[1] - a[1])[0]!;
    const partition = Number(fullest.split(':')[1]);
    expect(end).toBeGreaterThan(1);
    const file = join(dir, 'delete.json');
    writeFileSync(
      file,
      JSON.stringify({ version: 1, partitions: [{ topic: 'cli-t', partition, offset: 1 }] }),
    );
    const deleted = await ok(deleteRecords, ['--offset-json-file', file]);
    expect(deleted).toContain('Records delete operation completed:');
    expect(deleted).toContain(`partition: cli-t-${partition}\tlow_watermark: 1`);
    expect(
      parse(await ok(getOffsets, ['--topic', 'cli-t', '--partitions', String(partition), '--time', '-2'])),
    ).toEqual({
      [fullest]: 1,
    });
  });

  it('kafka-broker-api-versions: the node and every API it advertises, usable by this client', async () => {
    const out = (await ok(apiVersions, [])).trim().split('\n');
    expect(out[0]).toBe(`${tb.bootstrap} (id: 1 rack: null isFenced: false) -> (`);
    expect(out.at(-1)).toBe(')');
    const apis = Object.fromEntries(
      out.slice(1, -1).map((l) => {
        const m = /^\t(\w+)\((\d+)\): (.*?),?$/.exec(l);
        if (!m) throw new Error(`unexpected line ${JSON.stringify(l)}`);
        return [m[1], m[3]];
      }),
    );
    const usable = Object.entries(apis).filter(([, v]) => v !== 'UNSUPPORTED');
    // Every advertised API overlaps what this client speaks (no "UNUSABLE" ranges).
    for (const [name, v] of usable) expect(v, name).toMatch(/\[usable: \d+\]$/);
    for (const name of [
      'Produce',
      'Fetch',
      'ListOffsets',
      'Metadata',
      'OffsetCommit',
      'OffsetFetch',
      'FindCoordinator',
      'JoinGroup',
      'Heartbeat',
      'LeaveGroup',
      'SyncGroup',
      'DescribeGroups',
      'ListGroups',
      'ApiVersions',
      'CreateTopics',
      'DeleteTopics',
      'DeleteRecords',
      'InitProducerId',
      'DescribeConfigs',
      'IncrementalAlterConfigs',
      'CreatePartitions',
      'DescribeCluster',
    ]) {
      expect(apis[name], name).toMatch(/usable/);
    }
    expect(apis.Produce).toMatch(/\[usable: 1[1-3]\]$/);
  });

  it('kafka-consumer-groups --describe --members and --state of a live group (a kafkajs member)', async () => {
    const kafka = new Kafka({ clientId: 'live-member', brokers: [tb.bootstrap], logLevel: logLevel.NOTHING });
    const consumer = kafka.consumer({ groupId: 'cli-live', heartbeatInterval: 500, maxWaitTimeInMs: 100 });
    const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
    await consumer.connect();
    await consumer.subscribe({ topic: 'cli-t', fromBeginning: true });
    await consumer.run({ eachMessage: async () => {} });
    try {
      await joined;
      const members = table(
        await ok(consumerGroups, ['--describe', '--group', 'cli-live', '--members', '--verbose']),
      );
      expect(members).toHaveLength(1);
      expect(members[0]).toMatchObject({ GROUP: 'cli-live', 'CLIENT-ID': 'live-member', '#PARTITIONS': '4' });
      expect(members[0]!['CONSUMER-ID']).toMatch(/^live-member-/);
      expect(members[0]!.HOST).toMatch(/127\.0\.0\.1/);
      // --verbose names the assignment: all four partitions of cli-t.
      expect(members[0]!['CURRENT-ASSIGNMENT']).toBe('cli-t:0,1,2,3');
      const state = table(await ok(consumerGroups, ['--describe', '--group', 'cli-live', '--state']));
      expect(state[0]).toMatchObject({ GROUP: 'cli-live', STATE: 'Stable', '#MEMBERS': '1' });
      // A live group's offsets cannot be reset (Kafka refuses unless the group is empty).
      const refused = await tool(consumerGroups, [
        '--reset-offsets',
        '--group',
        'cli-live',
        '--topic',
        'cli-t',
        '--to-earliest',
        '--execute',
      ]);
      expect(refused.stdout).toContain(
        "Error: Assignments can only be reset if the group 'cli-live' is inactive, but the current state is Stable.",
      );
    } finally {
      await consumer.disconnect();
    }
  });

  it('kafka-consumer-groups --delete-offsets and --delete', async () => {
    const deleted = await ok(consumerGroups, ['--delete-offsets', '--group', 'cli-g', '--topic', 'cli-t:1']);
    const [said, ...rest] = deleted.trim().split('\n');
    expect(said).toBe('Request succeeded for deleting offsets from group cli-g.');
    expect(table(rest.join('\n'))).toEqual([{ TOPIC: 'cli-t', PARTITION: '1', STATUS: 'Successful' }]);
    const rows = table(await ok(consumerGroups, ['--describe', '--group', 'cli-g']));
    expect(rows.map((r) => r.PARTITION).sort()).toEqual(['0', '2', '3']);
    expect((await ok(consumerGroups, ['--delete', '--group', 'cli-g'])).trim()).toBe(
      "Deletion of requested consumer groups ('cli-g') was successful.",
    );
    expect((await ok(consumerGroups, ['--list'])).split('\n')).not.toContain('cli-g');
  });

  it('kafka-topics --delete', async () => {
    await ok(topics, ['--delete', '--topic', 'cli-t']);
    expect((await ok(topics, ['--list'])).split('\n')).not.toContain('cli-t');
  });
});
