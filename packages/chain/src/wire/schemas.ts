/**
 * The replication messages, as schemas in the shape the protocol codec reads (Kafka's message
 * JSON). Internal API keys, far from Kafka's and never advertised in ApiVersions. Not flexible;
 * framed with request header v1 and response header v0 (see frames.ts). Version 0 of each, except
 * ChainAppend, whose version 1 adds the log start offset, and TopicSync, whose version 1 adds the
 * replication factor (a receiver decodes both; a sender sends CHAIN_SEND_VERSIONS, so receivers
 * must be upgraded before senders).
 */
import type { ApiSchema, FieldSpec } from '@kilgore/protocol';

export const ChainApiKey = {
  Append: 10000,
  Position: 10001,
  Read: 10002,
  TopicSync: 10003,
  TxnMarkers: 10004,
} as const;

/** Every chain API key is at or above this; the broker routes them to the chain engine. */
export const FIRST_CHAIN_API_KEY = 10000;

const f = (name: string, type: string, extra: Partial<FieldSpec> = {}): FieldSpec => ({
  name,
  type,
  versions: '0+',
  ...extra,
});

/** chainName, chainEpoch, senderId: what every chain request starts with. */
const CHAIN_HEADER: FieldSpec[] = [
  f('chainName', 'string'),
  f('chainEpoch', 'int32'),
  f('senderId', 'int32'),
];

export const ChainAppendSchema: ApiSchema = {
  name: 'ChainAppend',
  apiKey: ChainApiKey.Append,
  // v1: logStartOffset in each request entry and in each answer (DeleteRecords down the chain).
  validVersions: '0-1',
  flexibleVersions: 'none',
  request: {
    fields: [
      ...CHAIN_HEADER,
      f('topics', '[]AppendTopic', {
        fields: [
          f('name', 'string'),
          f('partitions', '[]AppendPartition', {
            fields: [
              f('index', 'int32'),
              // -1: none. Otherwise the receiver truncates its log to this offset first.
              f('truncateTo', 'int64'),
              // null: an ack probe (nothing to append, answer with what the tail has).
              f('records', 'records', { nullableVersions: '0+' }),
              // The sender's log start offset: the receiver moves its own up to it (never back,
              // never past its high watermark) after the records. -1 (and v0): not sent.
              f('logStartOffset', 'int64', { versions: '1+', default: -1 }),
            ],
          }),
        ],
      }),
    ],
  },
  response: {
    fields: [
      f('errorCode', 'int16'),
      f('chainEpoch', 'int32'),
      f('topics', '[]AppendTopicResult', {
        fields: [
          f('name', 'string'),
          f('partitions', '[]AppendPartitionResult', {
            fields: [
              f('index', 'int32'),
              f('errorCode', 'int16'),
              f('logEndOffset', 'int64'),
              // What the tail is known to have: the high watermark the sender may take.
              f('ackedOffset', 'int64'),
              // The lowest log start offset of this node and every node after it, as far as it
              // knows: DeleteRecords at the head is answered once this reaches the offset.
              f('logStartOffset', 'int64', { versions: '1+', default: -1 }),
            ],
          }),
        ],
      }),
    ],
  },
};

const EPOCH_ENTRY = f('epochs', '[]EpochEntry', {
  fields: [f('epoch', 'int32'), f('startOffset', 'int64')],
});

export const ChainPositionSchema: ApiSchema = {
  name: 'ChainPosition',
  apiKey: ChainApiKey.Position,
  validVersions: '0',
  flexibleVersions: 'none',
  request: {
    // topics null: every partition of the chain the receiver hosts.
    fields: [
      ...CHAIN_HEADER,
      f('topics', '[]PositionTopic', {
        nullableVersions: '0+',
        fields: [f('name', 'string'), f('partitions', '[]int32')],
      }),
    ],
  },
  response: {
    fields: [
      f('errorCode', 'int16'),
      f('chainEpoch', 'int32'),
      f('topics', '[]PositionTopicResult', {
        fields: [
          f('name', 'string'),
          f('partitions', '[]PositionPartition', {
            fields: [
              f('index', 'int32'),
              f('errorCode', 'int16'),
              f('logStartOffset', 'int64'),
              f('logEndOffset', 'int64'),
              f('highWatermark', 'int64'),
              EPOCH_ENTRY,
            ],
          }),
        ],
      }),
    ],
  },
};

export const ChainReadSchema: ApiSchema = {
  name: 'ChainRead',
  apiKey: ChainApiKey.Read,
  validVersions: '0',
  flexibleVersions: 'none',
  request: {
    fields: [
      ...CHAIN_HEADER,
      f('topic', 'string'),
      f('partition', 'int32'),
      f('offset', 'int64'),
      f('maxBytes', 'int32'),
    ],
  },
  response: {
    fields: [
      f('errorCode', 'int16'),
      f('logEndOffset', 'int64'),
      f('records', 'records', { nullableVersions: '0+' }),
    ],
  },
};

const TOPIC_ENTRY = (name: string): FieldSpec =>
  f('topics', `[]${name}`, {
    fields: [
      f('name', 'string'),
      f('topicId', 'string'),
      f('partitions', 'int32'),
      f('deleted', 'bool'),
      f('configs', '[]TopicConfig', { fields: [f('name', 'string'), f('value', 'string')] }),
      // v1: the topic's replication factor; -1 (and v0): the whole chain.
      f('replicationFactor', 'int16', { versions: '1+', default: -1 }),
      // v1: partitions with their own factor (a reassignment), and the factor before it while
      // the new replicas catch up (-1: done).
      f('partitionFactors', '[]PartitionFactor', {
        versions: '1+',
        fields: [
          f('partition', 'int32', { versions: '1+' }),
          f('replicationFactor', 'int16', { versions: '1+' }),
          f('reassigningFrom', 'int16', { versions: '1+', default: -1 }),
        ],
      }),
      // v2: partitions placed on another chain than hashing gives (a reassignment moved them),
      // and moves to another chain in progress.
      f('placements', '[]PartitionPlacement', {
        versions: '2+',
        fields: [
          f('partition', 'int32', { versions: '2+' }),
          // '' = by hashing.
          f('chain', 'string', { versions: '2+' }),
          // A move in progress: the chain it goes to ('' = none), the factor it gets there, the
          // chain and factor it comes from (-1 = the whole chain), and whether ownership moved.
          f('moveTo', 'string', { versions: '2+' }),
          f('moveFactor', 'int16', { versions: '2+', default: -1 }),
          f('moveFrom', 'string', { versions: '2+' }),
          f('moveFromFactor', 'int16', { versions: '2+', default: -1 }),
          f('switched', 'bool', { versions: '2+' }),
        ],
      }),
      // v2: counts the topic's reassignment changes, so a table exchange takes the newer state.
      f('reassignmentVersion', 'int32', { versions: '2+', default: 0 }),
    ],
  });

/** The newest epoch each chain's head opened, as far as the sender knows (Metadata reports it). */
const CHAIN_EPOCHS = (name: string): FieldSpec =>
  f('chainEpochs', `[]${name}`, { fields: [f('chainName', 'string'), f('epoch', 'int32')] });

export const TopicSyncSchema: ApiSchema = {
  name: 'TopicSync',
  apiKey: ChainApiKey.TopicSync,
  // v1: each topic's replication factor; v2: placements on another chain (moves).
  validVersions: '0-2',
  flexibleVersions: 'none',
  request: {
    fields: [
      f('senderId', 'int32'),
      f('pull', 'bool'),
      TOPIC_ENTRY('SyncTopic'),
      CHAIN_EPOCHS('SyncChainEpoch'),
      // The host's own cluster-wide state (the broker: ACL and SCRAM credential changes, JSON).
      f('security', 'string', { nullableVersions: '0+' }),
    ],
  },
  response: {
    fields: [
      f('errorCode', 'int16'),
      TOPIC_ENTRY('SyncTopicResult'),
      CHAIN_EPOCHS('SyncChainEpochResult'),
      // The answering node's cluster id: a node formatting a new log dir takes it.
      f('clusterId', 'string'),
      // A pull's answer: the host's whole cluster-wide state (the broker: ACLs, SCRAM credentials).
      f('security', 'string', { nullableVersions: '0+' }),
    ],
  },
};

/**
 * A transaction coordinator on another chain asks this chain's head to write a commit or abort
 * marker to some of its partitions (Kafka's WriteTxnMarkers, one marker per request). Answered
 * per partition once the chain's tail has the marker.
 */
export const TxnMarkersSchema: ApiSchema = {
  name: 'TxnMarkers',
  apiKey: ChainApiKey.TxnMarkers,
  validVersions: '0',
  flexibleVersions: 'none',
  request: {
    fields: [
      f('senderId', 'int32'),
      f('producerId', 'int64'),
      f('producerEpoch', 'int16'),
      f('commit', 'bool'),
      // The epoch of the coordinator's chain when it wrote the transaction's prepare state.
      f('coordinatorEpoch', 'int32'),
      f('topics', '[]MarkerTopic', { fields: [f('name', 'string'), f('partitions', '[]int32')] }),
    ],
  },
  response: {
    fields: [
      f('errorCode', 'int16'),
      f('topics', '[]MarkerTopicResult', {
        fields: [
          f('name', 'string'),
          f('partitions', '[]MarkerPartitionResult', {
            fields: [f('index', 'int32'), f('errorCode', 'int16')],
          }),
        ],
      }),
    ],
  },
};

export const CHAIN_SCHEMAS: ReadonlyMap<number, ApiSchema> = new Map(
  [ChainAppendSchema, ChainPositionSchema, ChainReadSchema, TopicSyncSchema, TxnMarkersSchema].map((s) => [
    s.apiKey,
    s,
  ]),
);

/** The version this node sends of each chain message (the newest; receivers decode every valid one). */
export const CHAIN_SEND_VERSIONS: ReadonlyMap<number, number> = new Map([
  [ChainApiKey.Append, 1],
  [ChainApiKey.Position, 0],
  [ChainApiKey.Read, 0],
  [ChainApiKey.TopicSync, 2],
  [ChainApiKey.TxnMarkers, 0],
]);

// ---- typed bodies ----

export interface ChainHeader {
  chainName: string;
  chainEpoch: number;
  senderId: number;
}

export interface AppendPartitionEntry {
  index: number;
  truncateTo: bigint;
  records: Buffer | null;
  /** v1: the sender's log start offset; -1 (or absent, v0) for none. */
  logStartOffset?: bigint;
}

export interface AppendRequest extends ChainHeader {
  topics: { name: string; partitions: AppendPartitionEntry[] }[];
}

export interface AppendPartitionResult {
  index: number;
  errorCode: number;
  logEndOffset: bigint;
  ackedOffset: bigint;
  /** v1: lowest log start offset of this node and its successors; -1 (v0) unknown. */
  logStartOffset?: bigint;
}

export interface AppendResponse {
  errorCode: number;
  chainEpoch: number;
  topics: { name: string; partitions: AppendPartitionResult[] }[];
}

export interface WireEpochEntry {
  epoch: number;
  startOffset: bigint;
}

export interface PositionRequest extends ChainHeader {
  topics: { name: string; partitions: number[] }[] | null;
}

export interface PositionPartition {
  index: number;
  errorCode: number;
  logStartOffset: bigint;
  logEndOffset: bigint;
  highWatermark: bigint;
  epochs: WireEpochEntry[];
}

export interface PositionResponse {
  errorCode: number;
  chainEpoch: number;
  topics: { name: string; partitions: PositionPartition[] }[];
}

export interface ReadRequest extends ChainHeader {
  topic: string;
  partition: number;
  offset: bigint;
  maxBytes: number;
}

export interface ReadResponse {
  errorCode: number;
  logEndOffset: bigint;
  records: Buffer | null;
}

export interface SyncTopic {
  name: string;
  /** Kafka's base64url topic id, so every node reports the same one. */
  topicId: string;
  partitions: number;
  deleted: boolean;
  configs: { name: string; value: string }[];
  /** v1: the replication factor; -1 (or absent, v0) for the whole chain. */
  replicationFactor?: number;
  /** v1: per-partition factors (reassignments); reassigningFrom -1 when the move is done. */
  partitionFactors?: { partition: number; replicationFactor: number; reassigningFrom: number }[];
  /** v2: partitions placed off their hashed chain, and moves between chains in progress. */
  placements?: SyncPlacement[];
  /** v2: how many reassignment changes the sender's state of this topic has seen (0: none). */
  reassignmentVersion?: number;
}

export interface SyncPlacement {
  partition: number;
  /** The chain the partition lives on; '' = the one hashing gives. */
  chain: string;
  /** A move in progress: target chain ('' = none) and the factor it gets there. */
  moveTo: string;
  moveFactor: number;
  /** Where the move comes from: chain and factor (-1 = the whole chain). */
  moveFrom: string;
  moveFromFactor: number;
  /** Ownership already moved (the target's head copies, then its replicas catch up). */
  switched: boolean;
}

export interface ChainEpochEntry {
  chainName: string;
  epoch: number;
}

export interface TopicSyncRequest {
  senderId: number;
  /** True: answer with the receiver's whole table. */
  pull: boolean;
  topics: SyncTopic[];
  chainEpochs: ChainEpochEntry[];
  /** Opaque to the engine: the host's ACL/credential changes (JSON text), or null. */
  security?: string | null;
}

export interface TopicSyncResponse {
  errorCode: number;
  topics: SyncTopic[];
  chainEpochs: ChainEpochEntry[];
  clusterId: string;
  /** Opaque to the engine: a pull's answer carries the host's whole ACL/credential set. */
  security?: string | null;
}

export interface TxnMarkersRequest {
  senderId: number;
  producerId: bigint;
  producerEpoch: number;
  commit: boolean;
  coordinatorEpoch: number;
  topics: { name: string; partitions: number[] }[];
}

export interface TxnMarkersResponse {
  errorCode: number;
  topics: { name: string; partitions: { index: number; errorCode: number }[] }[];
}
