import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { committedView, createTopic, diskViews, onCluster, placementFrom } from '../support/chain-views.js';
import { waitFor } from '../support/cluster.js';
import { checkHistory } from '../support/history.js';
import { JavaDriver, one, runTool } from '../support/java.js';
import { tempDir } from '../support/temp-dir.js';
import { fetchAll } from '../support/wire.js';
import { Workload } from '../support/workload.js';

// Apache Kafka 4.1.1's kafka-reassign-partitions moves a partition from chain a to chain b while
// kafkajs producers write to every partition (acks=all, each attempt's outcome known): --execute
// starts it, --verify reports it complete once chain b holds it. Then kafka-console-consumer (a
// Java consumer) reads the moved partition from the new head: every record consumers could read
// there, in order, and the history checker finds no acknowledged write lost or out of order.

const TOPIC = 'java-moving';
const chains = [
  { name: 'a', nodes: [1, 2] },
  { name: 'b', nodes: [3, 4] },
];
const PARTITIONS = 4;
const REASSIGN = 'org.apache.kafka.tools.reassign.ReassignPartitionsCommand';
const CONSOLE_CONSUMER = 'org.apache.kafka.tools.consumer.ConsoleConsumer';

interface LogDirsJson {
  brokers: Array<{ broker: number; logDirs: Array<{ partitions: Array<{ partition: string }> }> }>;
}

let java: JavaDriver;
let clients: JavaDriver;
beforeAll(() => {
  java = JavaDriver.start('Tools');
  clients = JavaDriver.start('Clients');
});
afterAll(async () => {
  await java?.stop();
  await clients?.stop();
});

describe('kafka-reassign-partitions moving a partition to another chain', () => {
  it('--execute and --verify under produce load; a Java consumer reads every acknowledged record in order', async () => {
    await onCluster({ chains }, async (cluster) => {
      await createTopic(cluster, TOPIC, PARTITIONS, 2);
      const moved = (await placementFrom(cluster, 1, TOPIC)).find((p) => p.leader === 1)?.partition;
      if (moved === undefined) throw new Error(`chain a leads no partition of ${TOPIC}`);
      const plan = join(tempDir('kilgore-move-'), 'plan.json');
      writeFileSync(
        plan,
        JSON.stringify({
          version: 1,
          partitions: [{ topic: TOPIC, partition: moved, replicas: [3, 4], log_dirs: ['any', 'any'] }],
        }),
      );
      const boot = ['--bootstrap-server', cluster.bootstrap[0]!];
      const workload = new Workload({
        brokers: cluster.bootstrap,
        topic: TOPIC,
        partitions: PARTITIONS,
        producers: 1,
      });
      try {
        await workload.start();
        await workload.waitForEveryPartition(20);
        const executed = await runTool(java, REASSIGN, [
          ...boot,
          '--execute',
          '--reassignment-json-file',
          plan,
        ]);
        expect(executed.exit, `${executed.stdout}\n${executed.stderr}`).toBe(0);
        expect(executed.stdout).toContain('Successfully started partition reassignment');
        let verified = '';
        await waitFor(
          `kafka-reassign-partitions --verify to report completion (last: ${verified})`,
          async () => {
            const v = await runTool(java, REASSIGN, [
              ...boot,
              '--verify',
              '--preserve-throttles',
              '--reassignment-json-file',
              plan,
            ]);
            verified = `${v.stdout}${v.stderr}`;
            return new RegExp(`Reassignment of partition ${TOPIC}-${moved} is complete`).test(v.stdout)
              ? true
              : undefined;
          },
          60_000,
        );
        await workload.waitForEveryPartition(10, 30_000);
        await workload.waitForMoreAcks(100, 30_000);
        await workload.stop();
        await workload.fence();
      } finally {
        await workload.close();
      }
      const placements = await placementFrom(cluster, 1, TOPIC);
      expect(placements[moved]!.leader).toBe(3);
      expect(placements[moved]!.replicas).toEqual([3, 4]);
      const committed = await committedView(cluster, TOPIC, placements);
      const there = committed.partitions.get(`${TOPIC}-${moved}`) ?? [];

      const consumed = await runTool(java, CONSOLE_CONSUMER, [
        ...boot,
        '--topic',
        TOPIC,
        '--partition',
        String(moved),
        '--offset',
        'earliest',
        '--max-messages',
        String(there.length),
        '--timeout-ms',
        '30000',
      ]);
      const values = consumed.stdout.split('\n').filter((l) => l.includes('/'));
      expect(values).toEqual(there.map((r) => r.value));

      // The old chain deleted its replicas once the move was done: kafka-log-dirs lists them on b only.
      await waitFor(`kafka-log-dirs to list ${TOPIC}-${moved} on nodes 3 and 4 only`, async () => {
        const dirs = await runTool(java, 'org.apache.kafka.tools.LogDirsCommand', [
          ...boot,
          '--describe',
          '--broker-list',
          '1,2,3,4',
          '--topic-list',
          TOPIC,
        ]);
        const json = dirs.stdout.split('\n').find((l) => l.startsWith('{'));
        if (json === undefined) throw new Error(`no JSON in kafka-log-dirs output:\n${dirs.stdout}`);
        const brokers = (JSON.parse(json) as LogDirsJson).brokers;
        const holders = brokers
          .filter((b) => b.logDirs.some((d) => d.partitions.some((x) => x.partition === `${TOPIC}-${moved}`)))
          .map((b) => b.broker)
          .sort();
        return holders.join() === '3,4' ? true : undefined;
      });

      await cluster.stopAll();
      const acked = workload.writes.filter((w) => w.partition === moved && w.outcome === 'acked').length;
      const result = checkHistory(workload.writes, [committed, ...diskViews(cluster, TOPIC, placements)]);
      console.log(
        `kafka-reassign-partitions move (${TOPIC}-${moved} a -> b, ${acked} acked on it, ${values.length} read by the Java consumer): ${result.summary}`,
      );
      expect(acked).toBeGreaterThan(20);
      expect(result.violations).toEqual([]);
    });
  }, 180_000);

  it('an idempotent Java producer writing through the move: every value once, in order', async () => {
    await onCluster({ chains }, async (cluster) => {
      await createTopic(cluster, TOPIC, PARTITIONS, 2);
      const moved = (await placementFrom(cluster, 1, TOPIC)).find((p) => p.leader === 1)?.partition;
      if (moved === undefined) throw new Error(`chain a leads no partition of ${TOPIC}`);
      const count = 300;
      const producing = clients.run('steady', cluster.bootstrap.join(','), TOPIC, moved, count, 10);
      await waitFor('the Java producer to have written some', async () => {
        const there = await fetchAll(cluster.node(1).address, TOPIC, moved);
        return there.length >= 50 ? true : undefined;
      });
      const admin = new Kafka({ brokers: cluster.bootstrap, logLevel: logLevel.NOTHING }).admin();
      await admin.connect();
      try {
        await admin.alterPartitionReassignments({
          topics: [{ topic: TOPIC, partitionAssignment: [{ partition: moved, replicas: [3, 4] }] }],
        });
      } finally {
        await admin.disconnect();
      }
      const done = one(await producing, 'steady');
      expect(done.failed, String(done.firstError)).toBe(0);
      expect(done.acked).toBe(count);
      const placement = (await placementFrom(cluster, 1, TOPIC))[moved]!;
      expect(placement.leader).toBe(3);
      const values = (await fetchAll(cluster.node(3).address, TOPIC, moved)).map((r) => r.value);
      expect(values).toEqual(Array.from({ length: count }, (_, i) => `steady-${i}`));
    });
  }, 180_000);
});
