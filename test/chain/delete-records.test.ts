import { join } from 'node:path';
import type { DeleteRecordsResponse, ListOffsetsResponse } from '@kilgore/protocol';
import { Kafka, logLevel } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { createTopic, onCluster } from '../support/chain-views.js';
import { type ChainCluster, waitFor } from '../support/cluster.js';
import { segmentFiles } from '../support/log-dirs.js';
import { type Address, fetchOnce, request } from '../support/wire.js';

// DeleteRecords on a chain (docs/replication.md): the head moves its log start offset, the
// offset travels down the chain with ChainAppend, and the answer comes once the tail has it.
// Every member then refuses reads below it, a member that was down gets it when it is back,
// and the head that takes over after the old one is killed keeps it.

const TOPIC = 'trimmed';
const OFFSET_OUT_OF_RANGE = 1;
const NOT_LEADER_OR_FOLLOWER = 6;
const REQUEST_TIMED_OUT = 7;

/** Fetch at one node as a consumer whose rack is that node (KIP-392: a member serves it). */
const fetchAt = (cluster: ChainCluster, nodeId: number, offset: number) =>
  fetchOnce(cluster.node(nodeId).address, TOPIC, 0, offset, { rackId: String(nodeId) });

/** ListOffsets v7 earliest (-2) at one node: its log start offset, or its error. */
async function earliestAt(to: Address): Promise<{ errorCode: number; offset: number }> {
  const body = await request<ListOffsetsResponse>(to, 2, 7, {
    replicaId: -1,
    isolationLevel: 0,
    topics: [{ name: TOPIC, partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -2n }] }],
  });
  const p = body.topics[0]!.partitions[0]!;
  return { errorCode: p.errorCode, offset: Number(p.offset) };
}

/** DeleteRecords v2 sent to one node; the partition's answer. */
async function deleteRecordsAt(to: Address, offset: number, timeoutMs: number) {
  const body = await request<DeleteRecordsResponse>(
    to,
    21,
    2,
    { topics: [{ name: TOPIC, partitions: [{ partitionIndex: 0, offset: BigInt(offset) }] }], timeoutMs },
    timeoutMs + 5000,
  );
  const p = body.topics[0]!.partitions[0]!;
  return { errorCode: p.errorCode, lowWatermark: Number(p.lowWatermark) };
}

/** The log start offset each member reports to a consumer reading there (-1: it refused). */
async function startsOn(cluster: ChainCluster, ids: number[], at: number): Promise<number[]> {
  const out: number[] = [];
  for (const id of ids) {
    const r = await fetchAt(cluster, id, at);
    out.push(r.errorCode === 0 ? r.logStartOffset : -1);
  }
  return out;
}

/** Base offsets of the partition's segment files at a node (read while it runs: names only). */
function segmentBases(cluster: ChainCluster, nodeId: number): number[] {
  return segmentFiles(join(cluster.node(nodeId).logDir, `${TOPIC}-0`)).map((f) => Number(f.slice(0, 20)));
}

describe('DeleteRecords through a chain', () => {
  it('moves the log start offset of every member, times out while the tail is down, survives a new head', async () => {
    await onCluster(
      // Small segments, so the records deleted take whole segment files with them.
      { chains: [{ name: 'a', nodes: [1, 2, 3] }], settings: { 'log.segment.bytes': '4096' } },
      async (cluster) => {
        await createTopic(cluster, TOPIC, 1);
        const kafka = new Kafka({
          clientId: 'delete-records',
          brokers: cluster.bootstrap,
          logLevel: logLevel.NOTHING,
        });
        const producer = kafka.producer({ allowAutoTopicCreation: false });
        await producer.connect();
        for (let i = 0; i < 60; i += 10) {
          await producer.send({
            topic: TOPIC,
            acks: -1,
            messages: Array.from({ length: 10 }, (_, j) => ({ value: `v${i + j}-${'x'.repeat(200)}` })),
          });
        }
        await producer.disconnect();
        expect(segmentBases(cluster, 1).length, 'segments at the head').toBeGreaterThan(2);

        // Off the head, DeleteRecords is refused and nothing moves.
        expect((await deleteRecordsAt(cluster.node(2).address, 20, 5000)).errorCode).toBe(
          NOT_LEADER_OR_FOLLOWER,
        );
        expect((await deleteRecordsAt(cluster.node(3).address, 20, 5000)).errorCode).toBe(
          NOT_LEADER_OR_FOLLOWER,
        );
        expect(await startsOn(cluster, [1, 2, 3], 0)).toEqual([0, 0, 0]);

        // kafkajs's admin: answered once the whole chain has the new start offset, so every
        // member has it the moment the call returns (no waiting here).
        const admin = kafka.admin();
        await admin.connect();
        // kafkajs's deleteTopicRecords finds the leader in metadata it already has.
        await admin.fetchTopicMetadata({ topics: [TOPIC] });
        await admin.deleteTopicRecords({ topic: TOPIC, partitions: [{ partition: 0, offset: '30' }] });
        expect(await startsOn(cluster, [1, 2, 3], 30)).toEqual([30, 30, 30]);
        expect(await earliestAt(cluster.node(1).address)).toEqual({ errorCode: 0, offset: 30 });
        for (const id of [1, 2, 3]) {
          expect((await fetchAt(cluster, id, 29)).errorCode, `fetch below the start at node ${id}`).toBe(
            OFFSET_OUT_OF_RANGE,
          );
          // Whole segments below the start offset are gone on every member, alike.
          const bases = segmentBases(cluster, id);
          expect(bases[0], `node ${id}'s first segment`).toBeLessThanOrEqual(30);
          expect(bases[1] ?? Number.POSITIVE_INFINITY, `node ${id}'s second segment`).toBeGreaterThan(30);
          expect(bases, `node ${id}'s segments`).toEqual(segmentBases(cluster, 1));
        }
        expect(segmentBases(cluster, 1)[0]).toBeGreaterThan(0);

        // The tail down: the head moves, the chain cannot follow: REQUEST_TIMED_OUT in time.
        await cluster.stop(3);
        const started = Date.now();
        expect(await deleteRecordsAt(cluster.node(1).address, 40, 1500)).toMatchObject({
          errorCode: REQUEST_TIMED_OUT,
        });
        expect(Date.now() - started).toBeLessThan(10_000);
        // Back on its disk, the tail gets the start offset from the chain.
        await cluster.restart(3);
        await waitFor('the restarted tail to take log start offset 40', async () =>
          (await fetchAt(cluster, 3, 40)).logStartOffset === 40 ? true : undefined,
        );
        expect(await startsOn(cluster, [1, 2, 3], 40)).toEqual([40, 40, 40]);
        // -1 means "up to the high watermark": answered with the chain's low watermark.
        expect(await deleteRecordsAt(cluster.node(1).address, -1, 10_000)).toEqual({
          errorCode: 0,
          lowWatermark: 60,
        });
        expect(await startsOn(cluster, [1, 2, 3], 60)).toEqual([60, 60, 60]);
        // Above the high watermark: OFFSET_OUT_OF_RANGE, nothing moves.
        expect((await deleteRecordsAt(cluster.node(1).address, 61, 5000)).errorCode).toBe(
          OFFSET_OUT_OF_RANGE,
        );
        await admin.disconnect();

        // The head killed; the chain re-forms as 2 -> 3: the new head still starts at 60.
        await cluster.kill(1);
        cluster.setMembership([{ name: 'a', nodes: [2, 3] }]);
        const earliest = await waitFor('the new head to serve ListOffsets', async () => {
          const r = await earliestAt(cluster.node(2).address);
          return r.errorCode === 0 ? r : undefined;
        });
        expect(earliest.offset).toBe(60);
        expect((await fetchAt(cluster, 3, 59)).errorCode).toBe(OFFSET_OUT_OF_RANGE);

        // The old head back as the tail, on its disk (killed -9: its own start offset may be
        // older on disk): it ends with the new head's.
        cluster.setMembership([{ name: 'a', nodes: [2, 3, 1] }]);
        await cluster.restart(1);
        await waitFor('node 1 (now the tail) to start at 60', async () =>
          (await fetchAt(cluster, 1, 60)).logStartOffset === 60 ? true : undefined,
        );
        expect((await fetchAt(cluster, 1, 30)).errorCode).toBe(OFFSET_OUT_OF_RANGE);
      },
    );
  }, 120_000);
});
