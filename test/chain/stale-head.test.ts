import { describe, expect, it } from 'vitest';
import { committedView, createTopic, diskViews, onCluster, placementFrom } from '../support/chain-views.js';
import { sleep, waitFor } from '../support/cluster.js';
import { checkHistory } from '../support/history.js';
import { Workload } from '../support/workload.js';

// Epoch fencing: the head freezes (SIGSTOP) with produce requests queued on its sockets; the
// others are told the chain is now 2 -> 3 and go on under a newer epoch. When the old head thaws
// it still believes it leads the old chain and works through its queue: whatever it appends can
// only be refused by its old successor (an older epoch), so it must acknowledge none of it. Then
// it is told the new membership too. The history checker finds any write the stale head
// acknowledged: such a write is in no log of the new chain.

const TOPIC = 'fenced';
const PARTITIONS = 3;
const BETWEEN = 150;

describe('a stale head', () => {
  it('acknowledges nothing after the chain moved on without it', async () => {
    await onCluster({ chains: [{ name: 'a', nodes: [1, 2, 3] }] }, async (cluster) => {
      await createTopic(cluster, TOPIC, PARTITIONS);
      const workload = new Workload({
        brokers: cluster.bootstrap,
        topic: TOPIC,
        partitions: PARTITIONS,
        producers: 2,
        produceTimeoutMs: 3000,
        requestTimeoutMs: 4000,
      });
      let ackedWhileStale = 0;
      try {
        await workload.start();
        await workload.waitForMoreAcks(BETWEEN);

        cluster.pause(1);
        cluster.setMembership([{ name: 'a', nodes: [2, 3] }], { sighup: false });
        cluster.reload(2);
        cluster.reload(3);
        await waitFor('nodes 2 and 3 to describe the chain 2 -> 3', async () => {
          for (const id of [2, 3]) {
            const ps = await placementFrom(cluster, id, TOPIC);
            if (!ps.every((p) => p.leader === 2 && p.replicas.join() === '2,3')) return undefined;
          }
          return true;
        });
        await sleep(2000); // more requests queue up at the frozen head
        const before = workload.acked;
        cluster.resume(1);
        await sleep(3000); // the old head works through its queue under its old epoch
        ackedWhileStale = workload.acked - before;
        cluster.reload(1);
        try {
          await workload.waitForMoreAcks(BETWEEN, 40_000);
        } catch (err) {
          throw new Error(`writes through the chain 2 -> 3: ${(err as Error).message}`);
        }
        await workload.stop();
        await workload.fence();
      } finally {
        await workload.close();
      }
      const placements = await placementFrom(cluster, 2, TOPIC);
      expect(placements.every((p) => p.leader === 2)).toBe(true);
      const committed = await committedView(cluster, TOPIC, placements);
      await cluster.stopAll();
      const result = checkHistory(workload.writes, [committed, ...diskViews(cluster, TOPIC, placements)]);
      console.log(`stale-head: ${result.summary}; ${ackedWhileStale} acked in the 3 s after the thaw`);
      expect(result.violations).toEqual([]);
    });
  }, 120_000);
});
