import { describe, expect, it } from 'vitest';
import { committedView, createTopic, diskViews, onCluster, placementFrom } from '../support/chain-views.js';
import { sleep } from '../support/cluster.js';
import { checkHistory } from '../support/history.js';
import { partitionDirs } from '../support/log-dirs.js';
import { Workload } from '../support/workload.js';

// Topics of replication factor 2 and 3 on one 3-node chain, written at once with acks=all while
// the tail and then the middle are killed with kill -9 and restarted. The factor-2 topic lives
// on the head and the middle only, so killing the tail does not stall it. Afterwards the history
// checker reads both topics from the head and from every log dir: no acknowledged write lost or
// duplicated, and no node holds a partition it is not a replica of.

const PARTITIONS = 3;
/** Acknowledged writes to wait for between faults: proof that the topics are writable again. */
const BETWEEN = 100;

describe('replication factors under kill -9', () => {
  it('R=2 and R=3 topics keep every acknowledged write when the tail and the middle are killed', async () => {
    await onCluster({ chains: [{ name: 'a', nodes: [1, 2, 3] }] }, async (cluster) => {
      await createTopic(cluster, 'rf2', PARTITIONS, 2);
      await createTopic(cluster, 'rf3', PARTITIONS, 3);
      const placements = {
        rf2: await placementFrom(cluster, 1, 'rf2'),
        rf3: await placementFrom(cluster, 1, 'rf3'),
      };
      expect(placements.rf2.map((p) => p.replicas)).toEqual([
        [1, 2],
        [1, 2],
        [1, 2],
      ]);
      expect(placements.rf3.map((p) => p.replicas)).toEqual([
        [1, 2, 3],
        [1, 2, 3],
        [1, 2, 3],
      ]);
      const workloads = {
        rf2: new Workload({ brokers: cluster.bootstrap, topic: 'rf2', partitions: PARTITIONS, producers: 1 }),
        rf3: new Workload({ brokers: cluster.bootstrap, topic: 'rf3', partitions: PARTITIONS, producers: 1 }),
      };
      const both = Object.values(workloads);
      try {
        await Promise.all(both.map((w) => w.start()));
        await Promise.all(both.map((w) => w.waitForMoreAcks(BETWEEN)));

        // The tail is no replica of rf2: its writes go on while node 3 is dead.
        await cluster.kill(3);
        await workloads.rf2.waitForMoreAcks(BETWEEN, 20_000);
        await cluster.restart(3);
        await Promise.all(both.map((w) => w.waitForMoreAcks(BETWEEN, 25_000)));

        await cluster.kill(2);
        await sleep(1000); // both topics stall (or fail) while the middle is gone
        await cluster.restart(2);
        await Promise.all(both.map((w) => w.waitForEveryPartition(10, 20_000)));
        await Promise.all(both.map((w) => w.waitForMoreAcks(BETWEEN, 25_000)));
        await Promise.all(both.map((w) => w.stop()));
        await Promise.all(both.map((w) => w.fence()));
      } finally {
        await Promise.all(both.map((w) => w.close()));
      }
      const committed = {
        rf2: await committedView(cluster, 'rf2', placements.rf2),
        rf3: await committedView(cluster, 'rf3', placements.rf3),
      };
      await cluster.stopAll();
      for (const topic of ['rf2', 'rf3'] as const) {
        const result = checkHistory(workloads[topic].writes, [
          committed[topic],
          ...diskViews(cluster, topic, placements[topic]),
        ]);
        console.log(`replication factor ${topic}: ${result.summary}`);
        expect(result.violations, topic).toEqual([]);
      }
      // Node 3 keeps no copy of rf2; every node keeps rf3.
      const dirs = (id: number, topic: string) =>
        partitionDirs(cluster.node(id).logDir)
          .filter((d) => d.startsWith(`${topic}-`))
          .sort();
      expect(dirs(3, 'rf2')).toEqual([]);
      for (const id of [1, 2]) expect(dirs(id, 'rf2')).toEqual(['rf2-0', 'rf2-1', 'rf2-2']);
      for (const id of [1, 2, 3]) expect(dirs(id, 'rf3')).toEqual(['rf3-0', 'rf3-1', 'rf3-2']);
    });
  }, 150_000);
});
