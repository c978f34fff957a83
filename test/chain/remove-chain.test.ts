import { describe, expect, it } from 'vitest';
import { committedView, createTopic, diskViews, onCluster, placementFrom } from '../support/chain-views.js';
import { type ChainCluster, sleep, waitFor } from '../support/cluster.js';
import { checkHistory } from '../support/history.js';
import { readLogDir } from '../support/log-dirs.js';
import { type FetchedRecord, fetchAll, produceOnce } from '../support/wire.js';
import { Workload } from '../support/workload.js';

// A chain removed from a running cluster (decommissioning) while producers write: its
// partitions move to the remaining chain WITH their data. The remaining head asks the removed
// nodes ("former members") for them and copies the most up-to-date copy before it takes writes,
// so every acknowledged write is still there, at the same offset, and new writes go to the
// remaining chain. The removed nodes keep running read-only: no crash, no writes, data kept.
//
// The documented order (docs/replication.md, "Removing a chain"): the removed chain's nodes
// reload first, then the remaining nodes. The other order works too as long as the removed nodes
// reload within 30 s: the remaining head waits for them (they answer "still mine" until then).

const TOPIC = 'leaving';
const PARTITIONS = 8;
const BETWEEN = 150;
const STAYS = { name: 'a', nodes: [1, 2] };
const LEAVES = { name: 'b', nodes: [3, 4] };
const NOT_LEADER_OR_FOLLOWER = 6;

/** Every partition of the topic as `node` reads it from chain b's head (node 3) right now. */
async function snapshotOfLeaving(cluster: ChainCluster, partitions: number[]) {
  const out = new Map<number, FetchedRecord[]>();
  for (const p of partitions) out.set(p, await fetchAll(cluster.node(3).address, TOPIC, p));
  return out;
}

type Rollout =
  | 'removed nodes reload first'
  | 'remaining nodes reload first'
  | 'chain b added under load, then removed';

/** Chain b joins the running chain a (its nodes start with the new list, a's reload). */
async function addChainB(cluster: ChainCluster): Promise<void> {
  await Promise.all(LEAVES.nodes.map((id, i) => cluster.addNode(id, `127.0.0.${i + 1}`)));
  cluster.setMembership([STAYS, LEAVES]);
  await Promise.all(LEAVES.nodes.map((id) => cluster.restart(id)));
  await waitFor('every node to place partitions on both chains alike', async () => {
    let seen: string | undefined;
    for (const id of [...STAYS.nodes, ...LEAVES.nodes]) {
      const leaders = (await placementFrom(cluster, id, TOPIC)).map((p) => p.leader).join();
      if (!leaders.includes('3') || (seen !== undefined && leaders !== seen)) return undefined;
      seen = leaders;
    }
    return true;
  });
}

async function removeChainUnderLoad(order: Rollout): Promise<void> {
  const addedLater = order === 'chain b added under load, then removed';
  await onCluster({ chains: addedLater ? [STAYS] : [STAYS, LEAVES] }, async (cluster) => {
    await createTopic(cluster, TOPIC, PARTITIONS);
    const workload = new Workload({
      brokers: cluster.bootstrap,
      topic: TOPIC,
      partitions: PARTITIONS,
      producers: 1,
    });
    let snapshot = new Map<number, FetchedRecord[]>();
    let moving: number[] = [];
    try {
      await workload.start();
      await workload.waitForMoreAcks(BETWEEN);
      if (addedLater) {
        // Chain a keeps its copies of the partitions that move to b: they come back to a, older
        // than b's, when b is removed (b's copies must win).
        await addChainB(cluster);
        await workload.waitForEveryPartition(10, 30_000);
        await workload.waitForMoreAcks(BETWEEN);
      }
      await workload.waitForEveryPartition(5);
      moving = (await placementFrom(cluster, 1, TOPIC)).filter((p) => p.leader === 3).map((p) => p.partition);
      expect(moving.length, 'partitions chain b owns before the removal').toBeGreaterThan(0);
      expect(moving.length, 'partitions chain a owns before the removal').toBeLessThan(PARTITIONS);
      // What consumers could read from chain b just before the removal: it must stay, at these
      // offsets (a prefix of what chain b acknowledged in the end).
      snapshot = await snapshotOfLeaving(cluster, moving);

      cluster.setMembership([STAYS], { sighup: false });
      if (order === 'remaining nodes reload first') {
        for (const id of STAYS.nodes) cluster.reload(id);
        // Chain b still leads its partitions and takes writes meanwhile.
        await sleep(2000);
      }
      for (const id of LEAVES.nodes) cluster.reload(id);
      await waitFor('the removed nodes to leave chain b', async () => {
        for (const id of LEAVES.nodes) {
          const ps = await placementFrom(cluster, id, TOPIC);
          if (!ps.every((p) => p.leader === 1)) return undefined;
        }
        return true;
      });
      // A removed node takes no writes (and is not asked to forward any).
      for (const id of LEAVES.nodes) {
        expect(await produceOnce(cluster.node(id).address, TOPIC, moving[0]!, ['refused'])).toBe(
          NOT_LEADER_OR_FOLLOWER,
        );
      }
      if (order !== 'remaining nodes reload first') for (const id of STAYS.nodes) cluster.reload(id);
      await waitFor('chain a to lead every partition', async () => {
        for (const id of STAYS.nodes) {
          const ps = await placementFrom(cluster, id, TOPIC);
          if (!ps.every((p) => p.leader === 1 && p.replicas.join() === '1,2')) return undefined;
        }
        return true;
      });
      try {
        await workload.waitForEveryPartition(10, 30_000);
        await workload.waitForMoreAcks(BETWEEN, 25_000);
      } catch (err) {
        throw new Error(`writes after chain b left: ${(err as Error).message}`);
      }
      await workload.stop();
      await workload.fence();
    } finally {
      await workload.close();
    }

    for (const id of LEAVES.nodes) {
      expect(cluster.node(id).running, `removed node ${id} still runs`).toBe(true);
      expect(cluster.node(id).output).toContain('this node is in no chain');
    }
    const placements = await placementFrom(cluster, 1, TOPIC);
    const committed = await committedView(cluster, TOPIC, placements);
    await cluster.stopAll();

    // Offsets unchanged: every record readable from chain b before is at the same offset now.
    let kept = 0;
    for (const [p, records] of snapshot) {
      const now = committed.partitions.get(`${TOPIC}-${p}`) ?? [];
      const byOffset = new Map(now.map((r) => [r.offset, r.value]));
      for (const r of records) {
        expect(byOffset.get(r.offset), `${TOPIC}-${p}@${r.offset} after the removal`).toBe(r.value);
        kept++;
      }
      // ...and chain a took new writes on top of them.
      expect(now.length, `${TOPIC}-${p} grew on chain a`).toBeGreaterThan(records.length);
    }
    expect(kept).toBeGreaterThan(0);
    // The removed nodes kept their copies (nothing deleted).
    for (const id of LEAVES.nodes) {
      const disk = readLogDir(cluster.node(id).logDir, (t) => t === TOPIC);
      for (const [p, records] of snapshot) {
        expect(
          disk.get(`${TOPIC}-${p}`)?.length ?? 0,
          `node ${id} still holds ${TOPIC}-${p}`,
        ).toBeGreaterThanOrEqual(records.length);
      }
    }

    const result = checkHistory(workload.writes, [committed, ...diskViews(cluster, TOPIC, placements)]);
    console.log(
      `remove-chain (${order}; moved ${moving.join(',')}; ${kept} records checked at their offsets): ${result.summary}`,
    );
    expect(result.violations).toEqual([]);
  });
}

describe('a chain removed from a running cluster', () => {
  it(
    'leaves its partitions, every acknowledged write at its offset, to the remaining chain',
    () => removeChainUnderLoad('removed nodes reload first'),
    150_000,
  );
  it(
    'still loses nothing when the remaining nodes reload first and the removed ones soon after',
    () => removeChainUnderLoad('remaining nodes reload first'),
    150_000,
  );
  it(
    'hands back partitions it took over, newer than the copies the remaining chain kept',
    () => removeChainUnderLoad('chain b added under load, then removed'),
    150_000,
  );
});
