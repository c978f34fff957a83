/**
 * CreateTopics (api key 19): versions 0-7, flexible 5+.
 *
 * Transcribed from Apache Kafka's CreateTopicsRequest.json and CreateTopicsResponse.json.
 *
 * Request versions (Kafka's notes):
 *   Version 1 adds validateOnly.
 *
 *   Version 4 makes partitions/replicationFactor optional even when assignments are not present (KIP-464)
 *
 *   Version 5 is the first flexible version.
 *   Version 5 also returns topic configs in the response (KIP-525).
 *
 *   Version 6 is identical to version 5 but may return a THROTTLING_QUOTA_EXCEEDED error
 *   in the response if the topics creation is throttled (KIP-599).
 *
 *   Version 7 is the same as version 6.
 *
 * Response versions (Kafka's notes):
 *   Version 1 adds a per-topic error message string.
 *
 *   Version 2 adds the throttle time.
 *
 *   Starting in version 3, on quota violation, brokers send out responses before throttling.
 *
 *   Version 4 makes partitions/replicationFactor optional even when assignments are not present (KIP-464).
 *
 *   Version 5 is the first flexible version.
 *   Version 5 also returns topic configs in the response (KIP-525).
 *
 *   Version 6 is identical to version 5 but may return a THROTTLING_QUOTA_EXCEEDED error
 *   in the response if the topics creation is throttled (KIP-599).
 *
 *   Version 7 returns the topic ID of the newly created topic if creation is successful.
 */
import type { ApiSchema } from '../schema/index.js';

export interface CreateTopicsRequest {
  /** The topics to create. */
  topics: CreateTopicsRequestCreatableTopic[];
  /** How long to wait in milliseconds before timing out the request. */
  timeoutMs: number;
  /** (v1+) If true, check that the topics can be created as specified, but don't create anything. */
  validateOnly: boolean;
}

export interface CreateTopicsRequestCreatableTopic {
  /** The topic name. */
  name: string;
  numPartitions: number;
  replicationFactor: number;
  /** The manual partition assignment, or the empty array if we are using automatic assignment. */
  assignments: CreateTopicsRequestCreatableReplicaAssignment[];
  /** The custom topic configurations to set. */
  configs: CreateTopicsRequestCreatableTopicConfig[];
}

export interface CreateTopicsRequestCreatableReplicaAssignment {
  /** The partition index. */
  partitionIndex: number;
  /** The brokers to place the partition on. */
  brokerIds: number[];
}

export interface CreateTopicsRequestCreatableTopicConfig {
  /** The configuration name. */
  name: string;
  /** The configuration value. */
  value: string | null;
}

export interface CreateTopicsResponse {
  /** (v2+) */
  throttleTimeMs?: number;
  /** Results for each topic we tried to create. */
  topics: readonly CreateTopicsResponseCreatableTopicResult[];
}

export interface CreateTopicsResponseCreatableTopicResult {
  /** The topic name. */
  name: string;
  /** (v7+) The unique topic ID. */
  topicId?: string;
  /** The error code, or 0 if there was no error. */
  errorCode: number;
  /** (v1+) The error message, or null if there was no error. */
  errorMessage?: string | null;
  /** (v5+, tagged 0) Optional topic config error returned if configs are not returned in the response. */
  topicConfigErrorCode?: number;
  /** (v5+) Number of partitions of the topic. */
  numPartitions?: number;
  /** (v5+) Replication factor of the topic. */
  replicationFactor?: number;
  /** (v5+) Configuration of the topic. */
  configs?: readonly CreateTopicsResponseCreatableTopicConfigs[] | null;
}

export interface CreateTopicsResponseCreatableTopicConfigs {
  /** (v5+) The configuration name. */
  name: string;
  /** (v5+) The configuration value. */
  value: string | null;
  /** (v5+) True if the configuration is read-only. */
  readOnly: boolean;
  /** (v5+) The configuration source. */
  configSource: number;
  /** (v5+) True if this configuration is sensitive. */
  isSensitive: boolean;
}

export const CreateTopicsSchema: ApiSchema = {
  name: 'CreateTopics',
  apiKey: 19,
  validVersions: '0-7',
  flexibleVersions: '5+',
  request: {
    fields: [
      {
        name: 'topics',
        type: '[]CreatableTopic',
        versions: '0+',
        about: 'The topics to create.',
        fields: [
          { name: 'name', type: 'string', versions: '0+', about: 'The topic name.' },
          { name: 'numPartitions', type: 'int32', versions: '0+' },
          { name: 'replicationFactor', type: 'int16', versions: '0+' },
          {
            name: 'assignments',
            type: '[]CreatableReplicaAssignment',
            versions: '0+',
            fields: [
              { name: 'partitionIndex', type: 'int32', versions: '0+', about: 'The partition index.' },
              {
                name: 'brokerIds',
                type: '[]int32',
                versions: '0+',
                about: 'The brokers to place the partition on.',
              },
            ],
          },
          {
            name: 'configs',
            type: '[]CreatableTopicConfig',
            versions: '0+',
            about: 'The custom topic configurations to set.',
            fields: [
              { name: 'name', type: 'string', versions: '0+', about: 'The configuration name.' },
              {
                name: 'value',
                type: 'string',
                versions: '0+',
                nullableVersions: '0+',
                about: 'The configuration value.',
              },
            ],
          },
        ],
      },
      {
        name: 'timeoutMs',
        type: 'int32',
        versions: '0+',
        default: 60000,
        about: 'How long to wait in milliseconds before timing out the request.',
      },
      { name: 'validateOnly', type: 'bool', versions: '1+', default: false },
    ],
  },
  response: {
    fields: [
      { name: 'throttleTimeMs', type: 'int32', versions: '2+', ignorable: true },
      {
        name: 'topics',
        type: '[]CreatableTopicResult',
        versions: '0+',
        about: 'Results for each topic we tried to create.',
        fields: [
          { name: 'name', type: 'string', versions: '0+', about: 'The topic name.' },
          { name: 'topicId', type: 'uuid', versions: '7+', ignorable: true, about: 'The unique topic ID.' },
          {
            name: 'errorCode',
            type: 'int16',
            versions: '0+',
            about: 'The error code, or 0 if there was no error.',
          },
          {
            name: 'errorMessage',
            type: 'string',
            versions: '1+',
            nullableVersions: '1+',
            ignorable: true,
            about: 'The error message, or null if there was no error.',
          },
          {
            name: 'topicConfigErrorCode',
            type: 'int16',
            versions: '5+',
            taggedVersions: '5+',
            tag: 0,
            ignorable: true,
          },
          {
            name: 'numPartitions',
            type: 'int32',
            versions: '5+',
            default: -1,
            ignorable: true,
            about: 'Number of partitions of the topic.',
          },
          {
            name: 'replicationFactor',
            type: 'int16',
            versions: '5+',
            default: -1,
            ignorable: true,
            about: 'Replication factor of the topic.',
          },
          {
            name: 'configs',
            type: '[]CreatableTopicConfigs',
            versions: '5+',
            nullableVersions: '5+',
            ignorable: true,
            about: 'Configuration of the topic.',
            fields: [
              { name: 'name', type: 'string', versions: '5+', about: 'The configuration name.' },
              {
                name: 'value',
                type: 'string',
                versions: '5+',
                nullableVersions: '5+',
                about: 'The configuration value.',
              },
              {
                name: 'readOnly',
                type: 'bool',
                versions: '5+',
                about: 'True if the configuration is read-only.',
              },
              {
                name: 'configSource',
                type: 'int8',
                versions: '5+',
                default: -1,
                ignorable: true,
                about: 'The configuration source.',
              },
              {
                name: 'isSensitive',
                type: 'bool',
                versions: '5+',
                about: 'True if this configuration is sensitive.',
              },
            ],
          },
        ],
      },
    ],
  },
};
