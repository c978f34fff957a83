import { Kafka, logLevel } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { committedView, createTopic, diskViews, onCluster, placementFrom } from '../support/chain-views.js';
import { type ChainCluster, waitFor } from '../support/cluster.js';
import { checkHistory } from '../support/history.js';
import { Workload } from '../support/workload.js';

// A node removed from a chain by a membership change (kilgore.chains rewritten, SIGHUP) while
// producers write: every partition keeps its replication factor. The replicas are the first R
// members of the chain, so the next member takes the removed one's place and is caught up from
// its predecessor: a topic with R=2 on [1, 2, 3, 4] goes from [1, 2] to [1, 3], a partition
// reassigned to R=3 from [1, 2, 3] to [1, 3, 4]. The new replicas hold every acknowledged write.

const TOPIC = 'keeps-r';
const PARTITIONS = 3;
const BETWEEN = 150;

async function replicasEverywhere(cluster: ChainCluster, nodes: number[], want: string[]): Promise<void> {
  await waitFor(`Metadata from nodes ${nodes.join(', ')} to give replicas ${want.join(' | ')}`, async () => {
    for (const id of nodes) {
      const ps = await placementFrom(cluster, id, TOPIC);
      if (ps.map((p) => p.replicas.join()).join(' | ') !== want.join(' | ')) return undefined;
    }
    return true;
  });
}

describe('a membership change keeps every partition at its replication factor', () => {
  it('a removed middle node is replaced by the next member in every replica set', async () => {
    await onCluster({ chains: [{ name: 'a', nodes: [1, 2, 3, 4] }] }, async (cluster) => {
      await createTopic(cluster, TOPIC, PARTITIONS, 2);
      const admin = new Kafka({
        clientId: 'keeps-r-admin',
        brokers: cluster.bootstrap,
        logLevel: logLevel.NOTHING,
      }).admin();
      await admin.connect();
      try {
        await admin.alterPartitionReassignments({
          topics: [{ topic: TOPIC, partitionAssignment: [{ partition: 0, replicas: [1, 2, 3] }] }],
        });
      } finally {
        await admin.disconnect();
      }
      await replicasEverywhere(cluster, [1, 2, 3, 4], ['1,2,3', '1,2', '1,2']);
      const workload = new Workload({
        brokers: cluster.bootstrap,
        topic: TOPIC,
        partitions: PARTITIONS,
        producers: 1,
      });
      try {
        await workload.start();
        await workload.waitForMoreAcks(BETWEEN);
        cluster.setMembership([{ name: 'a', nodes: [1, 3, 4] }]);
        await replicasEverywhere(cluster, [1, 3, 4], ['1,3,4', '1,3', '1,3']);
        try {
          await workload.waitForEveryPartition(10, 20_000);
          await workload.waitForMoreAcks(BETWEEN, 25_000);
        } catch (err) {
          throw new Error(`writes after node 2 left: ${(err as Error).message}`);
        }
        await workload.stop();
        await workload.fence();
      } finally {
        await workload.close();
      }
      const placements = await placementFrom(cluster, 1, TOPIC);
      expect(placements.map((p) => p.replicas.length)).toEqual([3, 2, 2]);
      const committed = await committedView(cluster, TOPIC, placements);
      await cluster.stopAll();
      // Each node's log dir is checked for the partitions Metadata says it replicates now: node 3
      // for all three (it took node 2's place), node 4 for partition 0.
      const views = diskViews(cluster, TOPIC, placements);
      expect(views.find((v) => v.source === 'node 3 log dir')?.covers?.size).toBe(3);
      const result = checkHistory(workload.writes, [committed, ...views]);
      console.log(`membership-keeps-r: ${result.summary}`);
      expect(result.violations).toEqual([]);
    });
  }, 120_000);
});
