import { describe, expect, it } from 'vitest';
import { committedView, createTopic, diskViews, onCluster, placementFrom } from '../support/chain-views.js';
import { type ChainCluster, sleep } from '../support/cluster.js';
import { checkHistory } from '../support/history.js';
import { readLogDir, segmentBytes } from '../support/log-dirs.js';
import { Workload } from '../support/workload.js';

// Harsher faults than one short kill at a time: an outage longer than the produce timeout (the
// head holds appended writes it can neither acknowledge nor show), two members killed at once,
// and members, the head included, that come back with their disk gone.

const TOPIC = 'battered';
const PARTITIONS = 3;
const BETWEEN = 150;
const PRODUCE_TIMEOUT_MS = 3000;

async function moreAcks(workload: Workload, what: string): Promise<void> {
  try {
    await workload.waitForEveryPartition(10, 20_000);
    await workload.waitForMoreAcks(BETWEEN, 25_000);
  } catch (err) {
    throw new Error(`${what}: ${(err as Error).message}`);
  }
}

/** Values acknowledged so far that a node's files (read while it is dead) do not hold. */
function ackedMissingFrom(cluster: ChainCluster, id: number, workload: Workload): string[] {
  const held = new Set<string>();
  for (const records of readLogDir(cluster.node(id).logDir, (t) => t === TOPIC).values())
    for (const r of records) held.add(r.value);
  return workload.writes.filter((w) => w.outcome === 'acked' && !held.has(w.value)).map((w) => w.value);
}

async function finish(cluster: ChainCluster, workload: Workload, label: string): Promise<void> {
  await workload.stop();
  await workload.fence();
  await workload.close();
  const placements = await placementFrom(cluster, 1, TOPIC);
  const committed = await committedView(cluster, TOPIC, placements);
  await cluster.stopAll();
  const result = checkHistory(workload.writes, [committed, ...diskViews(cluster, TOPIC, placements)]);
  console.log(`${label}: ${result.summary}`);
  expect(result.violations).toEqual([]);
  const onlyTopic = (t: string) => t === TOPIC;
  const head = segmentBytes(cluster.node(1).logDir, onlyTopic);
  for (const id of [2, 3]) {
    const mine = segmentBytes(cluster.node(id).logDir, onlyTopic);
    expect([...mine.keys()].sort(), `segment files of node ${id}`).toEqual([...head.keys()].sort());
    for (const [file, bytes] of head) expect(mine.get(file)!.equals(bytes), `node ${id} ${file}`).toBe(true);
  }
}

describe('a 3-node chain under harsher faults', () => {
  it('acknowledges nothing while its tail is down past the produce timeout, and survives two members killed at once', async () => {
    await onCluster({ chains: [{ name: 'a', nodes: [1, 2, 3] }] }, async (cluster) => {
      await createTopic(cluster, TOPIC, PARTITIONS);
      const workload = new Workload({
        brokers: cluster.bootstrap,
        topic: TOPIC,
        partitions: PARTITIONS,
        producers: 2,
        produceTimeoutMs: PRODUCE_TIMEOUT_MS,
      });
      try {
        await workload.start();
        await workload.waitForMoreAcks(BETWEEN);

        await cluster.kill(3);
        const outageStart = workload.writes.length;
        // Past the produce timeout: the head appended writes that time out unacknowledged.
        await sleep(PRODUCE_TIMEOUT_MS + 2000);
        const outageEnd = workload.writes.length;
        expect(
          ackedMissingFrom(cluster, 3, workload),
          'acknowledged writes missing on the dead tail',
        ).toEqual([]);
        const placements = await placementFrom(cluster, 1, TOPIC);
        const visible = await committedView(cluster, TOPIC, placements);
        const onTail = readLogDir(cluster.node(3).logDir, (t) => t === TOPIC);
        for (const p of placements) {
          const seen = visible.partitions.get(p.key) ?? [];
          expect(seen, `${p.key}: served by the head while the tail is dead`).toEqual(
            (onTail.get(p.key) ?? []).slice(0, seen.length),
          );
        }
        await cluster.restart(3);
        await moreAcks(workload, 'after the tail came back from a long outage');
        // The head answered the stalled writes itself when their timeout ran out (REQUEST_TIMED_OUT
        // or NOT_ENOUGH_REPLICAS), rather than leaving the client to give up on its own.
        const stalled = workload.writes.slice(outageStart, outageEnd).filter((w) => w.outcome !== 'acked');
        expect(stalled.length, 'writes sent while the tail was down').toBeGreaterThan(0);
        for (const w of stalled) expect(w.error, w.value).toMatch(/REQUEST_TIMED_OUT|NOT_ENOUGH_REPLICAS/);

        await Promise.all([cluster.kill(2), cluster.kill(3)]);
        await sleep(1000);
        await Promise.all([cluster.restart(2), cluster.restart(3)]);
        await moreAcks(workload, 'after kill -9 of the middle and the tail together');
      } finally {
        await workload.close();
      }
      await finish(cluster, workload, 'long outage + double kill');
    });
  }, 150_000);

  it('rebuilds a member, then the head, that come back with an empty disk', async () => {
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
        await cluster.kill(2);
        await cluster.restart(2, { emptyDisk: true });
        await moreAcks(workload, 'after the middle came back with an empty disk');

        // The head with nothing on disk must take the log from its successor before any write.
        await cluster.kill(1);
        await cluster.restart(1, { emptyDisk: true });
        await moreAcks(workload, 'after the head came back with an empty disk');
      } finally {
        await workload.close();
      }
      await finish(cluster, workload, 'disk loss');
    });
  }, 150_000);
});
