/**
 * DeleteRecords (api key 21): versions 0-2, flexible 2+.
 *
 * Transcribed from Apache Kafka's DeleteRecordsRequest.json and DeleteRecordsResponse.json.
 *
 * Request versions (Kafka's notes):
 *   Version 1 is the same as version 0.
 *   Version 2 is the first flexible version.
 *
 * Response versions (Kafka's notes):
 *   Starting in version 1, on quota violation, brokers send out responses before throttling.
 *   Version 2 is the first flexible version.
 */
import type { ApiSchema } from '../schema/index.js';

export interface DeleteRecordsRequest {
  /** Each topic that we want to delete records from. */
  topics: DeleteRecordsRequestDeleteRecordsTopic[];
  /** How long to wait for the deletion to complete, in milliseconds. */
  timeoutMs: number;
}

export interface DeleteRecordsRequestDeleteRecordsTopic {
  /** The topic name. */
  name: string;
  /** Each partition that we want to delete records from. */
  partitions: DeleteRecordsRequestDeleteRecordsPartition[];
}

export interface DeleteRecordsRequestDeleteRecordsPartition {
  /** The partition index. */
  partitionIndex: number;
  /** The deletion offset. */
  offset: bigint;
}

export interface DeleteRecordsResponse {
  throttleTimeMs: number;
  /** Each topic that we wanted to delete records from. */
  topics: readonly DeleteRecordsResponseDeleteRecordsTopicResult[];
}

export interface DeleteRecordsResponseDeleteRecordsTopicResult {
  /** The topic name. */
  name: string;
  /** Each partition that we wanted to delete records from. */
  partitions: readonly DeleteRecordsResponseDeleteRecordsPartitionResult[];
}

export interface DeleteRecordsResponseDeleteRecordsPartitionResult {
  /** The partition index. */
  partitionIndex: number;
  /** The partition low water mark. */
  lowWatermark: bigint;
  /** The deletion error code, or 0 if the deletion succeeded. */
  errorCode: number;
}

export const DeleteRecordsSchema: ApiSchema = {
  name: 'DeleteRecords',
  apiKey: 21,
  validVersions: '0-2',
  flexibleVersions: '2+',
  request: {
    fields: [
      {
        name: 'topics',
        type: '[]DeleteRecordsTopic',
        versions: '0+',
        about: 'Each topic that we want to delete records from.',
        fields: [
          { name: 'name', type: 'string', versions: '0+', about: 'The topic name.' },
          {
            name: 'partitions',
            type: '[]DeleteRecordsPartition',
            versions: '0+',
            about: 'Each partition that we want to delete records from.',
            fields: [
              { name: 'partitionIndex', type: 'int32', versions: '0+', about: 'The partition index.' },
              { name: 'offset', type: 'int64', versions: '0+', about: 'The deletion offset.' },
            ],
          },
        ],
      },
      {
        name: 'timeoutMs',
        type: 'int32',
        versions: '0+',
        about: 'How long to wait for the deletion to complete, in milliseconds.',
      },
    ],
  },
  response: {
    fields: [
      { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
      {
        name: 'topics',
        type: '[]DeleteRecordsTopicResult',
        versions: '0+',
        about: 'Each topic that we wanted to delete records from.',
        fields: [
          { name: 'name', type: 'string', versions: '0+', about: 'The topic name.' },
          {
            name: 'partitions',
            type: '[]DeleteRecordsPartitionResult',
            versions: '0+',
            about: 'Each partition that we wanted to delete records from.',
            fields: [
              { name: 'partitionIndex', type: 'int32', versions: '0+', about: 'The partition index.' },
              { name: 'lowWatermark', type: 'int64', versions: '0+', about: 'The partition low water mark.' },
              {
                name: 'errorCode',
                type: 'int16',
                versions: '0+',
                about: 'The deletion error code, or 0 if the deletion succeeded.',
              },
            ],
          },
        ],
      },
    ],
  },
};
