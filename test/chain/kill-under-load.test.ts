import { describe, expect, it } from 'vitest';
import { committedView, createTopic, diskViews, onCluster, placementFrom } from '../support/chain-views.js';
import { type ChainCluster, sleep } from '../support/cluster.js';
import { checkHistory } from '../support/history.js';
import { readLogDir, segmentProblems } from '../support/log-dirs.js';
import { Workload } from '../support/workload.js';

// kill -9 each member of a 3-node chain in turn (middle, tail, head) while producers write with
// acks=all, restarting each on its own disk. Afterwards the history checker reads every
// partition from the head and from every log dir: no acknowledged write lost or duplicated,
// nothing refused present, offsets gap-free, each log a prefix of the longest.

const TOPIC = 'under-load';
const PARTITIONS = 3;
/** Acknowledged writes to wait for between faults: proof that the chain is writable again. */
const BETWEEN = 150;

/**
 * Consumers see only committed records: with the tail dead (its files frozen as the kernel had
 * them) and the head still taking writes it cannot commit, everything a consumer can fetch from
 * the head must already be in the dead tail's log.
 */
async function expectHeadServesOnlyWhatTheTailHas(cluster: ChainCluster, tail: number): Promise<void> {
  const placements = await placementFrom(cluster, 1, TOPIC);
  const visible = await committedView(cluster, TOPIC, placements);
  const onTail = readLogDir(cluster.node(tail).logDir, (t) => t === TOPIC);
  for (const p of placements) {
    const seen = visible.partitions.get(p.key) ?? [];
    const held = (onTail.get(p.key) ?? []).slice(0, seen.length);
    expect(seen, `${p.key}: what the head serves while tail ${tail} is dead is on the tail`).toEqual(held);
  }
}

describe('a 3-node chain under load', () => {
  it('keeps every acknowledged write through kill -9 of the middle, the tail and the head', async () => {
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
        for (const [role, id] of [
          ['middle', 2],
          ['tail', 3],
          ['head', 1],
        ] as const) {
          await cluster.kill(id);
          await sleep(1000); // writes stall (or fail) while the node is gone
          if (role === 'tail') await expectHeadServesOnlyWhatTheTailHas(cluster, id);
          await cluster.restart(id);
          try {
            await workload.waitForEveryPartition(10, 20_000);
            await workload.waitForMoreAcks(BETWEEN, 25_000);
          } catch (err) {
            throw new Error(
              `after kill -9 and restart of the ${role} (node ${id}): ${(err as Error).message}`,
            );
          }
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
      console.log(`kill-under-load: ${result.summary}`);
      expect(result.violations).toEqual([]);
      for (const id of [1, 2, 3]) expect(segmentProblems(cluster.node(id).logDir), `node ${id}`).toEqual([]);
    });
  }, 120_000);
});
