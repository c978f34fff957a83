import { Kafka, logLevel } from 'kafkajs';
import type { ChainCluster, ClusterOptions } from './cluster.js';
import { ChainCluster as Cluster, waitFor } from './cluster.js';
import type { Observation } from './history.js';
import { readLogDir } from './log-dirs.js';
import { type FetchedRecord, fetchAll } from './wire.js';

/**
 * What the chain tests look at: where Metadata says each partition lives, what consumers can
 * read from each head, and what each node's log dir holds once the nodes are stopped.
 */

export interface PartitionPlacement {
  /** `<topic>-<partition>` */
  key: string;
  partition: number;
  leader: number;
  leaderEpoch: number;
  replicas: number[];
  isr: number[];
}

/** The topic's partitions as one node's Metadata describes them, by partition index. */
export async function placementFrom(
  cluster: ChainCluster,
  nodeId: number,
  topic: string,
): Promise<PartitionPlacement[]> {
  const md = await cluster.metadataFrom(nodeId, [topic]);
  const t = md.topics.find((x) => x.name === topic);
  if (t === undefined || t.errorCode !== 0)
    throw new Error(
      `node ${nodeId}: Metadata for ${topic}: ${t === undefined ? 'absent' : `error ${t.errorCode}`}`,
    );
  return [...t.partitions]
    .sort((a, b) => a.partitionIndex - b.partitionIndex)
    .map((p) => ({
      key: `${topic}-${p.partitionIndex}`,
      partition: p.partitionIndex,
      leader: p.leaderId,
      leaderEpoch: p.leaderEpoch ?? -1,
      replicas: [...p.replicaNodes],
      isr: [...p.isrNodes],
    }));
}

/**
 * Creates the topic through kafkajs's admin (retrying while the cluster settles), then waits
 * until every running node's Metadata lists all its partitions with a leader.
 */
export async function createTopic(
  cluster: ChainCluster,
  topic: string,
  partitions: number,
  replicationFactor?: number,
): Promise<void> {
  const admin = new Kafka({
    clientId: 'chain-test-admin',
    brokers: cluster.bootstrap,
    logLevel: logLevel.NOTHING,
    retry: { retries: 3 },
  }).admin();
  try {
    await waitFor(`CreateTopics ${topic}`, async () => {
      await admin.connect();
      await admin.createTopics({ topics: [{ topic, numPartitions: partitions, replicationFactor }] });
      return true;
    });
  } finally {
    await admin.disconnect();
  }
  for (const node of cluster.nodes.values()) {
    if (!node.running) continue;
    await waitFor(`node ${node.nodeId} to list ${partitions} led partitions of ${topic}`, async () => {
      const ps = await placementFrom(cluster, node.nodeId, topic);
      return ps.length === partitions && ps.every((p) => p.leader >= 0) ? true : undefined;
    });
  }
}

/** Every partition read through Fetch from its leader (the head): what consumers see. */
export async function committedView(
  cluster: ChainCluster,
  topic: string,
  placements: PartitionPlacement[],
): Promise<Observation> {
  const partitions = new Map<string, FetchedRecord[]>();
  for (const p of placements)
    partitions.set(p.key, await fetchAll(cluster.node(p.leader).address, topic, p.partition));
  return { source: 'committed at the heads', partitions };
}

/**
 * Each node's log dir read from the files (stop the nodes first), covering the partitions
 * Metadata says it replicates.
 */
export function diskViews(
  cluster: ChainCluster,
  topic: string,
  placements: PartitionPlacement[],
): Observation[] {
  return [...cluster.nodes.values()].map((node) => ({
    source: `node ${node.nodeId} log dir`,
    partitions: readLogDir(node.logDir, (t) => t === topic),
    covers: new Set(placements.filter((p) => p.replicas.includes(node.nodeId)).map((p) => p.key)),
  }));
}

/**
 * Runs a test body on a fresh cluster. On failure the nodes' output goes to stderr and their
 * directories are kept (the path is printed) for a post-mortem.
 */
export async function onCluster(
  options: ClusterOptions,
  body: (cluster: ChainCluster) => Promise<void>,
): Promise<void> {
  const cluster = await Cluster.start(options);
  // KILGORE_TEST_KEEP=1 keeps the directories (configs, data, output.log) of passing tests too.
  if (process.env.KILGORE_TEST_KEEP === '1') {
    cluster.keep();
    console.log(`node directories kept in ${cluster.root}`);
  }
  try {
    await body(cluster);
  } catch (err) {
    cluster.keep();
    console.error(`chain test failed; node directories kept in ${cluster.root}\n${cluster.outputs()}`);
    throw err;
  } finally {
    cluster.close();
  }
}
