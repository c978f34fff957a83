import { bootstrapFromSrv } from '@kilgore/discovery';
import { Kafka, logLevel } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { committedView, createTopic, diskViews, placementFrom } from '../support/chain-views.js';
import { sleep, waitFor } from '../support/cluster.js';
import { checkHistory } from '../support/history.js';
import { Workload } from '../support/workload.js';
import { SRV_NAME, SrvCluster } from './support/srv-cluster.js';

// Three node processes told only an SRV name and a DNS server (dnsmasq behind a relay). They
// form the chain DNS describes; kafkajs finds them through the same SRV name and produces and
// consumes; DNS answering garbage or nothing changes nothing; dnsmasq restarted without a node,
// then with it again, re-forms the chain each time while writes go on (the node stopped while it
// is out, then the node left running); no acknowledged write is lost (the chain tests' history
// checker).

const TOPIC = 'found-by-dns';
const PARTITIONS = 3;
const BETWEEN = 100;

describe('a 3-node chain configured only by DNS SRV', () => {
  it('forms from the SRV answer, survives DNS failures, and re-forms when the records change', async () => {
    const cluster = await SrvCluster.start([1, 2, 3]);
    const chain = cluster.asChainCluster();
    let failed = true;
    const chainIs = async (ids: number[], from: number[]) => {
      const started = Date.now();
      await waitFor(
        `Metadata from nodes ${from.join(',')} to describe the chain ${ids.join(' -> ')}`,
        async () => {
          for (const id of from) {
            const ps = await placementFrom(chain, id, TOPIC);
            if (!ps.every((p) => p.leader === ids[0] && p.replicas.join() === ids.join())) return undefined;
          }
          return true;
        },
      );
      // A figure, not an assertion: how long DNS took to reach the nodes (TTL 1 s, floor 200 ms).
      console.log(
        `srv-chain: chain ${ids.join(' -> ')} seen by nodes ${from.join(',')} after ${Date.now() - started} ms`,
      );
    };
    try {
      await cluster.waitReady();
      // Metadata lists every node at the address DNS gave for it.
      const md = await cluster.metadataFrom(3);
      expect([...md.brokers].map((b) => `${b.nodeId}@${b.host}:${b.port}`).sort()).toEqual(
        [1, 2, 3].map((id) => `${id}@${cluster.node(id).bootstrap}`),
      );
      await createTopic(chain, TOPIC, PARTITIONS);
      await chainIs([1, 2, 3], [1, 2, 3]);

      // kafkajs bootstraps from the SRV name, produces with acks=all and consumes through a group.
      const brokers = await bootstrapFromSrv(SRV_NAME, cluster.proxy.server, { resolveTargets: true });
      expect(brokers).toEqual(cluster.bootstrap);
      const kafka = new Kafka({ clientId: 'srv-chain-test', brokers, logLevel: logLevel.NOTHING });
      const producer = kafka.producer({ allowAutoTopicCreation: false });
      await producer.connect();
      const sent = Array.from({ length: 30 }, (_, i) => `hello-${i}`);
      await producer.send({
        topic: TOPIC,
        acks: -1,
        messages: sent.map((value, i) => ({ partition: i % PARTITIONS, value })),
      });
      await producer.disconnect();
      const consumer = kafka.consumer({ groupId: 'srv-chain-group' });
      await consumer.connect();
      await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
      const received: string[] = [];
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`consumed ${received.length} of ${sent.length}`)),
          30_000,
        );
        consumer
          .run({
            eachMessage: async ({ message }) => {
              received.push(message.value?.toString() ?? '');
              if (received.length >= sent.length) {
                clearTimeout(timer);
                resolve();
              }
            },
          })
          .catch(reject);
      });
      await consumer.disconnect();
      expect(received.sort()).toEqual([...sent].sort());

      const workload = new Workload({
        brokers: cluster.bootstrap,
        topic: TOPIC,
        partitions: PARTITIONS,
        producers: 2,
      });
      try {
        await workload.start();
        await workload.waitForMoreAcks(BETWEEN);

        // DNS answers garbage, then nothing, for several TTLs: the chain stays, writes go on.
        for (const mode of ['garbage', 'silent'] as const) {
          cluster.proxy.mode = mode;
          await sleep(3000);
          await workload.waitForMoreAcks(BETWEEN, 20_000);
          await chainIs([1, 2, 3], [1, 2, 3]);
          cluster.proxy.mode = 'forward';
        }
        for (const id of [1, 2, 3])
          expect(cluster.node(id).output).toMatch(
            /SRV discovery: lookup failed \(keeping the last good membership\)/,
          );

        // Node 2 goes away and DNS stops listing it: the chain re-forms as 1 -> 3.
        await cluster.node(2).signal('SIGTERM');
        await cluster.setDnsMembers([1, 3]);
        await chainIs([1, 3], [1, 3]);
        await workload.waitForMoreAcks(BETWEEN, 25_000);

        // DNS lists it again and it comes back (its disk kept): 1 -> 2 -> 3, writes go on.
        await cluster.setDnsMembers([1, 2, 3]);
        cluster.node(2).spawn();
        await cluster.node(2).waitReady();
        await chainIs([1, 2, 3], [1, 2, 3]);
        await workload.waitForMoreAcks(BETWEEN, 25_000);

        // The same with node 2 left running: DNS alone takes it out of the chain and puts it back.
        await cluster.setDnsMembers([1, 3]);
        await chainIs([1, 3], [1, 3]);
        await workload.waitForMoreAcks(BETWEEN, 25_000);
        await cluster.setDnsMembers([1, 2, 3]);
        await chainIs([1, 2, 3], [1, 2, 3]);
        await workload.waitForMoreAcks(BETWEEN, 25_000);
        await workload.stop();
        await workload.fence();
      } finally {
        await workload.close();
      }
      const placements = await placementFrom(chain, 1, TOPIC);
      const committed = await committedView(chain, TOPIC, placements);
      await Promise.all([...cluster.nodes.values()].map((n) => n.signal('SIGTERM')));
      const helloes = { topic: TOPIC, producer: 'hello', outcome: 'acked' as const };
      const result = checkHistory(
        [
          ...sent.map((value, i) => ({
            ...helloes,
            partition: i % PARTITIONS,
            seq: Math.floor(i / PARTITIONS),
            value,
          })),
          ...workload.writes,
        ],
        [committed, ...diskViews(chain, TOPIC, placements)],
      );
      console.log(`srv-chain: ${result.summary}`);
      expect(result.violations).toEqual([]);
      failed = false;
    } finally {
      if (failed)
        console.error(`SRV chain test failed; directories kept in ${cluster.root}\n${cluster.outputs()}`);
      await cluster.close(failed);
    }
  }, 180_000);
});
