/**
 * A bare chain node for engine tests: a LogManager, a ChainReplicator and a TCP listener that
 * hands every frame to the replicator and writes the answers in request order, as the broker's
 * connections do. No broker: the engine is tested against its own contract.
 */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { ChainReplicator, type ReplicaHost, type SyncTopic } from '@kilgore/chain';
import { parseChains, StaticMembership } from '@kilgore/discovery';
import { encodeRecordBatchSync, FrameSplitter } from '@kilgore/protocol';
import { LogManager } from '@kilgore/storage';
import { tempDir } from './temp-dir.js';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

export interface TestNode {
  id: number;
  dir: string;
  manager: LogManager;
  replicator: ChainReplicator;
  source: StaticMembership;
  server: net.Server;
  stop(): Promise<void>;
}

export async function startNode(
  id: number,
  chains: string,
  port: number,
  topics: Map<string, number>,
  // Kept across stop() (tests restart a node on its dir); removed after the test file.
  dir = tempDir(`kilgore-chain-node-${id}-`),
): Promise<TestNode> {
  const manager = await LogManager.open({ dir, background: false, highWatermarkFollowsLog: false });
  const source = new StaticMembership(parseChains(chains));
  let replicator: ChainReplicator;
  const host: ReplicaHost = {
    log: (t, p) => manager.get(t, p),
    ensureLog: (t, p) => {
      const n = topics.get(t);
      if (n === undefined || p >= n || !replicator.hosts(t, p)) return undefined;
      return manager.createPartition(t, p);
    },
    topics: () => [...topics].map(([name, partitions]) => ({ name, partitions })),
    topicSync: async () => ({ errorCode: 0, topics: [] as SyncTopic[], chainEpochs: [], clusterId: '' }),
    beforeStream: async () => {},
    membershipApplied: () => {
      for (const [t, n] of topics)
        for (let p = 0; p < n; p++) if (replicator.hosts(t, p)) manager.createPartition(t, p);
    },
  };
  replicator = new ChainReplicator({
    nodeId: id,
    source,
    host,
    stateDir: dir,
    log: quiet,
    ackTimeoutMs: 2000,
  });
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    const splitter = new FrameSplitter({ maxFrameSize: 1 << 30 });
    let queue: Promise<void> = Promise.resolve();
    socket.on('error', () => {});
    socket.on('data', (chunk) => {
      for (const frame of splitter.push(chunk)) {
        const answer = replicator.handleFrame(frame);
        queue = queue.then(async () => {
          try {
            const chunks = await answer;
            if (!socket.destroyed) for (const c of chunks) socket.write(c);
          } catch {
            socket.destroy();
          }
        });
      }
    });
  });
  await new Promise<void>((r) => server.listen(port, `127.0.0.${id}`, r));
  await replicator.start();
  return {
    id,
    dir,
    manager,
    replicator,
    source,
    server,
    async stop() {
      await replicator.stop();
      const closed = new Promise<void>((r) => server.close(() => r()));
      for (const s of sockets) s.destroy();
      await closed;
      await manager.close();
    },
  };
}

export async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

export function batch(count: number, tag: string): Buffer {
  return encodeRecordBatchSync({
    records: Array.from({ length: count }, (_, i) => ({
      key: `${tag}-${i}`,
      value: `${tag}-value-${i}`,
      timestamp: 1,
    })),
  });
}

/** Appends at the head as the broker does: epoch stamped, then handed to the forwarder. */
export async function produce(
  head: TestNode,
  topic: string,
  partition: number,
  records: Buffer,
): Promise<number> {
  const log = head.manager.get(topic, partition)!;
  const r = await log.append(records, { leaderEpoch: head.replicator.currentEpoch });
  head.replicator.appended(topic, partition, { buf: records, base: r.baseOffset, end: r.lastOffset + 1 });
  return r.lastOffset;
}

export async function until(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** The .log files of a partition, concatenated in order. */
export function logBytes(node: TestNode, topic: string, partition: number): Buffer {
  const d = path.join(node.dir, `${topic}-${partition}`);
  const files = fs
    .readdirSync(d)
    .filter((f) => f.endsWith('.log'))
    .sort();
  return Buffer.concat(files.map((f) => fs.readFileSync(path.join(d, f))));
}
