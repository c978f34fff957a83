/**
 * Fetch (api key 1): versions 0-18, flexible 12+.
 *
 * Transcribed from Apache Kafka's FetchRequest.json and FetchResponse.json.
 *
 * Request versions (Kafka's notes):
 *   Version 1 is the same as version 0.
 *
 *   Starting in Version 2, the requester must be able to handle Kafka Log
 *   Message format version 1.
 *
 *   Version 3 adds MaxBytes.  Starting in version 3, the partition ordering in
 *   the request is now relevant.  Partitions will be processed in the order
 *   they appear in the request.
 *
 *   Version 4 adds IsolationLevel.  Starting in version 4, the reqestor must be
 *   able to handle Kafka log message format version 2.
 *
 *   Version 5 adds LogStartOffset to indicate the earliest available offset of
 *   partition data that can be consumed.
 *
 *   Version 6 is the same as version 5.
 *
 *   Version 7 adds incremental fetch request support.
 *
 *   Version 8 is the same as version 7.
 *
 *   Version 9 adds CurrentLeaderEpoch, as described in KIP-320.
 *
 *   Version 10 indicates that we can use the ZStd compression algorithm, as
 *   described in KIP-110.
 *   Version 12 adds flexible versions support as well as epoch validation through
 *   the `LastFetchedEpoch` field
 *
 *   Version 13 replaces topic names with topic IDs (KIP-516). May return UNKNOWN_TOPIC_ID error code.
 *
 *   Version 14 is the same as version 13 but it also receives a new error called OffsetMovedToTieredStorageException(KIP-405)
 *
 *   Version 15 adds the ReplicaState which includes new field ReplicaEpoch and the ReplicaId. Also,
 *   deprecate the old ReplicaId field and set its default value to -1. (KIP-903)
 *
 *   Version 16 is the same as version 15 (KIP-951).
 *
 *   Version 17 adds directory id support from KIP-853
 *   Version 18 adds high-watermark from KIP-1166
 *
 * Response versions (Kafka's notes):
 *   Version 1 adds throttle time.
 *
 *   Version 2 and 3 are the same as version 1.
 *
 *   Version 4 adds features for transactional consumption.
 *
 *   Version 5 adds LogStartOffset to indicate the earliest available offset of
 *   partition data that can be consumed.
 *
 *   Starting in version 6, we may return KAFKA_STORAGE_ERROR as an error code.
 *
 *   Version 7 adds incremental fetch request support.
 *
 *   Starting in version 8, on quota violation, brokers send out responses before throttling.
 *
 *   Version 9 is the same as version 8.
 *
 *   Version 10 indicates that the response data can use the ZStd compression
 *   algorithm, as described in KIP-110.
 *   Version 12 adds support for flexible versions, epoch detection through the `TruncationOffset` field,
 *   and leader discovery through the `CurrentLeader` field
 *
 *   Version 13 replaces the topic name field with topic ID (KIP-516).
 *
 *   Version 14 is the same as version 13 but it also receives a new error called OffsetMovedToTieredStorageException (KIP-405)
 *
 *   Version 15 is the same as version 14 (KIP-903).
 *
 *   Version 16 adds the 'NodeEndpoints' field (KIP-951).
 *
 *   Version 17 no changes to the response (KIP-853).
 *   Version 18 no changes to the response (KIP-1166)
 */
import type { ApiSchema } from '../schema/index.js';

export interface FetchRequest {
  /** (v12+, tagged 0) The clusterId if known. */
  clusterId: string | null;
  /** (v0-14) The broker ID of the follower, of -1 if this request is from a consumer. */
  replicaId: number;
  /** (v15+, tagged 1) The state of the replica in the follower. */
  replicaState: FetchRequestReplicaState;
  /** The maximum time in milliseconds to wait for the response. */
  maxWaitMs: number;
  /** The minimum bytes to accumulate in the response. */
  minBytes: number;
  /** (v3+) The maximum bytes to fetch. */
  maxBytes: number;
  /** (v4+) This setting controls the visibility of transactional records. */
  isolationLevel: number;
  /** (v7+) The fetch session ID. */
  sessionId: number;
  /** (v7+) The fetch session epoch, which is used for ordering requests in a session. */
  sessionEpoch: number;
  /** The topics to fetch. */
  topics: FetchRequestFetchTopic[];
  /** (v7+) In an incremental fetch request, the partitions to remove. */
  forgottenTopicsData: FetchRequestForgottenTopic[];
  /** (v11+) Rack ID of the consumer making this request. */
  rackId: string;
}

export interface FetchRequestReplicaState {
  /** (v15+) The replica ID of the follower, or -1 if this request is from a consumer. */
  replicaId: number;
  /** (v15+) The epoch of this follower, or -1 if not available. */
  replicaEpoch: bigint;
}

export interface FetchRequestFetchTopic {
  /** (v0-12) The name of the topic to fetch. */
  topic: string;
  /** (v13+) The unique topic ID. */
  topicId: string;
  /** The partitions to fetch. */
  partitions: FetchRequestFetchPartition[];
}

export interface FetchRequestFetchPartition {
  /** The partition index. */
  partition: number;
  /** (v9+) The current leader epoch of the partition. */
  currentLeaderEpoch: number;
  /** The message offset. */
  fetchOffset: bigint;
  /** (v12+) The epoch of the last fetched record or -1 if there is none. */
  lastFetchedEpoch: number;
  /** (v5+) The earliest available offset of the follower replica. */
  logStartOffset: bigint;
  /** The maximum bytes to fetch from this partition. */
  partitionMaxBytes: number;
  /** (v17+, tagged 0) The directory id of the follower fetching. */
  replicaDirectoryId: string;
  /** (v18+, tagged 1) The high-watermark known by the replica. */
  highWatermark: bigint;
}

export interface FetchRequestForgottenTopic {
  /** (v7-12) The topic name. */
  topic: string;
  /** (v13+) The unique topic ID. */
  topicId: string;
  /** (v7+) The partitions indexes to forget. */
  partitions: number[];
}

export interface FetchResponse {
  /** (v1+) */
  throttleTimeMs?: number;
  /** (v7+) The top level response error code. */
  errorCode?: number;
  /** (v7+) The fetch session ID, or 0 if this is not part of a fetch session. */
  sessionId?: number;
  /** The response topics. */
  responses: readonly FetchResponseFetchableTopicResponse[];
  /** (v16+, tagged 0) */
  nodeEndpoints?: readonly FetchResponseNodeEndpoint[];
}

export interface FetchResponseFetchableTopicResponse {
  /** (v0-12) The topic name. */
  topic?: string;
  /** (v13+) The unique topic ID. */
  topicId?: string;
  /** The topic partitions. */
  partitions: readonly FetchResponsePartitionData[];
}

export interface FetchResponsePartitionData {
  /** The partition index. */
  partitionIndex: number;
  /** The error code, or 0 if there was no fetch error. */
  errorCode: number;
  /** The current high water mark. */
  highWatermark: bigint;
  /** (v4+) The last stable offset (or LSO) of the partition. */
  lastStableOffset?: bigint;
  /** (v5+) The current log start offset. */
  logStartOffset?: bigint;
  /** (v12+, tagged 0) */
  divergingEpoch?: FetchResponseEpochEndOffset;
  /** (v12+, tagged 1) The current leader of the partition. */
  currentLeader?: FetchResponseLeaderIdAndEpoch;
  /** (v12+, tagged 2) */
  snapshotId?: FetchResponseSnapshotId;
  /** (v4+) The aborted transactions. */
  abortedTransactions?: readonly FetchResponseAbortedTransaction[] | null;
  /** (v11+) The preferred read replica for the consumer to use on its next fetch request. */
  preferredReadReplica?: number;
  /** The record data. */
  records: Buffer | null;
}

export interface FetchResponseEpochEndOffset {
  /** (v12+) The largest epoch. */
  epoch: number;
  /** (v12+) The end offset of the epoch. */
  endOffset: bigint;
}

export interface FetchResponseLeaderIdAndEpoch {
  /** (v12+) The ID of the current leader or -1 if the leader is unknown. */
  leaderId: number;
  /** (v12+) The latest known leader epoch. */
  leaderEpoch: number;
}

export interface FetchResponseSnapshotId {
  /** (v12+) The end offset of the epoch. */
  endOffset: bigint;
  /** (v12+) The largest epoch. */
  epoch: number;
}

export interface FetchResponseAbortedTransaction {
  /** (v4+) The producer id associated with the aborted transaction. */
  producerId: bigint;
  /** (v4+) The first offset in the aborted transaction. */
  firstOffset: bigint;
}

export interface FetchResponseNodeEndpoint {
  /** (v16+) The ID of the associated node. */
  nodeId: number;
  /** (v16+) The node's hostname. */
  host: string;
  /** (v16+) The node's port. */
  port: number;
  /** (v16+) The rack of the node, or null if it has not been assigned to a rack. */
  rack: string | null;
}

export const FetchSchema: ApiSchema = {
  name: 'Fetch',
  apiKey: 1,
  validVersions: '0-18',
  flexibleVersions: '12+',
  request: {
    fields: [
      {
        name: 'clusterId',
        type: 'string',
        versions: '12+',
        nullableVersions: '12+',
        taggedVersions: '12+',
        tag: 0,
        default: null,
        ignorable: true,
        about: 'The clusterId if known.',
      },
      { name: 'replicaId', type: 'int32', versions: '0-14', default: -1 },
      {
        name: 'replicaState',
        type: 'ReplicaState',
        versions: '15+',
        taggedVersions: '15+',
        tag: 1,
        about: 'The state of the replica in the follower.',
        fields: [
          { name: 'replicaId', type: 'int32', versions: '15+', default: -1 },
          {
            name: 'replicaEpoch',
            type: 'int64',
            versions: '15+',
            default: -1n,
            about: 'The epoch of this follower, or -1 if not available.',
          },
        ],
      },
      {
        name: 'maxWaitMs',
        type: 'int32',
        versions: '0+',
        about: 'The maximum time in milliseconds to wait for the response.',
      },
      {
        name: 'minBytes',
        type: 'int32',
        versions: '0+',
        about: 'The minimum bytes to accumulate in the response.',
      },
      {
        name: 'maxBytes',
        type: 'int32',
        versions: '3+',
        default: 2147483647,
        ignorable: true,
        about: 'The maximum bytes to fetch.',
      },
      {
        name: 'isolationLevel',
        type: 'int8',
        versions: '4+',
        default: 0,
        ignorable: true,
        about: 'This setting controls the visibility of transactional records.',
      },
      {
        name: 'sessionId',
        type: 'int32',
        versions: '7+',
        default: 0,
        ignorable: true,
        about: 'The fetch session ID.',
      },
      { name: 'sessionEpoch', type: 'int32', versions: '7+', default: -1, ignorable: true },
      {
        name: 'topics',
        type: '[]FetchTopic',
        versions: '0+',
        about: 'The topics to fetch.',
        fields: [
          {
            name: 'topic',
            type: 'string',
            versions: '0-12',
            ignorable: true,
            about: 'The name of the topic to fetch.',
          },
          { name: 'topicId', type: 'uuid', versions: '13+', ignorable: true, about: 'The unique topic ID.' },
          {
            name: 'partitions',
            type: '[]FetchPartition',
            versions: '0+',
            about: 'The partitions to fetch.',
            fields: [
              { name: 'partition', type: 'int32', versions: '0+', about: 'The partition index.' },
              {
                name: 'currentLeaderEpoch',
                type: 'int32',
                versions: '9+',
                default: -1,
                ignorable: true,
                about: 'The current leader epoch of the partition.',
              },
              { name: 'fetchOffset', type: 'int64', versions: '0+', about: 'The message offset.' },
              {
                name: 'lastFetchedEpoch',
                type: 'int32',
                versions: '12+',
                default: -1,
                about: 'The epoch of the last fetched record or -1 if there is none.',
              },
              {
                name: 'logStartOffset',
                type: 'int64',
                versions: '5+',
                default: -1n,
                ignorable: true,
                about: 'The earliest available offset of the follower replica.',
              },
              {
                name: 'partitionMaxBytes',
                type: 'int32',
                versions: '0+',
                about: 'The maximum bytes to fetch from this partition.',
              },
              {
                name: 'replicaDirectoryId',
                type: 'uuid',
                versions: '17+',
                taggedVersions: '17+',
                tag: 0,
                ignorable: true,
                about: 'The directory id of the follower fetching.',
              },
              {
                name: 'highWatermark',
                type: 'int64',
                versions: '18+',
                taggedVersions: '18+',
                tag: 1,
                default: 9223372036854775807n,
                ignorable: true,
                about: 'The high-watermark known by the replica.',
              },
            ],
          },
        ],
      },
      {
        name: 'forgottenTopicsData',
        type: '[]ForgottenTopic',
        versions: '7+',
        about: 'In an incremental fetch request, the partitions to remove.',
        fields: [
          { name: 'topic', type: 'string', versions: '7-12', ignorable: true, about: 'The topic name.' },
          { name: 'topicId', type: 'uuid', versions: '13+', ignorable: true, about: 'The unique topic ID.' },
          { name: 'partitions', type: '[]int32', versions: '7+', about: 'The partitions indexes to forget.' },
        ],
      },
      {
        name: 'rackId',
        type: 'string',
        versions: '11+',
        default: '',
        ignorable: true,
        about: 'Rack ID of the consumer making this request.',
      },
    ],
  },
  response: {
    fields: [
      { name: 'throttleTimeMs', type: 'int32', versions: '1+', ignorable: true },
      {
        name: 'errorCode',
        type: 'int16',
        versions: '7+',
        ignorable: true,
        about: 'The top level response error code.',
      },
      { name: 'sessionId', type: 'int32', versions: '7+', default: 0 },
      {
        name: 'responses',
        type: '[]FetchableTopicResponse',
        versions: '0+',
        about: 'The response topics.',
        fields: [
          { name: 'topic', type: 'string', versions: '0-12', ignorable: true, about: 'The topic name.' },
          { name: 'topicId', type: 'uuid', versions: '13+', ignorable: true, about: 'The unique topic ID.' },
          {
            name: 'partitions',
            type: '[]PartitionData',
            versions: '0+',
            about: 'The topic partitions.',
            fields: [
              { name: 'partitionIndex', type: 'int32', versions: '0+', about: 'The partition index.' },
              {
                name: 'errorCode',
                type: 'int16',
                versions: '0+',
                about: 'The error code, or 0 if there was no fetch error.',
              },
              { name: 'highWatermark', type: 'int64', versions: '0+', about: 'The current high water mark.' },
              {
                name: 'lastStableOffset',
                type: 'int64',
                versions: '4+',
                default: -1n,
                ignorable: true,
                about: 'The last stable offset (or LSO) of the partition.',
              },
              {
                name: 'logStartOffset',
                type: 'int64',
                versions: '5+',
                default: -1n,
                ignorable: true,
                about: 'The current log start offset.',
              },
              {
                name: 'divergingEpoch',
                type: 'EpochEndOffset',
                versions: '12+',
                taggedVersions: '12+',
                tag: 0,
                fields: [
                  { name: 'epoch', type: 'int32', versions: '12+', default: -1, about: 'The largest epoch.' },
                  {
                    name: 'endOffset',
                    type: 'int64',
                    versions: '12+',
                    default: -1n,
                    about: 'The end offset of the epoch.',
                  },
                ],
              },
              {
                name: 'currentLeader',
                type: 'LeaderIdAndEpoch',
                versions: '12+',
                taggedVersions: '12+',
                tag: 1,
                about: 'The current leader of the partition.',
                fields: [
                  {
                    name: 'leaderId',
                    type: 'int32',
                    versions: '12+',
                    default: -1,
                    about: 'The ID of the current leader or -1 if the leader is unknown.',
                  },
                  {
                    name: 'leaderEpoch',
                    type: 'int32',
                    versions: '12+',
                    default: -1,
                    about: 'The latest known leader epoch.',
                  },
                ],
              },
              {
                name: 'snapshotId',
                type: 'SnapshotId',
                versions: '12+',
                taggedVersions: '12+',
                tag: 2,
                fields: [
                  {
                    name: 'endOffset',
                    type: 'int64',
                    versions: '12+',
                    default: -1n,
                    about: 'The end offset of the epoch.',
                  },
                  { name: 'epoch', type: 'int32', versions: '12+', default: -1, about: 'The largest epoch.' },
                ],
              },
              {
                name: 'abortedTransactions',
                type: '[]AbortedTransaction',
                versions: '4+',
                nullableVersions: '4+',
                ignorable: true,
                about: 'The aborted transactions.',
                fields: [
                  {
                    name: 'producerId',
                    type: 'int64',
                    versions: '4+',
                    about: 'The producer id associated with the aborted transaction.',
                  },
                  {
                    name: 'firstOffset',
                    type: 'int64',
                    versions: '4+',
                    about: 'The first offset in the aborted transaction.',
                  },
                ],
              },
              { name: 'preferredReadReplica', type: 'int32', versions: '11+', default: -1 },
              {
                name: 'records',
                type: 'records',
                versions: '0+',
                nullableVersions: '0+',
                about: 'The record data.',
              },
            ],
          },
        ],
      },
      {
        name: 'nodeEndpoints',
        type: '[]NodeEndpoint',
        versions: '16+',
        taggedVersions: '16+',
        tag: 0,
        fields: [
          { name: 'nodeId', type: 'int32', versions: '16+', about: 'The ID of the associated node.' },
          { name: 'host', type: 'string', versions: '16+', about: "The node's hostname." },
          { name: 'port', type: 'int32', versions: '16+', about: "The node's port." },
          { name: 'rack', type: 'string', versions: '16+', nullableVersions: '16+', default: null },
        ],
      },
    ],
  },
};
