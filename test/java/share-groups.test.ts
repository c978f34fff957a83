import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker } from '../support/broker.js';
import { JavaDriver, one } from '../support/java.js';

// Share groups (KIP-932) with the Java client 4.1.1's KafkaShareConsumer (ShareGroups.java):
// three consumers on one partition share its records; each scenario counts every delivery of
// every offset.

let java: JavaDriver;
beforeAll(() => {
  java = JavaDriver.start('ShareGroups');
});
afterAll(async () => {
  await java?.stop();
});

const earliest = { 'group.share.auto.offset.reset': 'earliest' };

function deliveries(r: Record<string, unknown>): Record<string, number> {
  return r.deliveries as Record<string, number>;
}

describe('Java KafkaShareConsumer against Kilgore', () => {
  it('three consumers on one partition, all accept: every record delivered exactly once', async () => {
    const broker = await startTestBroker(earliest);
    try {
      await java.run('produce', broker.bootstrap, 'share-all', 600);
      const r = one(
        await java.run('consume', broker.bootstrap, 'share-all', 'g-all', 3, 'accept', 600, 60_000, 100),
        'consumed',
      );
      expect(r.errors).toEqual([]);
      expect(r.distinct).toBe(600);
      expect(r.redelivered).toBe(0);
      const per = Object.values(r.perConsumer as Record<string, number>);
      expect(per.reduce((a, b) => a + b, 0)).toBe(600);
      // The records were shared, not all taken by one consumer (100 ms of work per batch leaves
      // the others time to join).
      expect(per.filter((n) => n > 0).length).toBeGreaterThan(1);
    } finally {
      await broker.stop();
    }
  }, 120_000);

  it('released records come back with a higher delivery count; rejected ones never again', async () => {
    const broker = await startTestBroker(earliest);
    try {
      await java.run('produce', broker.bootstrap, 'share-mixed', 200);
      const r = one(
        await java.run('consume', broker.bootstrap, 'share-mixed', 'g-mixed', 3, 'mixed', 200, 60_000),
        'consumed',
      );
      expect(r.errors).toEqual([]);
      expect(r.distinct).toBe(200);
      const d = deliveries(r);
      const dc = r.deliveryCounts as Record<string, number>;
      for (let o = 0; o < 200; o++) {
        if (o % 5 === 0) {
          expect(d[o], `offset ${o} released once`).toBe(2);
          expect(dc[o]).toBe(2);
        } else {
          expect(d[o], `offset ${o} delivered once`).toBe(1);
        }
      }
    } finally {
      await broker.stop();
    }
  }, 120_000);

  it('a record released every time is delivered group.share.delivery.count.limit times, then archived', async () => {
    const broker = await startTestBroker({ ...earliest, 'group.share.delivery.count.limit': '3' });
    try {
      await java.run('produce', broker.bootstrap, 'share-limit', 50);
      const r = one(
        await java.run('consume', broker.bootstrap, 'share-limit', 'g-limit', 3, 'release:7', 50, 60_000),
        'consumed',
      );
      expect(r.errors).toEqual([]);
      const d = deliveries(r);
      expect(d['7']).toBe(3);
      expect((r.deliveryCounts as Record<string, number>)['7']).toBe(3);
      for (let o = 0; o < 50; o++) if (o !== 7) expect(d[o], `offset ${o}`).toBe(1);
      // Offset 7 archived: the share-partition start offset moved past everything.
      const state = broker.broker.context.share.partitionsOf('g-limit')[0]!.state;
      expect(state.startOffset).toBe(50);
    } finally {
      await broker.stop();
    }
  }, 120_000);
});

describe('Java KafkaShareConsumer: acquisition locks', () => {
  it('a consumer that stalls on its batch loses it when group.share.record.lock.duration.ms runs out', async () => {
    const broker = await startTestBroker({ ...earliest, 'group.share.record.lock.duration.ms': '2000' });
    try {
      await java.run('produce', broker.bootstrap, 'share-stall', 300);
      const r = one(
        await java.run('consume', broker.bootstrap, 'share-stall', 'g-stall', 3, 'stall', 300, 60_000),
        'consumed',
      );
      expect(r.errors).toEqual([]);
      expect(r.distinct).toBe(300);
      const d = deliveries(r);
      const twice = Object.keys(d).filter((o) => d[o] === 2);
      // c0's one batch came back to the others after the lock expired, with delivery count 2.
      expect(twice.length).toBeGreaterThan(0);
      expect(Object.values(d).every((n) => n <= 2)).toBe(true);
      const dc = r.deliveryCounts as Record<string, number>;
      for (const o of twice) expect(dc[o]).toBe(2);
    } finally {
      await broker.stop();
    }
  }, 120_000);
});
