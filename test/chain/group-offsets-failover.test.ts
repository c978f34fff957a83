import { Kafka, logLevel } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { createTopic, onCluster } from '../support/chain-views.js';
import { waitFor } from '../support/cluster.js';

// Committed offsets live in __consumer_offsets, which is replicated like any partition: after
// the group coordinator (the head) loses its disk, the group's committed offset is still there
// (taken from the other members) and a new consumer of the group resumes from it.

const TOPIC = 'events';
const COMMITTED = 40;
const TOTAL = 100;

describe('consumer group offsets on a chain', () => {
  it('survive the coordinator coming back with an empty disk', async () => {
    await onCluster({ chains: [{ name: 'a', nodes: [1, 2, 3] }] }, async (cluster) => {
      await createTopic(cluster, TOPIC, 1);
      const kafka = new Kafka({
        clientId: 'chain-test',
        brokers: cluster.bootstrap,
        logLevel: logLevel.NOTHING,
        retry: { retries: 8, initialRetryTime: 200 },
      });
      const producer = kafka.producer({ allowAutoTopicCreation: false });
      await producer.connect();
      await producer.send({
        topic: TOPIC,
        acks: -1,
        messages: Array.from({ length: TOTAL }, (_, i) => ({ value: `e${i}` })),
      });
      await producer.disconnect();

      // A first consumer reads everything but commits only up to COMMITTED.
      const first = kafka.consumer({ groupId: 'resumers', sessionTimeout: 10_000, heartbeatInterval: 500 });
      let seen = 0;
      await first.connect();
      await first.subscribe({ topic: TOPIC, fromBeginning: true });
      await first.run({
        autoCommit: false,
        eachMessage: async () => {
          seen++;
        },
      });
      try {
        await waitFor(`the first consumer to read ${TOTAL} (has ${seen})`, () =>
          seen >= TOTAL ? true : undefined,
        );
        await first.commitOffsets([{ topic: TOPIC, partition: 0, offset: String(COMMITTED) }]);
      } finally {
        await first.disconnect();
      }

      const committedOffset = async () => {
        const admin = kafka.admin();
        await admin.connect();
        try {
          const [t] = await admin.fetchOffsets({ groupId: 'resumers', topics: [TOPIC] });
          return Number(t!.partitions[0]!.offset);
        } finally {
          await admin.disconnect();
        }
      };
      expect(await committedOffset()).toBe(COMMITTED);

      // The coordinator (head of the chain owning __consumer_offsets) loses its disk.
      await cluster.kill(1);
      await cluster.restart(1, { emptyDisk: true });
      const after = await waitFor(
        'the coordinator to answer OffsetFetch again',
        async () => committedOffset(),
        30_000,
        500,
      );
      expect(after, 'committed offset after the coordinator lost its disk').toBe(COMMITTED);

      // A new member of the group starts where the group left off, and reads the rest.
      const second = kafka.consumer({ groupId: 'resumers', sessionTimeout: 10_000, heartbeatInterval: 500 });
      const values: string[] = [];
      const offsets: number[] = [];
      await second.connect();
      await second.subscribe({ topic: TOPIC, fromBeginning: true });
      await second.run({
        eachMessage: async ({ message }) => {
          values.push(message.value!.toString());
          offsets.push(Number(message.offset));
        },
      });
      try {
        await waitFor(
          `the second consumer to read ${TOTAL - COMMITTED} (has ${values.length})`,
          () => (values.length >= TOTAL - COMMITTED ? true : undefined),
          30_000,
        );
      } finally {
        await second.disconnect();
      }
      expect(offsets[0], 'first offset read by the resumed group').toBe(COMMITTED);
      expect(values).toEqual(Array.from({ length: TOTAL - COMMITTED }, (_, i) => `e${COMMITTED + i}`));
    });
  }, 120_000);
});
