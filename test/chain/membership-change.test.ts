import { describe, expect, it } from 'vitest';
import { committedView, createTopic, diskViews, onCluster, placementFrom } from '../support/chain-views.js';
import { type ChainCluster, waitFor } from '../support/cluster.js';
import { checkHistory } from '../support/history.js';
import { segmentBytes } from '../support/log-dirs.js';
import { Workload } from '../support/workload.js';

// Membership changes by configuration: a node leaves (kilgore.chains rewritten, SIGHUP to every
// node) while producers keep writing through the two that remain; then it comes back with an
// EMPTY disk in its old place, catches up, and ends with the same log as the head, byte for
// byte. Small segments, so catching up crosses several segment files.

const TOPIC = 'reshaped';
const PARTITIONS = 3;
const BETWEEN = 150;
const SEGMENT_BYTES = '8192';

/** Waits until each listed node's Metadata gives every partition this chain (leader = its head). */
async function waitForChain(cluster: ChainCluster, askNodes: number[], chain: number[]): Promise<void> {
  await waitFor(
    `Metadata from nodes ${askNodes.join(', ')} to describe the chain ${chain.join(' -> ')}`,
    async () => {
      for (const id of askNodes) {
        const ps = await placementFrom(cluster, id, TOPIC);
        if (!ps.every((p) => p.leader === chain[0] && p.replicas.join() === chain.join())) return undefined;
      }
      return true;
    },
  );
}

async function leaveAndReturn(role: string, leaving: number): Promise<void> {
  const full = [1, 2, 3];
  const without = full.filter((id) => id !== leaving);
  await onCluster(
    { chains: [{ name: 'a', nodes: full }], settings: { 'log.segment.bytes': SEGMENT_BYTES } },
    async (cluster) => {
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

        // The node leaves the membership. Every node gets SIGHUP, the leaving one too: told a
        // membership without itself, it leaves replication (a removed head must stop leading, or
        // clients that ask it for Metadata keep coming back to it).
        cluster.setMembership([{ name: 'a', nodes: without }]);
        // ...the removed node included: its Metadata now sends clients to the new head.
        await waitForChain(cluster, full, without);
        try {
          await workload.waitForEveryPartition(10, 20_000);
          await workload.waitForMoreAcks(BETWEEN, 25_000);
        } catch (err) {
          throw new Error(`writes through the chain ${without.join(' -> ')}: ${(err as Error).message}`);
        }
        await cluster.stop(leaving);

        // It returns with nothing on disk, in its old place.
        cluster.setMembership([{ name: 'a', nodes: full }]);
        await cluster.restart(leaving, { emptyDisk: true });
        await waitForChain(cluster, full, full);
        try {
          await workload.waitForEveryPartition(10, 20_000);
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
      console.log(`membership-change (${role}): ${result.summary}`);
      expect(result.violations).toEqual([]);

      // Every node's segments are the same files with the same bytes, the returning node's too.
      const onlyTopic = (t: string) => t === TOPIC;
      const reference = segmentBytes(cluster.node(1).logDir, onlyTopic);
      expect(reference.size, 'segments rolled: catching up crossed several files').toBeGreaterThan(
        PARTITIONS,
      );
      for (const id of full) {
        const mine = segmentBytes(cluster.node(id).logDir, onlyTopic);
        expect([...mine.keys()].sort(), `segment files of node ${id}`).toEqual([...reference.keys()].sort());
        for (const [file, bytes] of reference)
          expect(mine.get(file)!.equals(bytes), `node ${id} ${file}`).toBe(true);
      }
    },
  );
}

describe('a chain whose membership changes', () => {
  it('loses its middle node and gets it back with an empty disk', () => leaveAndReturn('middle', 2), 120_000);
  it('loses its tail and gets it back with an empty disk', () => leaveAndReturn('tail', 3), 120_000);
  it('loses its head and gets it back, empty, as head again', () => leaveAndReturn('head', 1), 120_000);
});
