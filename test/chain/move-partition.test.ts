import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { AlterPartitionReassignmentsResponse, DescribeLogDirsResponse } from '@kilgore/protocol';
import { Kafka, logLevel } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { committedView, createTopic, diskViews, onCluster, placementFrom } from '../support/chain-views.js';
import { type ChainCluster, sleep, waitFor } from '../support/cluster.js';
import { checkHistory } from '../support/history.js';
import { fetchAll, request } from '../support/wire.js';
import { Workload } from '../support/workload.js';

// AlterPartitionReassignments moving a partition from one chain to another while producers
// write (acks=all, no retries: every attempt's outcome is known). The target chain's head takes
// the partition, copies it from the old chain and its replicas catch up; the reassignment is
// listed until then. Afterwards every node's Metadata names the new chain, the old chain's nodes
// have deleted their files, and every acknowledged write is readable at the new head in order.

const TOPIC = 'moving';
const PARTITIONS = 4;
const A = { name: 'a', nodes: [1, 2] };
const B = { name: 'b', nodes: [3, 4] };

function admin(brokers: string[]) {
  return new Kafka({
    clientId: 'move-test-admin',
    brokers,
    logLevel: logLevel.NOTHING,
    retry: { retries: 3 },
  }).admin();
}

/** A partition of the topic that chain a leads now. */
async function partitionOnA(cluster: ChainCluster): Promise<number> {
  const p = (await placementFrom(cluster, 1, TOPIC)).find((x) => x.leader === 1);
  if (p === undefined) throw new Error(`chain a leads no partition of ${TOPIC}`);
  return p.partition;
}

describe('moving a partition to another chain (AlterPartitionReassignments)', () => {
  it('moves it under produce load with its data; nothing acknowledged lost; old files deleted', async () => {
    await onCluster({ chains: [A, B] }, async (cluster) => {
      await createTopic(cluster, TOPIC, PARTITIONS, 2);
      const moved = await partitionOnA(cluster);
      const epochBefore = (await placementFrom(cluster, 1, TOPIC))[moved]!.leaderEpoch;
      // A long produce timeout: a write waiting at the old head when it lets go must be answered
      // then (it may be on the new chain: unknown), not after 60 s, or the lane below stalls.
      const workload = new Workload({
        brokers: cluster.bootstrap,
        topic: TOPIC,
        partitions: PARTITIONS,
        producers: 1,
        produceTimeoutMs: 60_000,
        requestTimeoutMs: 70_000,
      });
      const a = admin(cluster.bootstrap);
      let listedDuring = false;
      try {
        await a.connect();
        await workload.start();
        await workload.waitForEveryPartition(20);
        await a.alterPartitionReassignments({
          topics: [{ topic: TOPIC, partitionAssignment: [{ partition: moved, replicas: [3, 4] }] }],
        });
        await waitFor(
          'the move to finish (no reassignment listed, every node placing it on chain b)',
          async () => {
            const listed = await a.listPartitionReassignments({});
            if (listed.topics.length > 0) {
              listedDuring = true;
              const p = listed.topics[0]!.partitions[0]!;
              expect(p.addingReplicas).toEqual([3, 4]);
              expect(p.removingReplicas).toEqual([1, 2]);
              return undefined;
            }
            for (const id of [...A.nodes, ...B.nodes]) {
              const p = (await placementFrom(cluster, id, TOPIC))[moved]!;
              // A newer leader epoch than chain a's: clients drop Metadata with an older one.
              if (p.leader !== 3 || p.replicas.join() !== '3,4' || p.leaderEpoch <= epochBefore)
                return undefined;
            }
            return true;
          },
          60_000,
        );
        // Writes go on at the new head.
        await workload.waitForEveryPartition(10, 30_000);
        await workload.waitForMoreAcks(100, 30_000);
        await workload.stop();
        await workload.fence();
      } finally {
        await a.disconnect();
        await workload.close();
      }
      const placements = await placementFrom(cluster, 1, TOPIC);
      expect(placements[moved]!.replicas).toEqual([3, 4]);
      const committed = await committedView(cluster, TOPIC, placements);
      await cluster.stopAll();
      // The old chain's replicas are gone from disk (DescribeLogDirs lists files).
      for (const id of A.nodes) {
        expect(
          existsSync(join(cluster.node(id).logDir, `${TOPIC}-${moved}`)),
          `node ${id} keeps ${TOPIC}-${moved}`,
        ).toBe(false);
      }
      const acked = workload.writes.filter((w) => w.partition === moved && w.outcome === 'acked').length;
      const result = checkHistory(workload.writes, [committed, ...diskViews(cluster, TOPIC, placements)]);
      console.log(
        `move-partition (${TOPIC}-${moved} a -> b, listed while moving: ${listedDuring}, ${acked} acked on it): ${result.summary}`,
      );
      expect(acked).toBeGreaterThan(20);
      expect(result.violations).toEqual([]);
    });
  }, 150_000);

  it('finishes after kill -9 of the target head between the switch and the copy', async () => {
    await onCluster({ chains: [A, B] }, async (cluster) => {
      await createTopic(cluster, TOPIC, PARTITIONS, 2);
      const moved = await partitionOnA(cluster);
      const workload = new Workload({
        brokers: cluster.bootstrap,
        topic: TOPIC,
        partitions: PARTITIONS,
        producers: 1,
      });
      const a = admin([cluster.node(1).bootstrap, cluster.node(2).bootstrap]);
      try {
        await a.connect();
        await workload.start();
        await workload.waitForEveryPartition(20);
        // Chain b's tail is down: its head takes the partition over, then cannot copy it (it
        // reconciles first, and waits for every member).
        await cluster.kill(4);
        await a.alterPartitionReassignments({
          topics: [{ topic: TOPIC, partitionAssignment: [{ partition: moved, replicas: [3, 4] }] }],
        });
        await waitFor('chain a to let the partition go', async () => {
          const p = (await placementFrom(cluster, 1, TOPIC))[moved]!;
          return p.leader === 3 ? true : undefined;
        });
        expect((await a.listPartitionReassignments({})).topics.length).toBe(1);
        await cluster.kill(3);
        await cluster.restart(3);
        await cluster.restart(4);
        await waitFor(
          'the move to finish after the restarts',
          async () => {
            if ((await a.listPartitionReassignments({})).topics.length > 0) return undefined;
            for (const id of [1, 2, 3, 4]) {
              const p = (await placementFrom(cluster, id, TOPIC))[moved]!;
              if (p.leader !== 3 || p.replicas.join() !== '3,4') return undefined;
            }
            return true;
          },
          60_000,
        );
        await workload.waitForEveryPartition(10, 30_000);
        await workload.waitForMoreAcks(100, 30_000);
        await workload.stop();
        await workload.fence();
      } finally {
        await a.disconnect();
        await workload.close();
      }
      const placements = await placementFrom(cluster, 1, TOPIC);
      const committed = await committedView(cluster, TOPIC, placements);
      await cluster.stopAll();
      const acked = workload.writes.filter((w) => w.partition === moved && w.outcome === 'acked').length;
      const result = checkHistory(workload.writes, [committed, ...diskViews(cluster, TOPIC, placements)]);
      console.log(`move-partition with kill -9 of the target head (${acked} acked on it): ${result.summary}`);
      expect(acked).toBeGreaterThan(20);
      expect(result.violations).toEqual([]);
    });
  }, 150_000);

  it('waits for the old head when it holds the only copy (R=1) and is down at the switch', async () => {
    await onCluster({ chains: [A, B] }, async (cluster) => {
      await createTopic(cluster, TOPIC, PARTITIONS, 1);
      const moved = await partitionOnA(cluster);
      const kafka = new Kafka({ brokers: cluster.bootstrap, logLevel: logLevel.NOTHING });
      const producer = kafka.producer();
      await producer.connect();
      const values = Array.from({ length: 200 }, (_, i) => `only-on-1/${i}`);
      await producer.send({
        topic: TOPIC,
        acks: -1,
        messages: values.map((value) => ({ value, partition: moved })),
      });
      await producer.disconnect();
      await cluster.kill(1);
      const a = admin([cluster.node(2).bootstrap, cluster.node(3).bootstrap]);
      try {
        await a.connect();
        await a.alterPartitionReassignments({
          topics: [{ topic: TOPIC, partitionAssignment: [{ partition: moved, replicas: [3] }] }],
        });
        await sleep(2000);
        await cluster.restart(1);
        await waitFor('the move to finish', async () => {
          if ((await a.listPartitionReassignments({})).topics.length > 0) return undefined;
          const p = (await placementFrom(cluster, 3, TOPIC))[moved]!;
          return p.leader === 3 && p.replicas.join() === '3' ? true : undefined;
        });
      } finally {
        await a.disconnect();
      }
      const there = await fetchAll(cluster.node(3).address, TOPIC, moved);
      expect(there.map((r) => r.value)).toEqual(values);
    });
  }, 90_000);

  it('answers a produce waiting at the old head for acks=all when the partition leaves', async () => {
    await onCluster({ chains: [A, B] }, async (cluster) => {
      await createTopic(cluster, TOPIC, PARTITIONS, 2);
      const moved = await partitionOnA(cluster);
      const kafka = new Kafka({
        brokers: [cluster.node(1).bootstrap],
        logLevel: logLevel.NOTHING,
        requestTimeout: 90_000,
        retry: { retries: 0 },
      });
      const producer = kafka.producer({ retry: { retries: 0 } });
      await producer.connect();
      const a = admin([cluster.node(3).bootstrap]);
      try {
        // Chain a's tail is frozen: the head appends the write and waits for an ack that cannot
        // come (the produce's own timeout is 60 s).
        cluster.pause(2);
        const waiting = producer
          .send({
            topic: TOPIC,
            acks: -1,
            timeout: 60_000,
            messages: [{ value: 'waiting', partition: moved }],
          })
          .then(
            () => 'acknowledged',
            // kafkajs wraps the one attempt's error.
            (err: { type?: string; name?: string; cause?: { type?: string } }) =>
              err.cause?.type ?? err.type ?? err.name ?? 'error',
          );
        await waitFor('node 1 to have appended the write (its log dir holds it)', async () => {
          const dirs = await request<DescribeLogDirsResponse>(cluster.node(1).address, 35, 1, {
            topics: [{ topic: TOPIC, partitions: [moved] }],
          });
          const size = dirs.results[0]?.topics[0]?.partitions[0]?.partitionSize ?? 0n;
          return size > 0n ? true : undefined;
        });
        await a.connect();
        await a.alterPartitionReassignments({
          topics: [{ topic: TOPIC, partitionAssignment: [{ partition: moved, replicas: [3, 4] }] }],
        });
        // Answered when node 1 lets the partition go, long before its 60 s: retriable, and not
        // "not appended" (it may be on the new chain).
        const answer = await Promise.race([waiting, sleep(20_000).then(() => 'still waiting after 20 s')]);
        expect(answer).toBe('REQUEST_TIMED_OUT');
      } finally {
        cluster.resume(2);
        await producer.disconnect();
        await a.disconnect();
      }
    });
  }, 90_000);

  it('is listed until the target chain takes it; a cancel before that leaves it where it was', async () => {
    await onCluster({ chains: [A, B] }, async (cluster) => {
      await createTopic(cluster, TOPIC, PARTITIONS, 2);
      const moved = await partitionOnA(cluster);
      // Chain b's head cannot open (it waits for its member 4, down): nobody takes the partition.
      await cluster.kill(4);
      await cluster.kill(3);
      await cluster.restart(3);
      const a = admin([cluster.node(1).bootstrap, cluster.node(3).bootstrap]);
      try {
        await a.connect();
        await a.alterPartitionReassignments({
          topics: [{ topic: TOPIC, partitionAssignment: [{ partition: moved, replicas: [3, 4] }] }],
        });
        const listed = await a.listPartitionReassignments({});
        expect(listed.topics.map((t) => t.partitions.map((p) => [p.partition, p.replicas]))).toEqual([
          [[moved, [3, 4, 1, 2]]],
        ]);
        expect((await placementFrom(cluster, 1, TOPIC))[moved]!.leader).toBe(1);
        // A cancel (replicas null; kafkajs refuses to send one, so a raw request).
        const cancel = await request<AlterPartitionReassignmentsResponse>(cluster.node(1).address, 45, 0, {
          timeoutMs: 5000,
          topics: [{ name: TOPIC, partitions: [{ partitionIndex: moved, replicas: null }] }],
        });
        expect(cancel.responses[0]!.partitions[0]!.errorCode).toBe(0);
        await waitFor('the cancel to reach every node', async () => {
          const l = await a.listPartitionReassignments({});
          return l.topics.length === 0 ? true : undefined;
        });
        for (const id of [1, 2, 3]) {
          const p = (await placementFrom(cluster, id, TOPIC))[moved]!;
          expect(p.leader, `node ${id}: leader of ${TOPIC}-${moved}`).toBe(1);
          expect(p.replicas).toEqual([1, 2]);
        }
      } finally {
        await a.disconnect();
      }
    });
  }, 90_000);
});
