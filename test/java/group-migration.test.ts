import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker } from '../support/broker.js';
import { sleep, waitFor } from '../support/cluster.js';
import { JavaDriver, one } from '../support/java.js';
import { tempDir } from '../support/temp-dir.js';

// KIP-848 online migration with the Java client 4.1.1: three members of one group are restarted
// one at a time from group.protocol=classic to =consumer (the classic group is upgraded when the
// first consumer-protocol member joins, the others are served as classic members meanwhile), then
// one at a time back (the group is downgraded when its last consumer-protocol member leaves).
// A producer writes all along; every member commits on revoke and after each poll, so every
// record is consumed once: none lost, none twice.

let java: JavaDriver;
beforeAll(() => {
  java = JavaDriver.start('Migration');
});
afterAll(async () => {
  await java?.stop();
});

describe('rolling upgrade and downgrade between classic and consumer groups (Java 4.1.1)', () => {
  // range: eager classic members give everything up at each rejoin; cooperative-sticky: only
  // what the coordinator takes away (they rejoin owning the rest).
  it.each(['range', 'cooperative-sticky'])(
    'converts the group both ways under load (classic members: %s): nothing lost, nothing twice',
    async (assignor) => {
      const broker = await startTestBroker({
        'group.initial.rebalance.delay.ms': '0',
        'group.consumer.heartbeat.interval.ms': '500',
      });
      try {
        const lines = await java.run('rolling', broker.bootstrap, `mig-${assignor}`, 4000, 5000, assignor);
        const r = one(lines, 'rolling');
        expect(r).toMatchObject({ produced: 4000, distinct: 4000, missing: [], duplicates: [], errors: [] });
        expect(r.steps).toEqual([
          'start: Classic',
          'm0 consumer: Consumer 1/3 upgraded',
          'm1 consumer: Consumer 2/3 upgraded',
          'm2 consumer: Consumer 3/3 upgraded',
          'm0 classic: Consumer 2/3 upgraded',
          'm1 classic: Consumer 1/3 upgraded',
          'm2 classic: Classic',
        ]);
        // ConsumerGroupDescribe tells classic members (MemberType 0) from consumer-protocol ones.
        // Six partitions shared by three members at the end.
        expect((r.owned as number[]).reduce((a, b) => a + b, 0)).toBe(6);
      } finally {
        await broker.stop();
      }
    },
    240_000,
  );
});

describe('downgrade when the last consumer-protocol member crashes (Java 4.1.1)', () => {
  it('its session ends, the group becomes classic and the classic members take its partitions', async () => {
    const broker = await startTestBroker({
      'group.initial.rebalance.delay.ms': '0',
      'group.consumer.session.timeout.ms': '6000',
      'group.consumer.heartbeat.interval.ms': '500',
    });
    const group = 'mig-crash';
    const classicDir = tempDir('kilgore-mig-crash-a-');
    const consumerDir = tempDir('kilgore-mig-crash-b-');
    const crashing = JavaDriver.start('Migration');
    const failures: unknown[] = [];
    const ready = (dir: string) =>
      waitFor(
        `${dir}/ready`,
        () => (existsSync(join(dir, 'ready')) || failures.length > 0 ? true : undefined),
        60_000,
        50,
      );
    try {
      const admin = new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING }).admin();
      await admin.connect();
      await admin.createTopics({ topics: [{ topic: `${group}-t`, numPartitions: 4 }] });
      await admin.disconnect();
      const held = java.run('mixed', broker.bootstrap, group, 'classic', 2, classicDir);
      held.catch((err: unknown) => failures.push(err));
      await ready(classicDir);
      crashing.run('mixed', broker.bootstrap, group, 'consumer', 1, consumerDir).catch(() => {});
      await ready(consumerDir);
      if (failures.length > 0) throw failures[0];
      await crashing.kill();
      // Its session (6 s) ends, the group is downgraded and its two classic members rebalance.
      await sleep(12_000);
      writeFileSync(join(classicDir, 'release'), '');
      const lines = await held;
      expect(one(lines, 'ready').type).toBe('Classic');
      const end = one(lines, 'mixed');
      expect(end).toMatchObject({ type: 'Classic', errors: [] });
      expect((end.owned as number[]).reduce((a, b) => a + b, 0)).toBe(4);
    } finally {
      if (!existsSync(join(classicDir, 'release'))) writeFileSync(join(classicDir, 'release'), '');
      await crashing.kill();
      await broker.stop();
    }
  }, 120_000);
});

describe('downgrade by static member replacement (Java 4.1.1)', () => {
  it('the last consumer-protocol static member restarted as classic: classic at once, no rebalance', async () => {
    const broker = await startTestBroker({
      'group.initial.rebalance.delay.ms': '0',
      'group.consumer.heartbeat.interval.ms': '500',
    });
    try {
      const r = one(await java.run('static', broker.bootstrap, 'mig-static'), 'static');
      expect(r).toMatchObject({
        before: 'Consumer',
        after: 'Classic',
        owned: [2, 2, 2],
        callbacks: [],
        errors: [],
      });
    } finally {
      await broker.stop();
    }
  }, 120_000);
});
