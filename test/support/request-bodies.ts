/**
 * Decoded request bodies tests send to a broker again and again, with Kafka's consumer defaults
 * (replica -1, read_uncommitted, no fetch session): one place to say what a plain Fetch or
 * CreateTopics is, so each test states only what it varies.
 */

export interface FetchPartitionSpec {
  partition: number;
  /** Fetch offset (default 0). */
  offset?: number;
  /** partition_max_bytes (default 1 MiB). */
  max?: number;
  /** current_leader_epoch (default -1: not checked). */
  leaderEpoch?: number;
}

export interface FetchOptions {
  maxWaitMs?: number;
  minBytes?: number;
  maxBytes?: number;
}

/** A Fetch body for one topic, named (v12 and below) or by `{ topicId }` (v13+). */
export function fetchBody(
  topic: string | { topicId: string },
  partitions: readonly FetchPartitionSpec[],
  opts: FetchOptions = {},
): object {
  return {
    replicaId: -1,
    maxWaitMs: opts.maxWaitMs ?? 0,
    minBytes: opts.minBytes ?? 1,
    maxBytes: opts.maxBytes ?? 1 << 20,
    isolationLevel: 0,
    sessionId: 0,
    sessionEpoch: -1,
    topics: [
      {
        ...(typeof topic === 'string' ? { topic } : topic),
        partitions: partitions.map((p) => ({
          partition: p.partition,
          currentLeaderEpoch: p.leaderEpoch ?? -1,
          fetchOffset: BigInt(p.offset ?? 0),
          logStartOffset: -1n,
          partitionMaxBytes: p.max ?? 1 << 20,
        })),
      },
    ],
    forgottenTopicsData: [],
    rackId: '',
  };
}

/** A CreateTopics body for one topic with the broker's replication factor. */
export function createTopicsBody(
  name: string,
  numPartitions: number,
  configs: readonly { name: string; value: string | null }[] = [],
): object {
  return {
    topics: [{ name, numPartitions, replicationFactor: -1, assignments: [], configs }],
    timeoutMs: 1000,
    validateOnly: false,
  };
}
