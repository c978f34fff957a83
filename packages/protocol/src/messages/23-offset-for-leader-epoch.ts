/**
 * OffsetForLeaderEpoch (api key 23): versions 0-4, flexible 4+.
 *
 * Transcribed from Apache Kafka's OffsetForLeaderEpochRequest.json and OffsetForLeaderEpochResponse.json.
 *
 * Request versions (Kafka's notes):
 *   Version 1 is the same as version 0.
 *
 *   Version 2 adds the current leader epoch to support fencing.
 *
 *   Version 3 adds ReplicaId (the default is -2 which conventionally represents a
 *      "debug" consumer which is allowed to see offsets beyond the high watermark).
 *      Followers will use this replicaId when using an older version of the protocol.
 *
 *   Version 4 enables flexible versions.
 *
 * Response versions (Kafka's notes):
 *   Version 1 added the leader epoch to the response.
 *
 *   Version 2 added the throttle time.
 *
 *   Version 3 is the same as version 2.
 *
 *   Version 4 enables flexible versions.
 */
import type { ApiSchema } from '../schema/index.js';

export interface OffsetForLeaderEpochRequest {
  /** (v3+) The broker ID of the follower, of -1 if this request is from a consumer. */
  replicaId: number;
  /** Each topic to get offsets for. */
  topics: OffsetForLeaderEpochRequestOffsetForLeaderTopic[];
}

export interface OffsetForLeaderEpochRequestOffsetForLeaderTopic {
  /** The topic name. */
  topic: string;
  /** Each partition to get offsets for. */
  partitions: OffsetForLeaderEpochRequestOffsetForLeaderPartition[];
}

export interface OffsetForLeaderEpochRequestOffsetForLeaderPartition {
  /** The partition index. */
  partition: number;
  /** (v2+) An epoch used to fence consumers/replicas with old metadata. */
  currentLeaderEpoch: number;
  /** The epoch to look up an offset for. */
  leaderEpoch: number;
}

export interface OffsetForLeaderEpochResponse {
  /** (v2+) */
  throttleTimeMs?: number;
  /** Each topic we fetched offsets for. */
  topics: readonly OffsetForLeaderEpochResponseOffsetForLeaderTopicResult[];
}

export interface OffsetForLeaderEpochResponseOffsetForLeaderTopicResult {
  /** The topic name. */
  topic: string;
  /** Each partition in the topic we fetched offsets for. */
  partitions: readonly OffsetForLeaderEpochResponseEpochEndOffset[];
}

export interface OffsetForLeaderEpochResponseEpochEndOffset {
  /** The error code 0, or if there was no error. */
  errorCode: number;
  /** The partition index. */
  partition: number;
  /** (v1+) The leader epoch of the partition. */
  leaderEpoch?: number;
  /** The end offset of the epoch. */
  endOffset: bigint;
}

export const OffsetForLeaderEpochSchema: ApiSchema = {
  name: 'OffsetForLeaderEpoch',
  apiKey: 23,
  validVersions: '0-4',
  flexibleVersions: '4+',
  request: {
    fields: [
      { name: 'replicaId', type: 'int32', versions: '3+', default: -2, ignorable: true },
      {
        name: 'topics',
        type: '[]OffsetForLeaderTopic',
        versions: '0+',
        about: 'Each topic to get offsets for.',
        fields: [
          { name: 'topic', type: 'string', versions: '0+', about: 'The topic name.' },
          {
            name: 'partitions',
            type: '[]OffsetForLeaderPartition',
            versions: '0+',
            about: 'Each partition to get offsets for.',
            fields: [
              { name: 'partition', type: 'int32', versions: '0+', about: 'The partition index.' },
              {
                name: 'currentLeaderEpoch',
                type: 'int32',
                versions: '2+',
                default: -1,
                ignorable: true,
                about: 'An epoch used to fence consumers/replicas with old metadata.',
              },
              {
                name: 'leaderEpoch',
                type: 'int32',
                versions: '0+',
                about: 'The epoch to look up an offset for.',
              },
            ],
          },
        ],
      },
    ],
  },
  response: {
    fields: [
      { name: 'throttleTimeMs', type: 'int32', versions: '2+', ignorable: true },
      {
        name: 'topics',
        type: '[]OffsetForLeaderTopicResult',
        versions: '0+',
        about: 'Each topic we fetched offsets for.',
        fields: [
          { name: 'topic', type: 'string', versions: '0+', about: 'The topic name.' },
          {
            name: 'partitions',
            type: '[]EpochEndOffset',
            versions: '0+',
            about: 'Each partition in the topic we fetched offsets for.',
            fields: [
              {
                name: 'errorCode',
                type: 'int16',
                versions: '0+',
                about: 'The error code 0, or if there was no error.',
              },
              { name: 'partition', type: 'int32', versions: '0+', about: 'The partition index.' },
              {
                name: 'leaderEpoch',
                type: 'int32',
                versions: '1+',
                default: -1,
                ignorable: true,
                about: 'The leader epoch of the partition.',
              },
              {
                name: 'endOffset',
                type: 'int64',
                versions: '0+',
                default: -1n,
                about: 'The end offset of the epoch.',
              },
            ],
          },
        ],
      },
    ],
  },
};
