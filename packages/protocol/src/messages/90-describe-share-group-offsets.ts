/**
 * DescribeShareGroupOffsets (api key 90): version 0, flexible 0+ (KIP-932): each partition's
 * share-partition start offset, what `kafka-share-groups --describe` and the Admin client's
 * listShareGroupOffsets show. A null topic list means every topic the group has state for.
 *
 * Transcribed from Apache Kafka 4.1's DescribeShareGroupOffsetsRequest.json and
 * DescribeShareGroupOffsetsResponse.json.
 */
import type { ApiSchema } from '../schema/index.js';

export interface DescribeShareGroupOffsetsRequest {
  groups: { groupId: string; topics: { topicName: string; partitions: number[] }[] | null }[];
}

export interface DescribeShareGroupOffsetsPartition {
  partitionIndex: number;
  /** -1 when the group has no state for the partition. */
  startOffset: bigint;
  leaderEpoch: number;
  errorCode: number;
  errorMessage: string | null;
}

export interface DescribeShareGroupOffsetsGroup {
  groupId: string;
  topics: { topicName: string; topicId: string; partitions: DescribeShareGroupOffsetsPartition[] }[];
  errorCode: number;
  errorMessage: string | null;
}

export interface DescribeShareGroupOffsetsResponse {
  throttleTimeMs: number;
  groups: DescribeShareGroupOffsetsGroup[];
}

export const DescribeShareGroupOffsetsSchema: ApiSchema = {
  name: 'DescribeShareGroupOffsets',
  apiKey: 90,
  validVersions: '0',
  flexibleVersions: '0+',
  request: {
    fields: [
      {
        name: 'groups',
        type: '[]DescribeShareGroupOffsetsRequestGroup',
        versions: '0+',
        fields: [
          { name: 'groupId', type: 'string', versions: '0+' },
          {
            name: 'topics',
            type: '[]DescribeShareGroupOffsetsRequestTopic',
            versions: '0+',
            nullableVersions: '0+',
            fields: [
              { name: 'topicName', type: 'string', versions: '0+' },
              { name: 'partitions', type: '[]int32', versions: '0+' },
            ],
          },
        ],
      },
    ],
  },
  response: {
    fields: [
      { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
      {
        name: 'groups',
        type: '[]DescribeShareGroupOffsetsResponseGroup',
        versions: '0+',
        fields: [
          { name: 'groupId', type: 'string', versions: '0+' },
          {
            name: 'topics',
            type: '[]DescribeShareGroupOffsetsResponseTopic',
            versions: '0+',
            fields: [
              { name: 'topicName', type: 'string', versions: '0+' },
              { name: 'topicId', type: 'uuid', versions: '0+' },
              {
                name: 'partitions',
                type: '[]DescribeShareGroupOffsetsResponsePartition',
                versions: '0+',
                fields: [
                  { name: 'partitionIndex', type: 'int32', versions: '0+' },
                  { name: 'startOffset', type: 'int64', versions: '0+' },
                  { name: 'leaderEpoch', type: 'int32', versions: '0+' },
                  { name: 'errorCode', type: 'int16', versions: '0+' },
                  {
                    name: 'errorMessage',
                    type: 'string',
                    versions: '0+',
                    nullableVersions: '0+',
                    default: null,
                  },
                ],
              },
            ],
          },
          { name: 'errorCode', type: 'int16', versions: '0+' },
          { name: 'errorMessage', type: 'string', versions: '0+', nullableVersions: '0+', default: null },
        ],
      },
    ],
  },
};
