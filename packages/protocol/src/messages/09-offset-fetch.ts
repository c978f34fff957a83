/**
 * OffsetFetch (api key 9): versions 0-10, flexible 6+.
 *
 * Transcribed from Apache Kafka's OffsetFetchRequest.json and OffsetFetchResponse.json.
 *
 * Request versions (Kafka's notes):
 *   In version 0, the request read offsets from ZK.
 *
 *   Starting in version 1, the broker supports fetching offsets from the internal __consumer_offsets topic.
 *
 *   Starting in version 2, the request can contain a null topics array to indicate that offsets
 *   for all topics should be fetched. It also returns a top level error code
 *   for group or coordinator level errors.
 *
 *   Version 3, 4, and 5 are the same as version 2.
 *
 *   Version 6 is the first flexible version.
 *
 *   Version 7 is adding the require stable flag.
 *
 *   Version 8 is adding support for fetching offsets for multiple groups at a time.
 *
 *   Version 9 is the first version that can be used with the new consumer group protocol (KIP-848). It adds
 *   the MemberId and MemberEpoch fields. Those are filled in and validated when the new consumer protocol is used.
 *   Version 10 adds support for topic ids and removes support for topic names (KIP-848).
 *
 * Response versions (Kafka's notes):
 *   Version 1 is the same as version 0.
 *
 *   Version 2 adds a top-level error code.
 *
 *   Version 3 adds the throttle time.
 *
 *   Starting in version 4, on quota violation, brokers send out responses before throttling.
 *
 *   Version 5 adds the leader epoch to the committed offset.
 *
 *   Version 6 is the first flexible version.
 *
 *   Version 7 adds pending offset commit as new error response on partition level.
 *
 *   Version 8 is adding support for fetching offsets for multiple groups
 *
 *   Version 9 is the first version that can be used with the new consumer group protocol (KIP-848). The response is
 *   the same as version 8 but can return STALE_MEMBER_EPOCH and UNKNOWN_MEMBER_ID errors when the new consumer group
 *   protocol is used.
 *   Supported errors:
 *   - GROUP_AUTHORIZATION_FAILED (version 0+)
 *   - NOT_COORDINATOR (version 0+)
 *   - COORDINATOR_NOT_AVAILABLE (version 0+)
 *   - COORDINATOR_LOAD_IN_PROGRESS (version 0+)
 *   - GROUP_ID_NOT_FOUND (version 0+)
 *   - UNSTABLE_OFFSET_COMMIT (version 7+)
 *   - UNKNOWN_MEMBER_ID (version 9+)
 *   - STALE_MEMBER_EPOCH (version 9+)
 *   Version 10 adds support for topic ids and removes support for topic names (KIP-848).
 *   It can return UNKNOWN_TOPIC_ID if topic IDs used and the topic is not found in metadata.
 *   Supported errors:
 *   - GROUP_AUTHORIZATION_FAILED (version 0+)
 *   - NOT_COORDINATOR (version 0+)
 *   - COORDINATOR_NOT_AVAILABLE (version 0+)
 *   - COORDINATOR_LOAD_IN_PROGRESS (version 0+)
 *   - GROUP_ID_NOT_FOUND (version 0+)
 *   - UNSTABLE_OFFSET_COMMIT (version 7+)
 *   - UNKNOWN_MEMBER_ID (version 9+)
 *   - STALE_MEMBER_EPOCH (version 9+)
 *   - UNKNOWN_TOPIC_ID (version 10+)
 */
import type { ApiSchema } from '../schema/index.js';

export interface OffsetFetchRequest {
  /** (v0-7) The group to fetch offsets for. */
  groupId: string;
  /** (v0-7, nullable v2-7) Each topic we would like to fetch offsets for, or null to fetch offsets for all topics. */
  topics: OffsetFetchRequestOffsetFetchRequestTopic[] | null;
  /** (v8+) Each group we would like to fetch offsets for. */
  groups: OffsetFetchRequestOffsetFetchRequestGroup[];
  /** (v7+) Whether broker should hold on returning unstable offsets but set a retriable error code for the partitions. */
  requireStable: boolean;
}

export interface OffsetFetchRequestOffsetFetchRequestTopic {
  /** (v0-7) The topic name. */
  name: string;
  /** (v0-7) The partition indexes we would like to fetch offsets for. */
  partitionIndexes: number[];
}

export interface OffsetFetchRequestOffsetFetchRequestGroup {
  /** (v8+) The group ID. */
  groupId: string;
  /** (v9+) The member id. */
  memberId: string | null;
  /** (v9+) The member epoch if using the new consumer protocol (KIP-848). */
  memberEpoch: number;
  /** (v8+) Each topic we would like to fetch offsets for, or null to fetch offsets for all topics. */
  topics: OffsetFetchRequestOffsetFetchRequestTopics[] | null;
}

export interface OffsetFetchRequestOffsetFetchRequestTopics {
  /** (v8-9) The topic name. */
  name: string;
  /** (v10+) The topic ID. */
  topicId: string;
  /** (v8+) The partition indexes we would like to fetch offsets for. */
  partitionIndexes: number[];
}

export interface OffsetFetchResponse {
  /** (v3+) */
  throttleTimeMs?: number;
  /** (v0-7) The responses per topic. */
  topics?: readonly OffsetFetchResponseOffsetFetchResponseTopic[];
  /** (v2-7) The top-level error code, or 0 if there was no error. */
  errorCode?: number;
  /** (v8+) The responses per group id. */
  groups?: readonly OffsetFetchResponseOffsetFetchResponseGroup[];
}

export interface OffsetFetchResponseOffsetFetchResponseTopic {
  /** (v0-7) The topic name. */
  name: string;
  /** (v0-7) The responses per partition. */
  partitions: readonly OffsetFetchResponseOffsetFetchResponsePartition[];
}

export interface OffsetFetchResponseOffsetFetchResponsePartition {
  /** (v0-7) The partition index. */
  partitionIndex: number;
  /** (v0-7) The committed message offset. */
  committedOffset: bigint;
  /** (v5-7) The leader epoch. */
  committedLeaderEpoch?: number;
  /** (v0-7) The partition metadata. */
  metadata: string | null;
  /** (v0-7) The error code, or 0 if there was no error. */
  errorCode: number;
}

export interface OffsetFetchResponseOffsetFetchResponseGroup {
  /** (v8+) The group ID. */
  groupId: string;
  /** (v8+) The responses per topic. */
  topics: readonly OffsetFetchResponseOffsetFetchResponseTopics[];
  /** (v8+) The group-level error code, or 0 if there was no error. */
  errorCode: number;
}

export interface OffsetFetchResponseOffsetFetchResponseTopics {
  /** (v8-9) The topic name. */
  name?: string;
  /** (v10+) The topic ID. */
  topicId?: string;
  /** (v8+) The responses per partition. */
  partitions: readonly OffsetFetchResponseOffsetFetchResponsePartitions[];
}

export interface OffsetFetchResponseOffsetFetchResponsePartitions {
  /** (v8+) The partition index. */
  partitionIndex: number;
  /** (v8+) The committed message offset. */
  committedOffset: bigint;
  /** (v8+) The leader epoch. */
  committedLeaderEpoch: number;
  /** (v8+) The partition metadata. */
  metadata: string | null;
  /** (v8+) The partition-level error code, or 0 if there was no error. */
  errorCode: number;
}

export const OffsetFetchSchema: ApiSchema = {
  name: 'OffsetFetch',
  apiKey: 9,
  validVersions: '0-10',
  flexibleVersions: '6+',
  request: {
    fields: [
      { name: 'groupId', type: 'string', versions: '0-7', about: 'The group to fetch offsets for.' },
      {
        name: 'topics',
        type: '[]OffsetFetchRequestTopic',
        versions: '0-7',
        nullableVersions: '2-7',
        fields: [
          { name: 'name', type: 'string', versions: '0-7', about: 'The topic name.' },
          {
            name: 'partitionIndexes',
            type: '[]int32',
            versions: '0-7',
            about: 'The partition indexes we would like to fetch offsets for.',
          },
        ],
      },
      {
        name: 'groups',
        type: '[]OffsetFetchRequestGroup',
        versions: '8+',
        about: 'Each group we would like to fetch offsets for.',
        fields: [
          { name: 'groupId', type: 'string', versions: '8+', about: 'The group ID.' },
          {
            name: 'memberId',
            type: 'string',
            versions: '9+',
            nullableVersions: '9+',
            default: null,
            ignorable: true,
            about: 'The member id.',
          },
          {
            name: 'memberEpoch',
            type: 'int32',
            versions: '9+',
            default: -1,
            ignorable: true,
            about: 'The member epoch if using the new consumer protocol (KIP-848).',
          },
          {
            name: 'topics',
            type: '[]OffsetFetchRequestTopics',
            versions: '8+',
            nullableVersions: '8+',
            fields: [
              { name: 'name', type: 'string', versions: '8-9', ignorable: true, about: 'The topic name.' },
              { name: 'topicId', type: 'uuid', versions: '10+', ignorable: true, about: 'The topic ID.' },
              {
                name: 'partitionIndexes',
                type: '[]int32',
                versions: '8+',
                about: 'The partition indexes we would like to fetch offsets for.',
              },
            ],
          },
        ],
      },
      { name: 'requireStable', type: 'bool', versions: '7+', default: false },
    ],
  },
  response: {
    fields: [
      { name: 'throttleTimeMs', type: 'int32', versions: '3+', ignorable: true },
      {
        name: 'topics',
        type: '[]OffsetFetchResponseTopic',
        versions: '0-7',
        about: 'The responses per topic.',
        fields: [
          { name: 'name', type: 'string', versions: '0-7', about: 'The topic name.' },
          {
            name: 'partitions',
            type: '[]OffsetFetchResponsePartition',
            versions: '0-7',
            about: 'The responses per partition.',
            fields: [
              { name: 'partitionIndex', type: 'int32', versions: '0-7', about: 'The partition index.' },
              {
                name: 'committedOffset',
                type: 'int64',
                versions: '0-7',
                about: 'The committed message offset.',
              },
              {
                name: 'committedLeaderEpoch',
                type: 'int32',
                versions: '5-7',
                default: -1,
                ignorable: true,
                about: 'The leader epoch.',
              },
              {
                name: 'metadata',
                type: 'string',
                versions: '0-7',
                nullableVersions: '0-7',
                about: 'The partition metadata.',
              },
              {
                name: 'errorCode',
                type: 'int16',
                versions: '0-7',
                about: 'The error code, or 0 if there was no error.',
              },
            ],
          },
        ],
      },
      {
        name: 'errorCode',
        type: 'int16',
        versions: '2-7',
        default: 0,
        ignorable: true,
        about: 'The top-level error code, or 0 if there was no error.',
      },
      {
        name: 'groups',
        type: '[]OffsetFetchResponseGroup',
        versions: '8+',
        about: 'The responses per group id.',
        fields: [
          { name: 'groupId', type: 'string', versions: '8+', about: 'The group ID.' },
          {
            name: 'topics',
            type: '[]OffsetFetchResponseTopics',
            versions: '8+',
            about: 'The responses per topic.',
            fields: [
              { name: 'name', type: 'string', versions: '8-9', ignorable: true, about: 'The topic name.' },
              { name: 'topicId', type: 'uuid', versions: '10+', ignorable: true, about: 'The topic ID.' },
              {
                name: 'partitions',
                type: '[]OffsetFetchResponsePartitions',
                versions: '8+',
                about: 'The responses per partition.',
                fields: [
                  { name: 'partitionIndex', type: 'int32', versions: '8+', about: 'The partition index.' },
                  {
                    name: 'committedOffset',
                    type: 'int64',
                    versions: '8+',
                    about: 'The committed message offset.',
                  },
                  {
                    name: 'committedLeaderEpoch',
                    type: 'int32',
                    versions: '8+',
                    default: -1,
                    ignorable: true,
                    about: 'The leader epoch.',
                  },
                  {
                    name: 'metadata',
                    type: 'string',
                    versions: '8+',
                    nullableVersions: '8+',
                    about: 'The partition metadata.',
                  },
                  {
                    name: 'errorCode',
                    type: 'int16',
                    versions: '8+',
                    about: 'The partition-level error code, or 0 if there was no error.',
                  },
                ],
              },
            ],
          },
          {
            name: 'errorCode',
            type: 'int16',
            versions: '8+',
            default: 0,
            about: 'The group-level error code, or 0 if there was no error.',
          },
        ],
      },
    ],
  },
};
