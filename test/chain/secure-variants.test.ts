import { rmSync } from 'node:fs';
import { ChainApiKey, PeerClosedError, PeerConnection } from '@kilgore/chain';
import { ApiKey, type CreateTopicsResponse } from '@kilgore/protocol';
import { Kafka, type KafkaConfig, logLevel } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { onCluster } from '../support/chain-views.js';
import { type ChainCluster, waitFor } from '../support/cluster.js';
import {
  ADMIN_USER,
  chainConnection,
  type ListenerProtocol,
  SecureClient,
  type SecureClusterSetup,
  secureClusterSetup,
} from '../support/secure-cluster.js';

// The other ways a cluster can secure its listeners, each with a 3-node chain and the authorizer
// on: SSL with client certificates required (nodes are User:CN=localhost, a super user) and
// SASL_PLAINTEXT with PLAIN between nodes. acks=all only completes when the chain's own
// connections got through, so each writes through kafkajs and reads back through a group.

const TOPIC = 'events';

async function onSecureCluster(
  protocol: ListenerProtocol,
  interBroker: string,
  body: (cluster: ChainCluster, setup: SecureClusterSetup) => Promise<void>,
): Promise<void> {
  const setup = secureClusterSetup(protocol, interBroker);
  try {
    await onCluster(
      { chains: [{ name: 'a', nodes: [1, 2, 3] }], settings: setup.settings, probe: setup.probe },
      (cluster) => body(cluster, setup),
    );
  } finally {
    rmSync(setup.dir, { recursive: true, force: true });
  }
}

async function createTopic(cluster: ChainCluster, login: ReturnType<SecureClusterSetup['as']>) {
  const c = await SecureClient.connect(cluster.node(3).address, login);
  try {
    const res = await c.request<CreateTopicsResponse>(ApiKey.CreateTopics, 4, {
      topics: [{ name: TOPIC, numPartitions: 2, replicationFactor: -1, assignments: [], configs: [] }],
      timeoutMs: 10_000,
      validateOnly: false,
    });
    expect(res.topics[0]?.errorCode).toBe(0);
  } finally {
    c.close();
  }
}

/** kafkajs writes 40 messages with acks=all and a group reads them all back. */
async function writeAndReadBack(cluster: ChainCluster, client: Partial<KafkaConfig>): Promise<void> {
  const kafka = new Kafka({
    clientId: 'secure-variant',
    brokers: cluster.bootstrap,
    logLevel: logLevel.NOTHING,
    ...client,
  });
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const sent: string[] = [];
  for (let i = 0; i < 40; i += 10) {
    const values = Array.from({ length: 10 }, (_, j) => `e${i + j}`);
    await producer.send({
      topic: TOPIC,
      acks: -1,
      messages: values.map((value) => ({ partition: (i / 10) % 2, value })),
    });
    sent.push(...values);
  }
  await producer.disconnect();
  const consumer = kafka.consumer({ groupId: 'variant-readers' });
  const seen: string[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      seen.push(message.value?.toString() ?? '');
    },
  });
  await waitFor('the group reads every message', () => (seen.length >= sent.length ? true : undefined));
  await consumer.disconnect();
  expect([...seen].sort()).toEqual([...sent].sort());
}

const pull = { senderId: 99, pull: true, topics: [], chainEpochs: [], security: null };

describe('chain replication over other secured listeners', () => {
  it('SSL with required client certificates: nodes replicate as CN=localhost; another certificate may not send chain messages', async () => {
    await onSecureCluster('SSL', 'PLAIN', async (cluster, setup) => {
      const nodeLogin = setup.as({ tls: setup.node });
      await createTopic(cluster, nodeLogin);
      await writeAndReadBack(cluster, {
        ssl: { ca: [setup.ca], key: setup.node.key, cert: setup.node.cert },
      });

      const alice = await chainConnection(cluster.node(2).address, setup.as({ tls: setup.alice }));
      await expect(alice.request(ChainApiKey.TopicSync, pull)).rejects.toBeInstanceOf(PeerClosedError);
      const node = await chainConnection(cluster.node(2).address, nodeLogin);
      const answer = await node.request<{ errorCode: number }>(ChainApiKey.TopicSync, pull);
      node.close();
      expect(answer.errorCode).toBe(0);
    });
  }, 120_000);

  it('SASL_PLAINTEXT with PLAIN between nodes; a peer that skips SASL is turned away', async () => {
    await onSecureCluster('SASL_PLAINTEXT', 'PLAIN', async (cluster, setup) => {
      await createTopic(cluster, setup.as({ ...ADMIN_USER, mechanism: 'PLAIN' }));
      await writeAndReadBack(cluster, {
        sasl: { mechanism: 'plain', username: ADMIN_USER.user, password: ADMIN_USER.password },
      });

      // Plain TCP, no SASL: the SASL gate closes the connection at the first chain request.
      const { host, port } = cluster.node(2).address;
      const anonymous = await PeerConnection.connect(host, port, 5000);
      await expect(anonymous.request(ChainApiKey.TopicSync, pull)).rejects.toBeInstanceOf(PeerClosedError);
      expect(cluster.node(2).output).toMatch(/api key 10003 before SASL authentication/);
    });
  }, 120_000);
});
