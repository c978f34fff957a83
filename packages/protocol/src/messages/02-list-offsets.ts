/**
 * ListOffsets (api key 2): versions 0-11, flexible 6+.
 *
 * Transcribed from Apache Kafka's ListOffsetsRequest.json and ListOffsetsResponse.json.
 *
 * Request versions (Kafka's notes):
 *   Version 1 removes MaxNumOffsets.  From this version forward, only a single
 *   offset can be returned.
 *
 *   Version 2 adds the isolation level, which is used for transactional reads.
 *
 *   Version 3 is the same as version 2.
 *
 *   Version 4 adds the current leader epoch, which is used for fencing.
 *
 *   Version 5 is the same as version 4.
 *
 *   Version 6 enables flexible versions.
 *
 *   Version 7 enables listing offsets by max timestamp (KIP-734).
 *
 *   Version 8 enables listing offsets by local log start offset (KIP-405).
 *
 *   Version 9 enables listing offsets by last tiered offset (KIP-1005).
 *
 *   Version 10 enables async remote list offsets support (KIP-1075)
 *   Version 11 enables listing offsets by earliest pending upload offset (KIP-1023)
 *
 * Response versions (Kafka's notes):
 *   Version 1 removes the offsets array in favor of returning a single offset.
 *   Version 1 also adds the timestamp associated with the returned offset.
 *
 *   Version 2 adds the throttle time.
 *
 *   Starting in version 3, on quota violation, brokers send out responses before throttling.
 *
 *   Version 4 adds the leader epoch, which is used for fencing.
 *
 *   Version 5 adds a new error code, OFFSET_NOT_AVAILABLE.
 *
 *   Version 6 enables flexible versions.
 *
 *   Version 7 is the same as version 6 (KIP-734).
 *
 *   Version 8 enables listing offsets by local log start offset.
 *   This is the earliest log start offset in the local log. (KIP-405).
 *
 *   Version 9 enables listing offsets by last tiered offset (KIP-1005).
 *
 *   Version 10 enables async remote list offsets support (KIP-1075)
 *   Version 11 enables listing offsets by earliest pending upload offset (KIP-1023)
 */
import type { ApiSchema } from '../schema/index.js';

export interface ListOffsetsRequest {
  /** The broker ID of the requester, or -1 if this request is being made by a normal consumer. */
  replicaId: number;
  /** (v2+) This setting controls the visibility of transactional records. */
  isolationLevel: number;
  /** Each topic in the request. */
  topics: ListOffsetsRequestListOffsetsTopic[];
  /** (v10+) */
  timeoutMs: number;
}

export interface ListOffsetsRequestListOffsetsTopic {
  /** The topic name. */
  name: string;
  /** Each partition in the request. */
  partitions: ListOffsetsRequestListOffsetsPartition[];
}

export interface ListOffsetsRequestListOffsetsPartition {
  /** The partition index. */
  partitionIndex: number;
  /** (v4+) The current leader epoch. */
  currentLeaderEpoch: number;
  /** The current timestamp. */
  timestamp: bigint;
  /** (v0) The maximum number of offsets to report. */
  maxNumOffsets: number;
}

export interface ListOffsetsResponse {
  /** (v2+) */
  throttleTimeMs?: number;
  /** Each topic in the response. */
  topics: readonly ListOffsetsResponseListOffsetsTopicResponse[];
}

export interface ListOffsetsResponseListOffsetsTopicResponse {
  /** The topic name. */
  name: string;
  /** Each partition in the response. */
  partitions: readonly ListOffsetsResponseListOffsetsPartitionResponse[];
}

export interface ListOffsetsResponseListOffsetsPartitionResponse {
  /** The partition index. */
  partitionIndex: number;
  /** The partition error code, or 0 if there was no error. */
  errorCode: number;
  /** (v0) The result offsets. */
  oldStyleOffsets?: readonly bigint[];
  /** (v1+) The timestamp associated with the returned offset. */
  timestamp?: bigint;
  /** (v1+) The returned offset. */
  offset?: bigint;
  /** (v4+) The leader epoch associated with the returned offset. */
  leaderEpoch?: number;
}

export const ListOffsetsSchema: ApiSchema = {
  name: 'ListOffsets',
  apiKey: 2,
  validVersions: '0-11',
  flexibleVersions: '6+',
  request: {
    fields: [
      { name: 'replicaId', type: 'int32', versions: '0+' },
      {
        name: 'isolationLevel',
        type: 'int8',
        versions: '2+',
        about: 'This setting controls the visibility of transactional records.',
      },
      {
        name: 'topics',
        type: '[]ListOffsetsTopic',
        versions: '0+',
        about: 'Each topic in the request.',
        fields: [
          { name: 'name', type: 'string', versions: '0+', about: 'The topic name.' },
          {
            name: 'partitions',
            type: '[]ListOffsetsPartition',
            versions: '0+',
            about: 'Each partition in the request.',
            fields: [
              { name: 'partitionIndex', type: 'int32', versions: '0+', about: 'The partition index.' },
              {
                name: 'currentLeaderEpoch',
                type: 'int32',
                versions: '4+',
                default: -1,
                ignorable: true,
                about: 'The current leader epoch.',
              },
              { name: 'timestamp', type: 'int64', versions: '0+', about: 'The current timestamp.' },
              {
                name: 'maxNumOffsets',
                type: 'int32',
                versions: '0',
                default: 1,
                about: 'The maximum number of offsets to report.',
              },
            ],
          },
        ],
      },
      { name: 'timeoutMs', type: 'int32', versions: '10+', ignorable: true },
    ],
  },
  response: {
    fields: [
      { name: 'throttleTimeMs', type: 'int32', versions: '2+', ignorable: true },
      {
        name: 'topics',
        type: '[]ListOffsetsTopicResponse',
        versions: '0+',
        about: 'Each topic in the response.',
        fields: [
          { name: 'name', type: 'string', versions: '0+', about: 'The topic name.' },
          {
            name: 'partitions',
            type: '[]ListOffsetsPartitionResponse',
            versions: '0+',
            about: 'Each partition in the response.',
            fields: [
              { name: 'partitionIndex', type: 'int32', versions: '0+', about: 'The partition index.' },
              {
                name: 'errorCode',
                type: 'int16',
                versions: '0+',
                about: 'The partition error code, or 0 if there was no error.',
              },
              { name: 'oldStyleOffsets', type: '[]int64', versions: '0', about: 'The result offsets.' },
              {
                name: 'timestamp',
                type: 'int64',
                versions: '1+',
                default: -1n,
                about: 'The timestamp associated with the returned offset.',
              },
              { name: 'offset', type: 'int64', versions: '1+', default: -1n, about: 'The returned offset.' },
              {
                name: 'leaderEpoch',
                type: 'int32',
                versions: '4+',
                default: -1,
                about: 'The leader epoch associated with the returned offset.',
              },
            ],
          },
        ],
      },
    ],
  },
};
