/**
 * The topic table under chain replication: topic admin at any node reaches every node (same topic
 * id, partition count and configs), deletions too; a node keeps partition dirs only for its own
 * chain's partitions; a node that restarts with an empty disk pulls the table from a peer.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Broker } from '@kilgore/broker';
import { chainFor } from '@kilgore/chain';
import {
  type DescribeClusterResponse,
  decodeResponse,
  encodeRequest,
  FrameSplitter,
} from '@kilgore/protocol';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../test/support/cluster.js';
import { startChainNode } from './chain-node.js';

async function describeCluster(host: string, port: number): Promise<DescribeClusterResponse> {
  const socket = net.connect({ host, port });
  await new Promise((r) => socket.once('connect', r));
  const splitter = new FrameSplitter({ maxFrameSize: 1 << 20 });
  const frame = new Promise<Buffer>((resolve) =>
    socket.on('data', (d: Buffer) => {
      const f = splitter.push(d)[0];
      if (f) resolve(f);
    }),
  );
  for (const c of encodeRequest({
    header: { apiKey: 60, apiVersion: 0, correlationId: 1, clientId: 't' },
    body: { includeClusterAuthorizedOperations: false },
  }))
    socket.write(c);
  const body = decodeResponse<DescribeClusterResponse>(60, 0, await frame).body;
  socket.destroy();
  return body;
}

async function until(check: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('topics across two chains of one node each', () => {
  const dirs = [1, 2].map((n) => fs.mkdtempSync(path.join(os.tmpdir(), `kilgore-chain-topics-${n}-`)));
  const brokers: Broker[] = [];
  afterAll(async () => {
    for (const b of brokers) await b.stop().catch(() => {});
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });
  const start = (id: number, chains: string, port: number) => startChainNode(id, port, chains, dirs[id - 1]!);

  it('creates, grows, configures and deletes topics on every node', async () => {
    const port = await freePort('127.0.0.1');
    const chains = `a=1@127.0.0.1:${port};b=2@127.0.0.2:${port}`;
    brokers.push(...(await Promise.all([1, 2].map((id) => start(id, chains, port)))));
    const kafka = new Kafka({
      clientId: 'topics',
      brokers: [`127.0.0.2:${port}`],
      logLevel: logLevel.NOTHING,
    });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      topics: [
        { topic: 'shared', numPartitions: 6, configEntries: [{ name: 'retention.ms', value: '3600000' }] },
      ],
    });
    const [one, two] = brokers as [Broker, Broker];
    await until(() => one.context.topics.get('shared') !== undefined);
    expect(one.context.topics.get('shared')!.id).toBe(two.context.topics.get('shared')!.id);
    expect(one.context.topicConfigs.get('shared').get('retention.ms')).toBe('3600000');

    // Each node has dirs (and logs) only for its chain's partitions.
    const membership = one.context.chain!.membership;
    for (const [i, b] of [one, two].entries()) {
      for (let p = 0; p < 6; p++) {
        const mine = chainFor(membership.chains, 'shared', p)!.name === (i === 0 ? 'a' : 'b');
        expect(fs.existsSync(path.join(dirs[i]!, `shared-${p}`)), `node ${i + 1} shared-${p}`).toBe(mine);
        expect(b.context.logs.get('shared', p) !== undefined).toBe(mine);
      }
    }

    await admin.createPartitions({ topicPartitions: [{ topic: 'shared', count: 9 }] });
    await until(() => one.context.topics.get('shared')?.partitions === 9);
    await admin.alterConfigs({
      validateOnly: false,
      resources: [{ type: 2, name: 'shared', configEntries: [{ name: 'retention.ms', value: '7200000' }] }],
    });
    await until(() => one.context.topicConfigs.get('shared').get('retention.ms') === '7200000');
    await admin.deleteTopics({ topics: ['shared'] });
    await until(() => one.context.topics.get('shared') === undefined);
    expect(fs.readdirSync(dirs[0]!).filter((d) => d.startsWith('shared-'))).toEqual([]);
    await admin.createTopics({ topics: [{ topic: 'later', numPartitions: 2 }] });
    await until(() => one.context.topics.get('later') !== undefined);
    await admin.disconnect();

    // DescribeCluster from either node: both nodes, the same controller.
    for (const host of ['127.0.0.1', '127.0.0.2']) {
      const res = await describeCluster(host, port);
      expect(res.brokers.map((b) => `${b.brokerId}@${b.host}:${b.port}`).sort()).toEqual([
        `1@127.0.0.1:${port}`,
        `2@127.0.0.2:${port}`,
      ]);
      expect(res.controllerId).toBe(one.context.chain!.coordinator()!.nodeId);
    }

    // Node 1 comes back with an empty disk: it pulls the table from node 2.
    await one.stop();
    fs.rmSync(dirs[0]!, { recursive: true, force: true });
    brokers[0] = await start(1, chains, port);
    expect(brokers[0].context.topics.get('later')?.id).toBe(two.context.topics.get('later')!.id);
    expect(brokers[0].context.topics.get('shared')).toBeUndefined();
    // Its new log dir took the cluster's id from the peer.
    expect(brokers[0].context.clusterId).toBe(two.context.clusterId);
  }, 60_000);
});
