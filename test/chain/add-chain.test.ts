import { chainFor } from '@kilgore/chain';
import { describe, expect, it } from 'vitest';
import { committedView, createTopic, diskViews, onCluster, placementFrom } from '../support/chain-views.js';
import { type ChainCluster, sleep, waitFor } from '../support/cluster.js';
import { checkHistory } from '../support/history.js';
import { Workload } from '../support/workload.js';

// A second chain joins a running cluster while producers write: the partitions the placement
// rule now gives to the new chain move there WITH their data (the new head copies them before
// it takes writes), so no acknowledged write is lost, offsets go on from where they were, and
// the new chain's members end with the same logs.
//
// Two rollouts: the old chain's nodes reload first; or the new nodes start first while the old
// chain, not yet reloaded, still takes writes for the partitions being moved (as when each node
// learns the membership at its own time, e.g. from DNS).

const TOPIC = 'moving';
const PARTITIONS = 8;
const BETWEEN = 150;
const OLD = { name: 'a', nodes: [1, 2, 3] };
const NEW = { name: 'b', nodes: [4, 5, 6] };

async function waitForPlacement(cluster: ChainCluster): Promise<void> {
  const membership = [OLD, NEW].map((c) => ({
    name: c.name,
    members: c.nodes.map((id) => ({ nodeId: id, ...cluster.node(id).address })),
  }));
  await waitFor('every node to place the partitions over both chains', async () => {
    for (const id of [1, 2, 3, 4, 5, 6]) {
      for (const p of await placementFrom(cluster, id, TOPIC)) {
        const nodes = chainFor(membership, TOPIC, p.partition)!.members.map((m) => m.nodeId);
        if (p.leader !== nodes[0] || p.replicas.join() !== nodes.join()) return undefined;
      }
    }
    return true;
  });
}

type Rollout = 'old nodes reload first' | 'new nodes start first' | 'old nodes reload one by one, tail first';

async function addChainUnderLoad(order: Rollout): Promise<void> {
  await onCluster({ chains: [OLD] }, async (cluster) => {
    await createTopic(cluster, TOPIC, PARTITIONS);
    const workload = new Workload({
      brokers: cluster.bootstrap,
      topic: TOPIC,
      partitions: PARTITIONS,
      producers: 1,
    });
    let moved: number[] = [];
    try {
      await workload.start();
      await workload.waitForMoreAcks(BETWEEN);
      await Promise.all(NEW.nodes.map((id, i) => cluster.addNode(id, `127.0.0.${i + 1}`)));
      if (order === 'old nodes reload first') {
        cluster.setMembership([OLD, NEW]);
        await Promise.all(NEW.nodes.map((id) => cluster.restart(id)));
      } else if (order === 'new nodes start first') {
        cluster.setMembership([OLD, NEW], { sighup: false });
        await Promise.all(NEW.nodes.map((id) => cluster.restart(id)));
        await sleep(1000); // the old chain still leads every partition, and takes writes
        for (const id of OLD.nodes) cluster.reload(id);
      } else {
        cluster.setMembership([OLD, NEW], { sighup: false });
        await Promise.all(NEW.nodes.map((id) => cluster.restart(id)));
        // Each old node learns the news at its own time: the tail first, the head last.
        for (const id of [...OLD.nodes].reverse()) {
          await sleep(700);
          cluster.reload(id);
        }
      }
      await waitForPlacement(cluster);
      moved = (await placementFrom(cluster, 1, TOPIC)).filter((p) => p.leader === 4).map((p) => p.partition);
      expect(moved.length, 'partitions that moved to the new chain').toBeGreaterThan(0);
      try {
        // Every partition, moved or not, takes writes again soon after the membership settled.
        await workload.waitForEveryPartition(10, 15_000);
        await workload.waitForMoreAcks(BETWEEN, 25_000);
      } catch (err) {
        throw new Error(`writes after the new chain joined: ${(err as Error).message}`);
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
    console.log(`add-chain (${order}; moved ${moved.join(',')}): ${result.summary}`);
    expect(result.violations).toEqual([]);
  });
}

describe('a chain added to a running cluster', () => {
  it(
    'takes over its partitions with their data when the old nodes reload first',
    () => addChainUnderLoad('old nodes reload first'),
    120_000,
  );
  it(
    'takes over its partitions with their data when the new nodes start first',
    () => addChainUnderLoad('new nodes start first'),
    120_000,
  );
  it(
    'takes over its partitions with their data when the old nodes reload one by one',
    () => addChainUnderLoad('old nodes reload one by one, tail first'),
    120_000,
  );
});
