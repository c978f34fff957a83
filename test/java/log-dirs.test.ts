import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTopic, onCluster } from '../support/chain-views.js';
import { waitFor } from '../support/cluster.js';
import { JavaDriver, runTool } from '../support/java.js';
import { tempDir } from '../support/temp-dir.js';

// Apache Kafka 4.1.1's kafka-log-dirs (LogDirsCommand) against a 3-node chain: each node reports
// its log dir with the partitions it keeps (the replicas of each topic's replication factor) and
// their sizes. Then kafka-reassign-partitions grows the R=1 topic's partition 0 to [1, 2]: node 2
// gets a copy of its records, and kafka-log-dirs shows it there.

let java: JavaDriver;
beforeAll(() => {
  java = JavaDriver.start('Tools');
});
afterAll(async () => {
  await java?.stop();
});

interface LogDirsJson {
  brokers: Array<{
    broker: number;
    logDirs: Array<{
      logDir: string;
      error: string | null;
      partitions: Array<{ partition: string; size: number }>;
    }>;
  }>;
}

/** One Kafka tool in the shared JVM: its exit code and output. */
const tool = (main: string, args: string[]) => runTool(java, main, args);

function logDirsOf(stdout: string): Map<number, Array<readonly [string, number]>> {
  const json = stdout.split('\n').find((l) => l.startsWith('{'));
  if (json === undefined) throw new Error(`no JSON in kafka-log-dirs output:\n${stdout}`);
  const parsed = JSON.parse(json) as LogDirsJson;
  return new Map(
    parsed.brokers.map((b) => [
      b.broker,
      b.logDirs.flatMap((d) => d.partitions.map((p) => [p.partition, p.size] as const)).sort(),
    ]),
  );
}

describe('kafka-log-dirs against a chain', () => {
  it('lists each node’s partitions and sizes: R=1 on the head only, R=3 everywhere', async () => {
    await onCluster({ chains: [{ name: 'a', nodes: [1, 2, 3] }] }, async (cluster) => {
      await createTopic(cluster, 'dirs-r1', 2, 1);
      await createTopic(cluster, 'dirs-r3', 1, 3);
      const kafka = new Kafka({ brokers: cluster.bootstrap, logLevel: logLevel.NOTHING });
      const producer = kafka.producer();
      await producer.connect();
      for (const topic of ['dirs-r1', 'dirs-r3'])
        await producer.send({
          topic,
          acks: -1,
          messages: Array.from({ length: 50 }, (_, i) => ({ value: `v${i}` })),
        });
      await producer.disconnect();

      const [line] = await java.run(
        'tool',
        'org.apache.kafka.tools.LogDirsCommand',
        '',
        '--bootstrap-server',
        cluster.bootstrap[1]!,
        '--describe',
        '--broker-list',
        '1,2,3',
        '--topic-list',
        'dirs-r1,dirs-r3',
      );
      expect(line?.exit ?? 0, String(line?.stderr)).toBe(0);
      const json = String(line!.stdout)
        .split('\n')
        .find((l) => l.startsWith('{'));
      expect(json, String(line!.stdout)).toBeDefined();
      const parsed = JSON.parse(json!) as LogDirsJson;
      const byBroker = new Map(
        parsed.brokers.map((b) => [
          b.broker,
          b.logDirs.flatMap((d) => d.partitions.map((p) => [p.partition, p.size] as const)).sort(),
        ]),
      );
      const names = (id: number) => (byBroker.get(id) ?? []).map(([p]) => p);
      expect(names(1)).toEqual(['dirs-r1-0', 'dirs-r1-1', 'dirs-r3-0']);
      expect(names(2)).toEqual(['dirs-r3-0']);
      expect(names(3)).toEqual(['dirs-r3-0']);
      for (const [, size] of byBroker.get(1)!.filter(([p]) => p.startsWith('dirs-r3')))
        expect(size).toBeGreaterThan(0);
      // The same bytes on every replica.
      const r3 = [1, 2, 3].map((id) => byBroker.get(id)!.find(([p]) => p === 'dirs-r3-0')![1]);
      expect(new Set(r3).size).toBe(1);
      for (const b of parsed.brokers) {
        expect(b.logDirs).toHaveLength(1);
        expect(b.logDirs[0]!.logDir).toBe(cluster.node(b.broker).logDir);
        expect(b.logDirs[0]!.error).toBeNull();
      }

      // kafka-reassign-partitions: dirs-r1-0 from [1] to [1, 2].
      const plan = join(tempDir('kilgore-reassign-'), 'plan.json');
      writeFileSync(
        plan,
        JSON.stringify({
          version: 1,
          partitions: [{ topic: 'dirs-r1', partition: 0, replicas: [1, 2], log_dirs: ['any', 'any'] }],
        }),
      );
      const reassign = 'org.apache.kafka.tools.reassign.ReassignPartitionsCommand';
      const boot = ['--bootstrap-server', cluster.bootstrap[1]!];
      const executed = await tool(reassign, [...boot, '--execute', '--reassignment-json-file', plan]);
      expect(executed.exit, `${executed.stdout}\n${executed.stderr}`).toBe(0);
      expect(executed.stdout).toContain('Successfully started partition reassignment');
      let verified = '';
      await waitFor(
        `kafka-reassign-partitions --verify to report completion (last: ${verified})`,
        async () => {
          const v = await tool(reassign, [
            ...boot,
            '--verify',
            '--preserve-throttles',
            '--reassignment-json-file',
            plan,
          ]);
          verified = `${v.stdout}${v.stderr}`;
          return /Reassignment of partition dirs-r1-0 is (completed|complete)/.test(v.stdout)
            ? true
            : undefined;
        },
        30_000,
      );
      const after = await tool('org.apache.kafka.tools.LogDirsCommand', [
        ...boot,
        '--describe',
        '--broker-list',
        '1,2,3',
        '--topic-list',
        'dirs-r1',
      ]);
      const moved = logDirsOf(after.stdout);
      expect(moved.get(2)?.map(([p]) => p)).toEqual(['dirs-r1-0']);
      expect(moved.get(2)![0]![1]).toBe(moved.get(1)!.find(([p]) => p === 'dirs-r1-0')![1]);
      expect(moved.get(3)?.map(([p]) => p) ?? []).toEqual([]);
    });
  }, 120_000);
});
