import { Kafka, logLevel } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { committedView, createTopic, diskViews, onCluster, placementFrom } from '../support/chain-views.js';
import { waitFor } from '../support/cluster.js';
import { segmentBytes, segmentProblems } from '../support/log-dirs.js';
import { fetchOnce, produceOnce } from '../support/wire.js';

// One chain of three node processes on 127.0.0.1, .2, .3: Metadata from any node describes the
// chain, only the head takes writes, kafkajs produces with acks=all and consumes through a
// group, and afterwards the three log dirs hold the same bytes.

const TOPIC = 'orders';
const PARTITIONS = 3;
const MESSAGES = 300;

describe('a 3-node chain', () => {
  it('replicates acks=all writes to byte-identical logs and serves them to a consumer group', async () => {
    await onCluster({ chains: [{ name: 'a', nodes: [1, 2, 3] }] }, async (cluster) => {
      await createTopic(cluster, TOPIC, PARTITIONS);

      // Metadata from every node: all three brokers at their own addresses; head leads, chain = replicas = ISR.
      for (const id of [1, 2, 3]) {
        const md = await cluster.metadataFrom(id, [TOPIC]);
        expect(
          [...md.brokers]
            .map((b) => ({ nodeId: b.nodeId, host: b.host, port: b.port }))
            .sort((a, b) => a.nodeId - b.nodeId),
        ).toEqual([1, 2, 3].map((n) => ({ nodeId: n, ...cluster.node(n).address })));
        const placements = await placementFrom(cluster, id, TOPIC);
        for (const p of placements) {
          expect(p, `partition ${p.key} as node ${id} describes it`).toMatchObject({
            leader: 1,
            replicas: [1, 2, 3],
            isr: [1, 2, 3],
          });
        }
      }

      // A write at a node that is not the head is refused (and lands nowhere: checked below).
      expect(await produceOnce(cluster.node(2).address, TOPIC, 0, ['not-at-the-head'])).toBe(6); // NOT_LEADER_OR_FOLLOWER
      expect(await produceOnce(cluster.node(3).address, TOPIC, 0, ['not-at-the-head'])).toBe(6);
      // Consumers are served by the head too (docs/replication.md: Fetch elsewhere is refused).
      expect((await fetchOnce(cluster.node(2).address, TOPIC, 0, 0)).errorCode).toBe(6);

      const kafka = new Kafka({
        clientId: 'chain-test',
        brokers: cluster.bootstrap,
        logLevel: logLevel.NOTHING,
      });
      const producer = kafka.producer({ allowAutoTopicCreation: false });
      await producer.connect();
      const sent = new Map<number, string[]>();
      for (let i = 0; i < MESSAGES; i += 10) {
        // Batches of 10 records, spread over the partitions.
        const partition = (i / 10) % PARTITIONS;
        const values = Array.from({ length: 10 }, (_, j) => `m${i + j}`);
        await producer.send({
          topic: TOPIC,
          acks: -1,
          messages: values.map((value) => ({ partition, value })),
        });
        sent.set(partition, [...(sent.get(partition) ?? []), ...values]);
      }
      await producer.disconnect();

      const consumer = kafka.consumer({
        groupId: 'chain-readers',
        sessionTimeout: 10_000,
        heartbeatInterval: 500,
      });
      const received = new Map<number, string[]>();
      let count = 0;
      await consumer.connect();
      await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ partition, message }) => {
          received.set(partition, [...(received.get(partition) ?? []), message.value!.toString()]);
          count++;
        },
      });
      try {
        await waitFor(
          `the group to consume ${MESSAGES} records (has ${count})`,
          () => (count >= MESSAGES ? true : undefined),
          30_000,
        );
      } finally {
        await consumer.disconnect();
      }
      expect(received).toEqual(sent);

      // The group's commits went through the chain too: the coordinator has them.
      const admin = kafka.admin();
      await admin.connect();
      const committed = await admin.fetchOffsets({ groupId: 'chain-readers', topics: [TOPIC] });
      await admin.disconnect();
      const byNumber = (a: number, b: number) => a - b;
      expect(committed[0]!.partitions.map((p) => Number(p.offset)).sort(byNumber)).toEqual(
        [...sent.values()].map((v) => v.length).sort(byNumber),
      );

      const placements = await placementFrom(cluster, 1, TOPIC);
      const consumerView = await committedView(cluster, TOPIC, placements);
      await cluster.stopAll();

      // Same records everywhere, and the very same segment bytes.
      const disks = diskViews(cluster, TOPIC, placements);
      for (const d of disks) expect(d.partitions, d.source).toEqual(consumerView.partitions);
      const head = segmentBytes(cluster.node(1).logDir);
      expect([...head.keys()].filter((k) => k.startsWith(`${TOPIC}-`)).length).toBe(PARTITIONS);
      for (const id of [2, 3]) {
        const other = segmentBytes(cluster.node(id).logDir);
        expect([...other.keys()].sort(), `segment files of node ${id}`).toEqual([...head.keys()].sort());
        for (const [file, bytes] of head) {
          expect(other.get(file)!.equals(bytes), `node ${id} ${file} is byte-identical to node 1's`).toBe(
            true,
          );
        }
      }
      for (const id of [1, 2, 3]) expect(segmentProblems(cluster.node(id).logDir), `node ${id}`).toEqual([]);
    });
  }, 90_000);
});
