/**
 * AlterShareGroupOffsets (api key 91): version 0, flexible 0+ (KIP-932): sets the share-partition
 * start offset of each partition named, what `kafka-share-groups --reset-offsets --execute` and
 * the Admin client's alterShareGroupOffsets send. The group must be empty.
 *
 * Transcribed from Apache Kafka 4.1's AlterShareGroupOffsetsRequest.json and
 * AlterShareGroupOffsetsResponse.json.
 */
import type { ApiSchema, FieldSpec } from '../schema/index.js';

export interface AlterShareGroupOffsetsRequest {
  groupId: string;
  topics: { topicName: string; partitions: { partitionIndex: number; startOffset: bigint }[] }[];
}

export interface AlterShareGroupOffsetsResponsePartition {
  partitionIndex: number;
  errorCode: number;
  errorMessage: string | null;
}

export interface AlterShareGroupOffsetsResponseTopic {
  topicName: string;
  topicId: string;
  partitions: AlterShareGroupOffsetsResponsePartition[];
}

export interface AlterShareGroupOffsetsResponse {
  throttleTimeMs: number;
  errorCode: number;
  errorMessage: string | null;
  responses: AlterShareGroupOffsetsResponseTopic[];
}

const errorMessage: FieldSpec = {
  name: 'errorMessage',
  type: 'string',
  versions: '0+',
  nullableVersions: '0+',
  default: null,
};

export const AlterShareGroupOffsetsSchema: ApiSchema = {
  name: 'AlterShareGroupOffsets',
  apiKey: 91,
  validVersions: '0',
  flexibleVersions: '0+',
  request: {
    fields: [
      { name: 'groupId', type: 'string', versions: '0+' },
      {
        name: 'topics',
        type: '[]AlterShareGroupOffsetsRequestTopic',
        versions: '0+',
        fields: [
          { name: 'topicName', type: 'string', versions: '0+' },
          {
            name: 'partitions',
            type: '[]AlterShareGroupOffsetsRequestPartition',
            versions: '0+',
            fields: [
              { name: 'partitionIndex', type: 'int32', versions: '0+' },
              { name: 'startOffset', type: 'int64', versions: '0+' },
            ],
          },
        ],
      },
    ],
  },
  response: {
    fields: [
      { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
      { name: 'errorCode', type: 'int16', versions: '0+' },
      errorMessage,
      {
        name: 'responses',
        type: '[]AlterShareGroupOffsetsResponseTopic',
        versions: '0+',
        fields: [
          { name: 'topicName', type: 'string', versions: '0+' },
          { name: 'topicId', type: 'uuid', versions: '0+' },
          {
            name: 'partitions',
            type: '[]AlterShareGroupOffsetsResponsePartition',
            versions: '0+',
            fields: [
              { name: 'partitionIndex', type: 'int32', versions: '0+' },
              { name: 'errorCode', type: 'int16', versions: '0+' },
              errorMessage,
            ],
          },
        ],
      },
    ],
  },
};
