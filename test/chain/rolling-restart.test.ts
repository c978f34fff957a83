import { describe, expect, it } from 'vitest';
import { committedView, createTopic, diskViews, onCluster, placementFrom } from '../support/chain-views.js';
import { checkHistory } from '../support/history.js';
import { segmentBytes } from '../support/log-dirs.js';
import { Workload } from '../support/workload.js';

// A rolling restart, as an upgrade does it: each node in turn gets SIGTERM (a clean shutdown:
// flush, checkpoints, the clean-shutdown marker) and starts again on its disk, while producers
// write with acks=all. Every partition must take writes again after each restart, no
// acknowledged write may be lost, and the logs end byte-identical.

const TOPIC = 'rolling';
const PARTITIONS = 3;
const BETWEEN = 150;

describe('a 3-node chain restarted node by node', () => {
  it('keeps taking writes and every acknowledged one through SIGTERM restarts of tail, middle and head', async () => {
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
        for (const id of [3, 2, 1]) {
          await cluster.stop(id);
          expect(cluster.node(id).lastExit, `node ${id} shut down cleanly`).toEqual({
            code: 0,
            signal: null,
          });
          await cluster.restart(id);
          try {
            await workload.waitForEveryPartition(10, 20_000);
            await workload.waitForMoreAcks(BETWEEN, 25_000);
          } catch (err) {
            throw new Error(`after the SIGTERM restart of node ${id}: ${(err as Error).message}`);
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
      console.log(`rolling-restart: ${result.summary}`);
      expect(result.violations).toEqual([]);
      const onlyTopic = (t: string) => t === TOPIC;
      const head = segmentBytes(cluster.node(1).logDir, onlyTopic);
      for (const id of [2, 3]) {
        const mine = segmentBytes(cluster.node(id).logDir, onlyTopic);
        expect([...mine.keys()].sort(), `segment files of node ${id}`).toEqual([...head.keys()].sort());
        for (const [file, bytes] of head)
          expect(mine.get(file)!.equals(bytes), `node ${id} ${file}`).toBe(true);
      }
    });
  }, 120_000);
});
