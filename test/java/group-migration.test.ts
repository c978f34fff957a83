import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker } from '../support/broker.js';
import { JavaDriver, one } from '../support/java.js';

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
