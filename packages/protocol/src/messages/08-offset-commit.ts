/**
 * OffsetCommit (api key 8): versions 0-10, flexible 8+.
 *
 * Transcribed from Apache Kafka's OffsetCommitRequest.json and OffsetCommitResponse.json.
 *
 * Request versions (Kafka's notes):
 *   Version 1 adds timestamp and group membership information, as well as the commit timestamp.
 *
 *   Version 2 adds retention time.  It removes the commit timestamp added in version 1.
 *
 *   Version 3 and 4 are the same as version 2.
 *
 *   Version 5 removes the retention time, which is now controlled only by a broker configuration.
 *
 *   Version 6 adds the leader epoch for fencing.
 *
 *   version 7 adds a new field called groupInstanceId to indicate member identity across restarts.
 *
 *   Version 8 is the first flexible version.
 *
 *   Version 9 is the first version that can be used with the new consumer group protocol (KIP-848). The
 *   request is the same as version 8.
 *   CommitTimestamp has been removed from v2 and later.
 *   Version 10 adds support for topic ids and removes support for topic names (KIP-848).
 *
 * Response versions (Kafka's notes):
 *   Versions 1 and 2 are the same as version 0.
 *
 *   Version 3 adds the throttle time to the response.
 *
 *   Starting in version 4, on quota violation, brokers send out responses before throttling.
 *
 *   Versions 5 and 6 are the same as version 4.
 *
 *   Version 7 offsetCommitRequest supports a new field called groupInstanceId to indicate member identity across restarts.
 *
 *   Version 8 is the first flexible version.
 *
 *   Version 9 is the first version that can be used with the new consumer group protocol (KIP-848). The response is
 *   the same as version 8 but can return STALE_MEMBER_EPOCH when the new consumer group protocol is used and
 *   GROUP_ID_NOT_FOUND when the group does not exist for both protocols.
 *   Supported errors:
 *   - GROUP_AUTHORIZATION_FAILED (version 0+)
 *   - NOT_COORDINATOR (version 0+)
 *   - COORDINATOR_NOT_AVAILABLE (version 0+)
 *   - COORDINATOR_LOAD_IN_PROGRESS (version 0+)
 *   - ILLEGAL_GENERATION (version 1+)
 *   - UNKNOWN_MEMBER_ID (version 1+)
 *   - INVALID_COMMIT_OFFSET_SIZE (version 0+)
 *   - FENCED_MEMBER_EPOCH (version 7+)
 *   - GROUP_ID_NOT_FOUND (version 9+)
 *   - STALE_MEMBER_EPOCH (version 9+)
 *   Version 10 adds support for topic ids and removes support for topic names (KIP-848).
 *   Supported errors:
 *   - GROUP_AUTHORIZATION_FAILED (version 0+)
 *   - NOT_COORDINATOR (version 0+)
 *   - COORDINATOR_NOT_AVAILABLE (version 0+)
 *   - COORDINATOR_LOAD_IN_PROGRESS (version 0+)
 *   - ILLEGAL_GENERATION (version 1+)
 *   - UNKNOWN_MEMBER_ID (version 1+)
 *   - INVALID_COMMIT_OFFSET_SIZE (version 0+)
 *   - FENCED_MEMBER_EPOCH (version 7+)
 *   - GROUP_ID_NOT_FOUND (version 9+)
 *   - STALE_MEMBER_EPOCH (version 9+)
 *   - UNKNOWN_TOPIC_ID (version 10+)
 */
import type { ApiSchema } from '../schema/index.js';

export interface OffsetCommitRequest {
  /** The unique group identifier. */
  groupId: string;
  /** (v1+) */
  generationIdOrMemberEpoch: number;
  /** (v1+) The member ID assigned by the group coordinator. */
  memberId: string;
  /** (v7+) The unique identifier of the consumer instance provided by end user. */
  groupInstanceId: string | null;
  /** (v2-4) The time period in ms to retain the offset. */
  retentionTimeMs: bigint;
  /** The topics to commit offsets for. */
  topics: OffsetCommitRequestOffsetCommitRequestTopic[];
}

export interface OffsetCommitRequestOffsetCommitRequestTopic {
  /** (v0-9) The topic name. */
  name: string;
  /** (v10+) The topic ID. */
  topicId: string;
  /** Each partition to commit offsets for. */
  partitions: OffsetCommitRequestOffsetCommitRequestPartition[];
}

export interface OffsetCommitRequestOffsetCommitRequestPartition {
  /** The partition index. */
  partitionIndex: number;
  /** The message offset to be committed. */
  committedOffset: bigint;
  /** (v6+) The leader epoch of this partition. */
  committedLeaderEpoch: number;
  /** (v1) The timestamp of the commit. */
  commitTimestamp: bigint;
  /** Any associated metadata the client wants to keep. */
  committedMetadata: string | null;
}

export interface OffsetCommitResponse {
  /** (v3+) */
  throttleTimeMs?: number;
  /** The responses for each topic. */
  topics: readonly OffsetCommitResponseOffsetCommitResponseTopic[];
}

export interface OffsetCommitResponseOffsetCommitResponseTopic {
  /** (v0-9) The topic name. */
  name?: string;
  /** (v10+) The topic ID. */
  topicId?: string;
  /** The responses for each partition in the topic. */
  partitions: readonly OffsetCommitResponseOffsetCommitResponsePartition[];
}

export interface OffsetCommitResponseOffsetCommitResponsePartition {
  /** The partition index. */
  partitionIndex: number;
  /** The error code, or 0 if there was no error. */
  errorCode: number;
}

export const OffsetCommitSchema: ApiSchema = {
  name: 'OffsetCommit',
  apiKey: 8,
  validVersions: '0-10',
  flexibleVersions: '8+',
  request: {
    fields: [
      { name: 'groupId', type: 'string', versions: '0+', about: 'The unique group identifier.' },
      { name: 'generationIdOrMemberEpoch', type: 'int32', versions: '1+', default: -1, ignorable: true },
      {
        name: 'memberId',
        type: 'string',
        versions: '1+',
        ignorable: true,
        about: 'The member ID assigned by the group coordinator.',
      },
      { name: 'groupInstanceId', type: 'string', versions: '7+', nullableVersions: '7+', default: null },
      {
        name: 'retentionTimeMs',
        type: 'int64',
        versions: '2-4',
        default: -1n,
        ignorable: true,
        about: 'The time period in ms to retain the offset.',
      },
      {
        name: 'topics',
        type: '[]OffsetCommitRequestTopic',
        versions: '0+',
        about: 'The topics to commit offsets for.',
        fields: [
          { name: 'name', type: 'string', versions: '0-9', ignorable: true, about: 'The topic name.' },
          { name: 'topicId', type: 'uuid', versions: '10+', ignorable: true, about: 'The topic ID.' },
          {
            name: 'partitions',
            type: '[]OffsetCommitRequestPartition',
            versions: '0+',
            about: 'Each partition to commit offsets for.',
            fields: [
              { name: 'partitionIndex', type: 'int32', versions: '0+', about: 'The partition index.' },
              {
                name: 'committedOffset',
                type: 'int64',
                versions: '0+',
                about: 'The message offset to be committed.',
              },
              {
                name: 'committedLeaderEpoch',
                type: 'int32',
                versions: '6+',
                default: -1,
                ignorable: true,
                about: 'The leader epoch of this partition.',
              },
              {
                name: 'commitTimestamp',
                type: 'int64',
                versions: '1',
                default: -1n,
                about: 'The timestamp of the commit.',
              },
              {
                name: 'committedMetadata',
                type: 'string',
                versions: '0+',
                nullableVersions: '0+',
                about: 'Any associated metadata the client wants to keep.',
              },
            ],
          },
        ],
      },
    ],
  },
  response: {
    fields: [
      { name: 'throttleTimeMs', type: 'int32', versions: '3+', ignorable: true },
      {
        name: 'topics',
        type: '[]OffsetCommitResponseTopic',
        versions: '0+',
        about: 'The responses for each topic.',
        fields: [
          { name: 'name', type: 'string', versions: '0-9', ignorable: true, about: 'The topic name.' },
          { name: 'topicId', type: 'uuid', versions: '10+', ignorable: true, about: 'The topic ID.' },
          {
            name: 'partitions',
            type: '[]OffsetCommitResponsePartition',
            versions: '0+',
            about: 'The responses for each partition in the topic.',
            fields: [
              { name: 'partitionIndex', type: 'int32', versions: '0+', about: 'The partition index.' },
              {
                name: 'errorCode',
                type: 'int16',
                versions: '0+',
                about: 'The error code, or 0 if there was no error.',
              },
            ],
          },
        ],
      },
    ],
  },
};
