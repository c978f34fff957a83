import { pbkdf2Sync, randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { ChainApiKey, PeerClosedError } from '@kilgore/chain';
import {
  type AlterUserScramCredentialsResponse,
  ApiKey,
  type CreateAclsResponse,
  type CreateTopicsResponse,
  encodeRecordBatchSync,
  type ProduceResponse,
} from '@kilgore/protocol';
import { Kafka, logLevel } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { onCluster } from '../support/chain-views.js';
import type { ChainCluster } from '../support/cluster.js';
import { waitFor } from '../support/cluster.js';
import {
  ADMIN_USER,
  chainConnectionAs,
  NODE_USER,
  SecureClient,
  secureClusterSetup,
} from '../support/secure-cluster.js';

// A 3-node chain whose only listener is SASL_SSL, with the authorizer on: nodes replicate to each
// other over TLS after a SCRAM login as `node` (a super user); a client principal may not send
// chain messages; ACLs and SCRAM credentials made at one node hold at every node, and a node
// restarted with an empty disk gets them back from a peer.

const TOPIC = 'orders';
const GROUP = 'orders-readers';
const ALICE = { user: 'alice', password: 'alice-secret' };
const NOT_LEADER = 6;
const TOPIC_AUTHORIZATION_FAILED = 29;

// ACL codes (Kafka's): resource TOPIC 2, GROUP 3; pattern LITERAL 3; READ 3, WRITE 4, DESCRIBE 8; ALLOW 3.
const allow = (resourceType: number, resourceName: string, operation: number) => ({
  resourceType,
  resourceName,
  resourcePatternType: 3,
  principal: `User:${ALICE.user}`,
  host: '*',
  operation,
  permissionType: 3,
});

describe('a 3-node chain on SASL_SSL listeners with the authorizer on', () => {
  it('replicates over TLS+SCRAM, keeps chain messages to nodes, and shares ACLs and SCRAM users', async () => {
    const setup = secureClusterSetup();
    const { ca } = setup;
    try {
      await onCluster(
        { chains: [{ name: 'a', nodes: [1, 2, 3] }], settings: setup.settings, probe: setup.probe },
        async (cluster) => {
          const as = (id: number, who: { user: string; password: string }, mechanism = 'SCRAM-SHA-256') =>
            SecureClient.open(cluster.node(id).address, ca, who.user, who.password, mechanism);
          const adminAt = (id: number) => as(id, ADMIN_USER, 'PLAIN');

          // A topic, created at node 2 (topic creations travel over the secured sync too).
          const created = await withClient(adminAt(2), (c) =>
            c.request<CreateTopicsResponse>(ApiKey.CreateTopics, 4, {
              topics: [
                { name: TOPIC, numPartitions: 3, replicationFactor: -1, assignments: [], configs: [] },
              ],
              timeoutMs: 10_000,
              validateOnly: false,
            }),
          );
          expect(created.topics[0]?.errorCode).toBe(0);

          // SCRAM user made at node 2 logs in at nodes 1 and 3 (credentials replicated).
          const salt = randomBytes(32);
          const altered = await withClient(adminAt(2), (c) =>
            c.request<AlterUserScramCredentialsResponse>(ApiKey.AlterUserScramCredentials, 0, {
              deletions: [],
              upsertions: [
                {
                  name: ALICE.user,
                  mechanism: 1, // SCRAM-SHA-256
                  iterations: 4096,
                  salt,
                  saltedPassword: pbkdf2Sync(ALICE.password, salt, 4096, 32, 'sha256'),
                },
              ],
            }),
          );
          expect(altered.results).toEqual([{ user: ALICE.user, errorCode: 0, errorMessage: null }]);
          for (const id of [1, 3]) {
            await waitFor(
              `alice logs in with SCRAM at node ${id}`,
              async () => {
                (await as(id, ALICE)).close();
                return true;
              },
              15_000,
            );
          }

          // Without ACLs alice may not write: node 2 and 3 answer TOPIC_AUTHORIZATION_FAILED.
          for (const id of [2, 3])
            expect(await produceAs(cluster, id, ALICE, ca)).toBe(TOPIC_AUTHORIZATION_FAILED);

          // ACLs created at node 1 are enforced at nodes 2 and 3: alice passes authorization and
          // gets the chain's answer for a non-head (NOT_LEADER_OR_FOLLOWER) instead.
          const acls = await withClient(adminAt(1), (c) =>
            c.request<CreateAclsResponse>(ApiKey.CreateAcls, 2, {
              creations: [allow(2, TOPIC, 4), allow(2, TOPIC, 3), allow(2, TOPIC, 8), allow(3, GROUP, 3)],
            }),
          );
          expect(acls.results.map((r) => r.errorCode)).toEqual([0, 0, 0, 0]);
          for (const id of [2, 3]) {
            await waitFor(
              `alice's WRITE ACL holds at node ${id}`,
              async () => ((await produceAs(cluster, id, ALICE, ca)) === NOT_LEADER ? true : undefined),
              15_000,
            );
          }

          // Chain messages: alice (authenticated, no CLUSTER_ACTION) is refused, a node is served.
          const aliceChain = await chainConnectionAs(
            cluster.node(2).address,
            ca,
            ALICE.user,
            ALICE.password,
            'SCRAM-SHA-256',
          );
          await expect(aliceChain.request(ChainApiKey.TopicSync, topicSyncPull())).rejects.toBeInstanceOf(
            PeerClosedError,
          );
          const nodeChain = await chainConnectionAs(
            cluster.node(2).address,
            ca,
            NODE_USER.user,
            NODE_USER.password,
            'SCRAM-SHA-256',
          );
          const answer = await nodeChain.request<{ errorCode: number; topics: { name: string }[] }>(
            ChainApiKey.TopicSync,
            topicSyncPull(),
          );
          nodeChain.close();
          expect(answer.errorCode).toBe(0);
          expect(answer.topics.map((t) => t.name)).toContain(TOPIC);

          // kafkajs as alice with SCRAM: acks=all writes through the chain, read back by a group.
          const kafka = new Kafka({
            clientId: 'secure-chain-test',
            brokers: cluster.bootstrap,
            ssl: { ca: [ca] },
            sasl: { mechanism: 'scram-sha-256', username: ALICE.user, password: ALICE.password },
            logLevel: logLevel.NOTHING,
          });
          const producer = kafka.producer({ allowAutoTopicCreation: false });
          await producer.connect();
          const sent: string[] = [];
          for (let i = 0; i < 60; i += 10) {
            const values = Array.from({ length: 10 }, (_, j) => `m${i + j}`);
            await producer.send({
              topic: TOPIC,
              acks: -1,
              messages: values.map((value) => ({ partition: (i / 10) % 3, value })),
            });
            sent.push(...values);
          }
          await producer.disconnect();
          const consumer = kafka.consumer({ groupId: GROUP });
          const seen: string[] = [];
          await consumer.connect();
          await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
          await consumer.run({
            eachMessage: async ({ message }) => {
              seen.push(message.value?.toString() ?? '');
            },
          });
          await waitFor('the group reads every message', () =>
            seen.length >= sent.length ? true : undefined,
          );
          await consumer.disconnect();
          expect([...seen].sort()).toEqual([...sent].sort());

          // Node 3 loses its disk: it pulls the ACLs and SCRAM credentials back from a peer.
          await cluster.node(3).signal('SIGTERM');
          await cluster.restart(3, { emptyDisk: true });
          // (The listener opens just before the pull from a peer finishes: wait for it.)
          await waitFor(
            'alice logs in at node 3 again',
            async () => {
              (await as(3, ALICE)).close();
              return true;
            },
            15_000,
          );
          expect(await produceAs(cluster, 3, ALICE, ca)).toBe(NOT_LEADER);
          expect(cluster.node(3).output).toContain('ACLs and SCRAM credentials taken from a peer');
        },
      );
    } finally {
      rmSync(setup.dir, { recursive: true, force: true });
    }
  }, 180_000);
});

async function withClient<T>(open: Promise<SecureClient>, use: (c: SecureClient) => Promise<T>): Promise<T> {
  const c = await open;
  try {
    return await use(c);
  } finally {
    c.close();
  }
}

/** One Produce v7 (acks=all) to a node as `who`; its partition's error code. */
async function produceAs(
  cluster: ChainCluster,
  id: number,
  who: { user: string; password: string },
  ca: string,
): Promise<number> {
  const records = encodeRecordBatchSync({ records: [{ value: Buffer.from('probe') }] });
  return withClient(
    SecureClient.open(cluster.node(id).address, ca, who.user, who.password, 'SCRAM-SHA-256'),
    async (c) => {
      const res = await c.request<ProduceResponse>(ApiKey.Produce, 7, {
        transactionalId: null,
        acks: -1,
        timeoutMs: 5000,
        topicData: [{ name: TOPIC, partitionData: [{ index: 0, records }] }],
      });
      return res.responses[0]?.partitionResponses[0]?.errorCode ?? -1;
    },
  );
}

function topicSyncPull() {
  return { senderId: 99, pull: true, topics: [], chainEpochs: [], security: null };
}
