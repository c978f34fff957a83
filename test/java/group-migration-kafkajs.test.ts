import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AssignerProtocol, type Consumer, Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../support/broker.js';
import { sleep, waitFor } from '../support/cluster.js';
import { JavaDriver, one } from '../support/java.js';
import { tempDir } from '../support/temp-dir.js';

// kafkajs 2.2.4 speaks only the classic protocol. Joining a consumer group held by Java 4.1.1
// members on group.protocol=consumer, it is served as a classic member of that group (as Kafka
// 4.x does, whatever group.consumer.migration.policy says: the policy governs conversions of a
// group, not who may join one). A second kafkajs member offering another assignor than the
// classic members already there is refused with INCONSISTENT_GROUP_PROTOCOL. The other way
// round, with the policy `disabled`, a consumer-protocol member may not join (and so convert) a
// group kafkajs holds: GROUP_ID_NOT_FOUND.

let java: JavaDriver;
const consumers: Consumer[] = [];
beforeAll(() => {
  java = JavaDriver.start('Migration');
});
afterAll(async () => {
  for (const c of consumers) await c.disconnect().catch(() => {});
  await java?.stop();
});

function kafkajs(broker: TestBroker): Kafka {
  return new Kafka({ clientId: 'mig-js', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
}

async function createTopic(broker: TestBroker, topic: string): Promise<void> {
  const admin = kafkajs(broker).admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 4 }] });
  await admin.disconnect();
}

/** Records in every partition, so that each member has something to consume and commit. */
async function produce(broker: TestBroker, topic: string): Promise<void> {
  const producer = kafkajs(broker).producer();
  await producer.connect();
  await producer.send({
    topic,
    messages: Array.from({ length: 40 }, (_, i) => ({ value: `v${i}`, partition: i % 4 })),
  });
  await producer.disconnect();
}

/**
 * A kafkajs member: `assigned` resolves with its first non-empty assignment, or rejects on a
 * crash; `latest` is its assignment now (a classic member may rejoin for more once released).
 */
async function kafkajsMember(
  broker: TestBroker,
  group: string,
  assigner?: string,
): Promise<{
  consumer: Consumer;
  assigned: Promise<number[]>;
  latest: () => number[];
  committed: Promise<void>;
}> {
  const consumer = kafkajs(broker).consumer({
    groupId: group,
    sessionTimeout: 10_000,
    heartbeatInterval: 500,
    retry: { retries: 0 },
    ...(assigner === undefined ? {} : { partitionAssigners: [namedAssigner(assigner)] }),
  });
  consumers.push(consumer);
  let latest: number[] = [];
  const assigned = new Promise<number[]>((resolve, reject) => {
    consumer.on(consumer.events.GROUP_JOIN, (e) => {
      latest = Object.values(e.payload.memberAssignment).flat() as number[];
      if (latest.length > 0) resolve(latest);
    });
    consumer.on(consumer.events.CRASH, (e) => reject(e.payload.error));
  });
  // Its commits (OffsetCommit v2-v5: no member epoch) go through as a classic member's.
  const committed = new Promise<void>((resolve, reject) => {
    consumer.on(consumer.events.COMMIT_OFFSETS, () => resolve());
    consumer.on(consumer.events.CRASH, (e) => reject(e.payload.error));
  });
  // A member expected to crash is never asked for its commits: its rejection is not unhandled
  // (awaiting `committed` still sees it).
  committed.catch(() => {});
  await consumer.connect();
  await consumer.subscribe({ topic: `${group}-t`, fromBeginning: true });
  await consumer.run({ eachMessage: async () => {} });
  return { consumer, assigned, latest: () => latest, committed };
}

/** An assignor under another protocol name (what the coordinator compares); it assigns nothing itself. */
function namedAssigner(name: string) {
  return () => ({
    name,
    version: 0,
    async assign() {
      return [];
    },
    protocol({ topics }: { topics: string[] }) {
      return {
        name,
        metadata: AssignerProtocol.MemberMetadata.encode({ version: 0, topics, userData: Buffer.alloc(0) }),
      };
    },
  });
}

for (const policy of ['bidirectional', 'disabled']) {
  describe(`group.consumer.migration.policy=${policy}`, () => {
    it('a kafkajs member joins a consumer group of Java members and shares its partitions', async () => {
      const broker = await startTestBroker({
        'group.consumer.migration.policy': policy,
        'group.initial.rebalance.delay.ms': '0',
        'group.consumer.heartbeat.interval.ms': '500',
      });
      const group = `js-into-cg-${policy}`;
      const dir = tempDir('kilgore-mig-js-');
      const release = (): void => {
        if (!existsSync(join(dir, 'release'))) writeFileSync(join(dir, 'release'), '');
      };
      try {
        await createTopic(broker, `${group}-t`);
        const held = java.run('mixed', broker.bootstrap, group, 'consumer', 2, dir);
        let failed: unknown;
        held.catch((err: unknown) => {
          failed = err;
        });
        await waitFor(
          'the Java members',
          () => (existsSync(join(dir, 'ready')) || failed !== undefined ? true : undefined),
          60_000,
          50,
        );
        if (failed) throw failed;
        const js = await kafkajsMember(broker, group);
        const partitions = await js.assigned;
        expect(partitions.length).toBeGreaterThan(0);
        await produce(broker, `${group}-t`);
        await js.committed;
        // Another kafkajs member offering a different assignor than the classic member there.
        const odd = await kafkajsMember(broker, group, 'OtherAssigner');
        await expect(odd.assigned).rejects.toMatchObject({ type: 'INCONSISTENT_GROUP_PROTOCOL' });
        // Heartbeats (every 500 ms) settle the rest of the reassignment meanwhile.
        await sleep(4000);
        // Read before the Java members close: kafkajs then takes all of their partitions.
        const jsOwned = js.latest().length;
        release();
        const lines = await held;
        expect(one(lines, 'ready').type).toBe('Consumer');
        const owned = one(lines, 'mixed').owned as number[];
        // The Java members gave up what kafkajs got: 4 partitions among the three.
        expect(owned.reduce((a, b) => a + b, 0) + jsOwned).toBe(4);
        await js.consumer.disconnect();
      } finally {
        release();
        await broker.stop();
      }
    }, 120_000);

    it(`a consumer-protocol member joining a group kafkajs holds is ${policy === 'disabled' ? 'refused' : 'let in'}`, async () => {
      const broker = await startTestBroker({
        'group.consumer.migration.policy': policy,
        'group.initial.rebalance.delay.ms': '0',
        'group.consumer.heartbeat.interval.ms': '500',
      });
      const group = `cg-into-js-${policy}`;
      try {
        await createTopic(broker, `${group}-t`);
        const js = await kafkajsMember(broker, group);
        await js.assigned;
        const r = one(await java.run('refused', broker.bootstrap, group), 'refused');
        if (policy === 'disabled') {
          expect(r).toMatchObject({ error: 'GroupIdNotFoundException', owned: 0 });
          // Still the classic group kafkajs is in.
          const admin = kafkajs(broker).admin();
          await admin.connect();
          const [described] = (await admin.describeGroups([group])).groups;
          await admin.disconnect();
          expect(described).toMatchObject({ protocolType: 'consumer', state: 'Stable' });
          expect(described!.members).toHaveLength(1);
        } else {
          // Upgraded: the Java member is given partitions kafkajs gave up.
          expect(r).toMatchObject({ error: 'none' });
          expect(r.owned as number).toBeGreaterThan(0);
        }
        await js.consumer.disconnect();
      } finally {
        await broker.stop();
      }
    }, 120_000);
  });
}
