/**
 * OffsetDelete (api key 47): versions 0, flexible none.
 *
 * Transcribed from Apache Kafka's OffsetDeleteRequest.json and OffsetDeleteResponse.json.
 */
import type { ApiSchema } from '../schema/index.js';

export interface OffsetDeleteRequest {
  /** The unique group identifier. */
  groupId: string;
  /** The topics to delete offsets for. */
  topics: OffsetDeleteRequestOffsetDeleteRequestTopic[];
}

export interface OffsetDeleteRequestOffsetDeleteRequestTopic {
  /** The topic name. */
  name: string;
  /** Each partition to delete offsets for. */
  partitions: OffsetDeleteRequestOffsetDeleteRequestPartition[];
}

export interface OffsetDeleteRequestOffsetDeleteRequestPartition {
  /** The partition index. */
  partitionIndex: number;
}

export interface OffsetDeleteResponse {
  /** The top-level error code, or 0 if there was no error. */
  errorCode: number;
  throttleTimeMs: number;
  /** The responses for each topic. */
  topics: readonly OffsetDeleteResponseOffsetDeleteResponseTopic[];
}

export interface OffsetDeleteResponseOffsetDeleteResponseTopic {
  /** The topic name. */
  name: string;
  /** The responses for each partition in the topic. */
  partitions: readonly OffsetDeleteResponseOffsetDeleteResponsePartition[];
}

export interface OffsetDeleteResponseOffsetDeleteResponsePartition {
  /** The partition index. */
  partitionIndex: number;
  /** The error code, or 0 if there was no error. */
  errorCode: number;
}

export const OffsetDeleteSchema: ApiSchema = {
  name: 'OffsetDelete',
  apiKey: 47,
  validVersions: '0',
  flexibleVersions: 'none',
  request: {
    fields: [
      { name: 'groupId', type: 'string', versions: '0+', about: 'The unique group identifier.' },
      {
        name: 'topics',
        type: '[]OffsetDeleteRequestTopic',
        versions: '0+',
        about: 'The topics to delete offsets for.',
        fields: [
          { name: 'name', type: 'string', versions: '0+', about: 'The topic name.' },
          {
            name: 'partitions',
            type: '[]OffsetDeleteRequestPartition',
            versions: '0+',
            about: 'Each partition to delete offsets for.',
            fields: [
              { name: 'partitionIndex', type: 'int32', versions: '0+', about: 'The partition index.' },
            ],
          },
        ],
      },
    ],
  },
  response: {
    fields: [
      {
        name: 'errorCode',
        type: 'int16',
        versions: '0+',
        about: 'The top-level error code, or 0 if there was no error.',
      },
      { name: 'throttleTimeMs', type: 'int32', versions: '0+', ignorable: true },
      {
        name: 'topics',
        type: '[]OffsetDeleteResponseTopic',
        versions: '0+',
        about: 'The responses for each topic.',
        fields: [
          { name: 'name', type: 'string', versions: '0+', about: 'The topic name.' },
          {
            name: 'partitions',
            type: '[]OffsetDeleteResponsePartition',
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
