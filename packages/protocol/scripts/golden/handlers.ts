/**
 * The smallest broker that a real client will finish a produce and a consume against: one node
 * (id 1), one topic ("golden") with one partition, an in-memory log of the batches produced.
 *
 * Bodies are plain objects in the shape of Kilgore's message schemas; the codec writes them.
 * Every field is given explicitly (rather than relying on schema defaults) so a reader can see
 * what the clients were told.
 */
import { batchSizeAt, patchBaseOffset, readBatchHeader } from '../../src/index.js';

export const NODE_ID = 1;
export const TOPIC = 'golden';
const CLUSTER_ID = 'kilgore-golden';
/** INT32_MIN: "authorized operations not requested" in Metadata v8+. */
const OPERATIONS_NOT_REQUESTED = -2147483648;
const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA';

/**
 * What the broker advertises. Within each range a client uses its own maximum, so these make
 * kafkajs 2.2.4 use ApiVersions 2, Metadata 6, Produce 7, Fetch 11, and librdkafka 2.0.2 use
 * ApiVersions 3, Metadata 4, Produce 7, Fetch 11, ListOffsets 2 (docs: clients.md). Produce
 * starts at 0 because older librdkafka turns compression off otherwise (crib section 6).
 */
export const ADVERTISED: ReadonlyArray<readonly [apiKey: number, min: number, max: number]> = [
  [0, 0, 9], // Produce
  [1, 4, 12], // Fetch
  [2, 0, 7], // ListOffsets
  [3, 0, 12], // Metadata
  // Never called here, but librdkafka takes FindCoordinator v0 as its sign that the broker
  // knows LZ4 (rdkafka_feature.c) and otherwise sends "lz4" batches uncompressed.
  [10, 0, 4], // FindCoordinator
  [18, 0, 3], // ApiVersions
];

export interface BrokerState {
  port: number;
  /** The partition's batches, baseOffset already assigned. */
  batches: Buffer[];
  /** Log end offset: the next offset to assign, and the high watermark. */
  logEndOffset: bigint;
}

export function newBrokerState(): BrokerState {
  return { port: 0, batches: [], logEndOffset: 0n };
}

type Body = Record<string, unknown>;
type Handler = (state: BrokerState, version: number, request: Body) => Body | Promise<Body>;

function list(value: unknown): Body[] {
  return Array.isArray(value) ? (value as Body[]) : [];
}

const apiVersions: Handler = () => ({
  errorCode: 0,
  apiKeys: ADVERTISED.map(([apiKey, minVersion, maxVersion]) => ({ apiKey, minVersion, maxVersion })),
  throttleTimeMs: 0,
});

function topicMetadata(name: string): Body {
  const known = name === TOPIC;
  return {
    errorCode: known ? 0 : 3, // UNKNOWN_TOPIC_OR_PARTITION
    name,
    topicId: ZERO_UUID,
    isInternal: false,
    partitions: known
      ? [
          {
            errorCode: 0,
            partitionIndex: 0,
            leaderId: NODE_ID,
            leaderEpoch: 0,
            replicaNodes: [NODE_ID],
            isrNodes: [NODE_ID],
            offlineReplicas: [],
          },
        ]
      : [],
    topicAuthorizedOperations: OPERATIONS_NOT_REQUESTED,
  };
}

const metadata: Handler = (state, version, request) => {
  // v0: an empty list means all topics; v1+: null means all topics and empty means none
  // (librdkafka asks for none to learn the brokers).
  const asked = request.topics === null ? null : list(request.topics).map((t) => String(t.name));
  const names = asked === null || (version === 0 && asked.length === 0) ? [TOPIC] : asked;
  return {
    throttleTimeMs: 0,
    brokers: [{ nodeId: NODE_ID, host: '127.0.0.1', port: state.port, rack: null }],
    clusterId: CLUSTER_ID,
    controllerId: NODE_ID,
    topics: names.map(topicMetadata),
    clusterAuthorizedOperations: OPERATIONS_NOT_REQUESTED,
  };
};

/** Appends every batch in `records`, assigning offsets the way a broker does: in place. */
function append(state: BrokerState, records: Buffer): bigint {
  const base = state.logEndOffset;
  let pos = 0;
  while (pos + 61 <= records.length) {
    const size = batchSizeAt(records, pos);
    const batch = Buffer.from(records.subarray(pos, pos + size));
    patchBaseOffset(batch, 0, state.logEndOffset);
    state.logEndOffset += BigInt(readBatchHeader(batch).lastOffsetDelta + 1);
    state.batches.push(batch);
    pos += size;
  }
  return base;
}

const produce: Handler = (state, _version, request) => ({
  responses: list(request.topicData).map((topic) => ({
    name: topic.name,
    partitionResponses: list(topic.partitionData).map((partition) => {
      const known = topic.name === TOPIC && partition.index === 0;
      const baseOffset = known && Buffer.isBuffer(partition.records) ? append(state, partition.records) : -1n;
      return {
        index: partition.index,
        errorCode: known ? 0 : 3,
        baseOffset,
        logAppendTimeMs: -1n,
        logStartOffset: 0n,
        recordErrors: [],
        errorMessage: null,
      };
    }),
  })),
  throttleTimeMs: 0,
});

const listOffsets: Handler = (state, _version, request) => ({
  throttleTimeMs: 0,
  topics: list(request.topics).map((topic) => ({
    name: topic.name,
    partitions: list(topic.partitions).map((partition) => {
      // -2 = earliest, anything else (-1 = latest, or a timestamp) answers the end: enough here.
      const offset = partition.timestamp === -2n ? 0n : state.logEndOffset;
      return {
        partitionIndex: partition.partitionIndex,
        errorCode: 0,
        oldStyleOffsets: [offset],
        timestamp: -1n,
        offset,
        leaderEpoch: 0,
      };
    }),
  })),
});

/** The batches holding `offset` or later: a broker serves whole batches (crib section 4). */
function readFrom(state: BrokerState, offset: bigint): Buffer {
  const batches = state.batches.filter((batch) => {
    const header = readBatchHeader(batch);
    return header.baseOffset + BigInt(header.lastOffsetDelta) >= offset;
  });
  return Buffer.concat(batches);
}

const fetch: Handler = async (state, _version, request) => {
  const topics = list(request.topics);
  const wanted = topics.flatMap((topic) =>
    list(topic.partitions).map((p) => BigInt(p.fetchOffset as bigint)),
  );
  const anyData = wanted.some((offset) => offset < state.logEndOffset);
  if (!anyData) {
    // A real broker parks an empty fetch for max_wait_ms; a short pause keeps clients from
    // spinning without slowing the capture down.
    await new Promise((resolve) => setTimeout(resolve, Math.min(Number(request.maxWaitMs ?? 0), 100)));
  }
  return {
    throttleTimeMs: 0,
    errorCode: 0,
    sessionId: 0,
    responses: topics.map((topic) => ({
      topic: topic.topic,
      partitions: list(topic.partitions).map((partition) => {
        const known = topic.topic === TOPIC && partition.partition === 0;
        return {
          partitionIndex: partition.partition,
          errorCode: known ? 0 : 3,
          highWatermark: known ? state.logEndOffset : -1n,
          lastStableOffset: known ? state.logEndOffset : -1n,
          logStartOffset: known ? 0n : -1n,
          // Kafka answers [] under read_committed (no open transactions) and null otherwise.
          abortedTransactions: request.isolationLevel === 1 ? [] : null,
          preferredReadReplica: -1,
          records: known ? readFrom(state, BigInt(partition.fetchOffset as bigint)) : null,
        };
      }),
    })),
  };
};

const handlers = new Map<number, Handler>([
  [0, produce],
  [1, fetch],
  [2, listOffsets],
  [3, metadata],
  [18, apiVersions],
]);

export function handlerFor(apiKey: number): Handler | undefined {
  return handlers.get(apiKey);
}
