import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTopic, onCluster, placementFrom } from '../support/chain-views.js';
import { waitFor } from '../support/cluster.js';
import { JavaDriver, one } from '../support/java.js';

// Share groups on a 3-node chain (node processes; ShareGroups.java, policy "mixed": every fifth
// record released once, the one after it rejected, the rest accepted): three KafkaShareConsumers
// work through one partition while the head (group coordinator and share-partition leader) is
// killed with kill -9 and taken out of the membership. The next node of the chain becomes head,
// replays `__share_group_state`
// and carries on: every record is delivered, none whose accept or reject the head confirmed comes
// back, and delivery counts go on from where they were (records in flight at the kill come again,
// their count one higher). Then the killed node returns at the head and carries on from there.

const topic = 'share-chain';
const records = 3000;

let java: JavaDriver;
beforeAll(() => {
  java = JavaDriver.start('ShareGroups');
});
afterAll(async () => {
  await java?.stop();
});

describe('share groups on a chain across a kill -9 of the head', () => {
  it('the next head continues: confirmed acknowledgements hold, delivery counts are kept', async () => {
    const settings = {
      'group.share.auto.offset.reset': 'earliest',
      'group.share.record.lock.duration.ms': '5000',
    };
    await onCluster({ chains: [{ name: 'a', nodes: [1, 2, 3] }], settings }, async (cluster) => {
      await createTopic(cluster, topic, 1); // replicated on the whole chain
      const bootstrap = cluster.bootstrap.join(',');
      await java.run('produce', bootstrap, topic, records);
      const consuming = java.run('consume', bootstrap, topic, 'g-chain', 3, 'mixed', records, 120_000, 200);
      const started = Date.now();
      // Mid-run: at 200 ms per batch the three consumers need about 5 s for 3000 records.
      await new Promise((r) => setTimeout(r, 2000));
      await cluster.kill(1);
      const killedAfterMs = Date.now() - started;
      // Chains take their membership from configuration, never from a vote: the dead head leaves
      // it (as an operator or a DNS SRV change would do) and node 2 heads the chain.
      cluster.setMembership([{ name: 'a', nodes: [2, 3] }]);
      const r = one(await consuming, 'consumed');
      console.log(
        `share-groups-chain: killed at ${killedAfterMs} ms, last delivery at ${r.lastDeliveryAtMs} ms, ` +
          `${r.confirmed} confirmed, ${r.redelivered} redelivered, ${r.pollErrors} poll errors`,
      );

      expect(r.lastDeliveryAtMs as number, 'records still came after the kill').toBeGreaterThan(
        killedAfterMs,
      );
      expect(r.errors).toEqual([]);
      expect(r.distinct).toBe(records);
      // Accepted (or rejected) and confirmed before the kill: never delivered again.
      expect(r.deliveredAfterConfirmed).toEqual([]);
      expect(r.confirmed as number).toBeGreaterThan(records / 2);
      const d = r.deliveries as Record<string, number>;
      const dc = r.deliveryCounts as Record<string, number>;
      for (let o = 0; o < records; o += 5)
        expect(d[o], `offset ${o} was released once`).toBeGreaterThanOrEqual(2);
      // The broker's delivery count never restarts: it is at least the deliveries the client saw.
      const countLost = Object.keys(d).filter((o) => dc[o]! < d[o]!);
      expect(countLost, 'offsets whose delivery count went back').toEqual([]);

      // Node 1 comes back at the head (old disk, catching up from the chain): it replays what
      // node 2 wrote, so the group goes on after offset 3000 and nothing before comes again.
      cluster.setMembership([{ name: 'a', nodes: [1, 2, 3] }]);
      await cluster.restart(1);
      await waitFor('node 1 to head the chain again', async () => {
        const [p] = await placementFrom(cluster, 2, topic);
        return p?.leader === 1 ? true : undefined;
      });
      await java.run('produce', bootstrap, topic, 100);
      const more = one(
        await java.run('consume', bootstrap, topic, 'g-chain', 1, 'accept', 100, 60_000),
        'consumed',
      );
      expect(more.errors).toEqual([]);
      expect(Object.keys(more.deliveries as Record<string, number>).sort()).toEqual(
        Array.from({ length: 100 }, (_, i) => String(records + i)).sort(),
      );
    });
  }, 240_000);
});
