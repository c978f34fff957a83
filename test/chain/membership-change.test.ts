import { describe, expect, it } from 'vitest';
import { committedView, createTopic, diskViews, onCluster, placementFrom } from '../support/chain-views.js';
import { waitFor } from '../support/cluster.js';
import { checkHistory } from '../support/history.js';
import { segmentBytes } from '../support/log-dirs.js';
import { Workload } from '../support/workload.js';

// A membership change by configuration: the middle node leaves (kilgore.chains rewritten,
// SIGHUP to every node) while producers keep writing through the two that remain; then it comes
// back with an EMPTY disk, catches up from its predecessor, and ends with the same log as the
// others, byte for byte.

const TOPIC = 'reshaped';
const PARTITIONS = 3;
const BETWEEN = 150;

describe('a chain whose membership changes', () => {
  it('keeps writing without a removed node, and a node added back with an empty disk catches up', async () => {
    await onCluster({ chains: [{ name: 'a', nodes: [1, 2, 3] }] }, async (cluster) => {
      await createTopic(cluster, TOPIC, PARTITIONS);
      const workload = new Workload({
        brokers: cluster.bootstrap,
        topic: TOPIC,
        partitions: PARTITIONS,
        producers: 2,
      });
      try {
        await workload.start();
        await workload.waitForMoreAcks(BETWEEN);

        // Node 2 leaves: it stops, and the others are told the chain is now 1 -> 3.
        await cluster.stop(2);
        cluster.setMembership([{ name: 'a', nodes: [1, 3] }]);
        await waitFor('Metadata from node 1 to describe the chain 1 -> 3', async () => {
          const ps = await placementFrom(cluster, 1, TOPIC);
          return ps.every((p) => p.leader === 1 && p.replicas.join() === '1,3') ? true : undefined;
        });
        try {
          await workload.waitForMoreAcks(BETWEEN, 25_000);
        } catch (err) {
          throw new Error(`writes through the 2-node chain 1 -> 3: ${(err as Error).message}`);
        }

        // Node 2 returns with nothing on disk, in its old place.
        cluster.setMembership([{ name: 'a', nodes: [1, 2, 3] }]);
        await cluster.restart(2, { emptyDisk: true });
        await waitFor('Metadata from every node to describe the chain 1 -> 2 -> 3', async () => {
          for (const id of [1, 2, 3]) {
            const ps = await placementFrom(cluster, id, TOPIC);
            if (!ps.every((p) => p.leader === 1 && p.replicas.join() === '1,2,3')) return undefined;
          }
          return true;
        });
        try {
          await workload.waitForMoreAcks(BETWEEN, 25_000);
        } catch (err) {
          throw new Error(`writes through the re-formed chain 1 -> 2 -> 3: ${(err as Error).message}`);
        }
        await workload.stop();
        await workload.fence();
      } finally {
        await workload.close();
      }
      const placements = await placementFrom(cluster, 1, TOPIC);
      const committed = await committedView(cluster, TOPIC, placements);
      await cluster.stopAll();
      const result = checkHistory(workload.writes, [committed, ...diskViews(cluster, TOPIC, placements)]);
      console.log(`membership-change: ${result.summary}`);
      expect(result.violations).toEqual([]);

      // The returning node's segments are the head's, byte for byte.
      const onlyTopic = (t: string) => t === TOPIC;
      const head = segmentBytes(cluster.node(1).logDir, onlyTopic);
      const back = segmentBytes(cluster.node(2).logDir, onlyTopic);
      expect([...back.keys()].sort()).toEqual([...head.keys()].sort());
      for (const [file, bytes] of head) expect(back.get(file)!.equals(bytes), `node 2 ${file}`).toBe(true);
    });
  }, 120_000);
});
