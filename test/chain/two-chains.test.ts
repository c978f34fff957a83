import { chainFor } from '@kilgore/chain';
import { Kafka, logLevel } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { committedView, createTopic, diskViews, onCluster, placementFrom } from '../support/chain-views.js';
import { type ChainCluster, waitFor } from '../support/cluster.js';
import { checkHistory } from '../support/history.js';
import { partitionDirs } from '../support/log-dirs.js';
import { Workload } from '../support/workload.js';

// Two chains of three nodes: the partitions of a topic are split between them by the placement
// rule, Metadata says so from every node, kafkajs sends each partition's writes to its own head
// and a consumer group (coordinated by one head) reads everything back.

const TOPIC = 'spread';
const PARTITIONS = 12;
const CHAINS = [
  { name: 'a', nodes: [1, 2, 3] },
  { name: 'b', nodes: [4, 5, 6] },
];

/**
 * Heads take writes once they have reconciled with their members and opened an epoch (until
 * then produce gets NOT_LEADER_OR_FOLLOWER): wait until each head reports an epoch above 0.
 */
async function waitForOpenHeads(cluster: ChainCluster): Promise<void> {
  await waitFor('both heads to open an epoch', async () => {
    const a = await placementFrom(cluster, 1, TOPIC);
    const b = await placementFrom(cluster, 4, TOPIC);
    const mine = [...a.filter((p) => p.leader === 1), ...b.filter((p) => p.leader === 4)];
    return mine.length === PARTITIONS && mine.every((p) => p.leaderEpoch > 0) ? true : undefined;
  });
}

describe('two chains of three nodes', () => {
  it('split the partitions, route produce and fetch to the right heads, and run a consumer group', async () => {
    await onCluster({ chains: CHAINS }, async (cluster) => {
      await createTopic(cluster, TOPIC, PARTITIONS);
      const membership = CHAINS.map((c) => ({
        name: c.name,
        members: c.nodes.map((id) => ({ nodeId: id, ...cluster.node(id).address })),
      }));

      // Every node lists all six brokers and the same placement: the documented rule's.
      for (const id of [1, 2, 3, 4, 5, 6]) {
        const md = await cluster.metadataFrom(id, [TOPIC]);
        expect(md.brokers.map((b) => b.nodeId).sort()).toEqual([1, 2, 3, 4, 5, 6]);
        for (const p of await placementFrom(cluster, id, TOPIC)) {
          const chain = chainFor(membership, TOPIC, p.partition)!;
          const nodes = chain.members.map((m) => m.nodeId);
          expect(p, `${p.key} as node ${id} describes it`).toMatchObject({
            leader: nodes[0],
            replicas: nodes,
            isr: nodes,
          });
        }
      }
      const placements = await placementFrom(cluster, 1, TOPIC);
      const leaders = new Set(placements.map((p) => p.leader));
      expect([...leaders].sort(), 'both chains lead some partitions').toEqual([1, 4]);
      await waitForOpenHeads(cluster);

      // Writes to every partition, each lane one send at a time with acks=all.
      const workload = new Workload({
        brokers: cluster.bootstrap,
        topic: TOPIC,
        partitions: PARTITIONS,
        producers: 1,
      });
      try {
        await workload.start();
        await workload.waitForMoreAcks(400);
        await workload.stop();
      } finally {
        await workload.close();
      }
      const acked = workload.writes.filter((w) => w.outcome === 'acked');
      expect(workload.writes.length - acked.length, `writes not acknowledged: ${workload.lastErrors()}`).toBe(
        0,
      );

      // A consumer group reads every acknowledged value, each in its partition.
      const kafka = new Kafka({
        clientId: 'chain-test',
        brokers: cluster.bootstrap,
        logLevel: logLevel.NOTHING,
      });
      const consumer = kafka.consumer({
        groupId: 'spread-readers',
        sessionTimeout: 10_000,
        heartbeatInterval: 500,
      });
      const received = new Map<string, number>();
      await consumer.connect();
      await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ partition, message }) => {
          received.set(message.value!.toString(), partition);
        },
      });
      try {
        await waitFor(
          `the group to read ${acked.length} values (has ${received.size})`,
          () => (received.size >= acked.length ? true : undefined),
          30_000,
        );
      } finally {
        await consumer.disconnect();
      }
      for (const w of acked) expect(received.get(w.value), w.value).toBe(w.partition);

      const committed = await committedView(cluster, TOPIC, placements);
      await cluster.stopAll();
      const result = checkHistory(workload.writes, [committed, ...diskViews(cluster, TOPIC, placements)]);
      console.log(`two-chains: ${result.summary}`);
      expect(result.violations).toEqual([]);

      // A node keeps only its own chain's partitions.
      for (const id of [1, 2, 3, 4, 5, 6]) {
        const mine = placements.filter((p) => p.replicas.includes(id)).map((p) => p.key);
        const dirs = partitionDirs(cluster.node(id).logDir).filter((d) => d.startsWith(`${TOPIC}-`));
        expect(dirs.sort(), `partition folders of node ${id}`).toEqual(mine.sort());
      }
    });
  }, 90_000);
  it('report the same leader epoch per partition, cluster id and controller from every node', async () => {
    await onCluster({ chains: CHAINS }, async (cluster) => {
      await createTopic(cluster, TOPIC, PARTITIONS);
      await waitForOpenHeads(cluster);
      // Java clients and librdkafka keep the highest leader epoch seen per partition and send it
      // in Fetch: a lower one from another node is stale metadata to them (KIP-320).
      const byNode = new Map<number, string[]>();
      for (const id of [1, 2, 3, 4, 5, 6]) {
        byNode.set(
          id,
          (await placementFrom(cluster, id, TOPIC)).map(
            (p) => `${p.key} leader ${p.leader} epoch ${p.leaderEpoch}`,
          ),
        );
      }
      for (const id of [2, 3, 4, 5, 6]) expect(byNode.get(id), `node ${id} vs node 1`).toEqual(byNode.get(1));
      // One cluster, one cluster id and one controller id, whichever node is asked.
      const ids = new Set<string>();
      for (const id of [1, 2, 3, 4, 5, 6]) {
        const md = await cluster.metadataFrom(id, []);
        ids.add(`cluster ${md.clusterId} controller ${md.controllerId}`);
      }
      expect([...ids], 'cluster and controller ids as the six nodes report them').toHaveLength(1);
    });
  }, 60_000);
});
