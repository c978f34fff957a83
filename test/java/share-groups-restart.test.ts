import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrokerProcess } from '../support/broker-process.js';
import { JavaDriver, one } from '../support/java.js';
import { tempDir } from '../support/temp-dir.js';

// Share-partition state across a kill -9 of the broker (ShareGroups.java, policy "mixed"): three
// KafkaShareConsumers work through one partition, releasing every fifth record once and rejecting
// the ones after them, while the broker process is killed and started again on the same port and
// log dir. Every record must be delivered; no record whose accept or reject the broker confirmed
// may ever come back; records released before the kill still come back.

let java: JavaDriver;
let broker: BrokerProcess | undefined;
beforeAll(() => {
  java = JavaDriver.start('ShareGroups');
});
afterAll(async () => {
  await broker?.stop();
  await java?.stop();
});

describe('share groups across a broker kill -9', () => {
  it('keeps acknowledged, rejected and released records as they were', async () => {
    broker = await BrokerProcess.start(tempDir('kilgore-share-kill-'), {
      'group.share.auto.offset.reset': 'earliest',
      'group.share.record.lock.duration.ms': '5000',
    });
    const b = broker;
    await java.run('produce', b.bootstrap, 'share-kill', 3000);
    const consuming = java.run('consume', b.bootstrap, 'share-kill', 'g-kill', 3, 'mixed', 3000, 90_000, 200);
    const started = Date.now();
    // Mid-run (pausing 200 ms per batch, the consumers need about 5 s for 3000 records): kill,
    // then start again.
    await new Promise((r) => setTimeout(r, 2500));
    await b.kill9();
    await new Promise((r) => setTimeout(r, 500));
    await b.restart();
    const restartedAfterMs = Date.now() - started;
    const r = one(await consuming, 'consumed');
    // The consumers were still getting records after the restart: the kill really was mid-run.
    expect(r.lastDeliveryAtMs as number).toBeGreaterThan(restartedAfterMs);
    expect(r.errors).toEqual([]);
    expect(r.distinct).toBe(3000);
    expect(r.deliveredAfterConfirmed).toEqual([]);
    expect(r.confirmed as number).toBeGreaterThan(1500);
    const d = r.deliveries as Record<string, number>;
    for (let o = 0; o < 3000; o += 5) expect(d[o], `offset ${o} was released once`).toBeGreaterThanOrEqual(2);
  }, 150_000);
});
