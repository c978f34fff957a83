/**
 * DescribeProducers (api key 61): versions 0, flexible 0+.
 *
 * Transcribed from Apache Kafka's DescribeProducersRequest.json and DescribeProducersResponse.json.
 */
import type { ApiSchema } from '../schema/index.js';

export interface DescribeProducersRequest {
  /** The topics to list producers for. */
  topics: DescribeProducersRequestTopicRequest[];
}

export interface DescribeProducersRequestTopicRequest {
  /** The topic name. */
  name: string;
  /** The indexes of the partitions to list producers for. */
  partitionIndexes: number[];
}

export interface DescribeProducersResponse {
  throttleTimeMs: number;
  /** Each topic in the response. */
  topics: readonly DescribeProducersResponseTopicResponse[];
}

export interface DescribeProducersResponseTopicResponse {
  /** The topic name. */
  name: string;
  /** Each partition in the response. */
  partitions: readonly DescribeProducersResponsePartitionResponse[];
}

export interface DescribeProducersResponsePartitionResponse {
  /** The partition index. */
  partitionIndex: number;
  /** The partition error code, or 0 if there was no error. */
  errorCode: number;
  /** The partition error message, which may be null if no additional details are available. */
  errorMessage: string | null;
  /** The active producers for the partition. */
  activeProducers: readonly DescribeProducersResponseProducerState[];
}

export interface DescribeProducersResponseProducerState {
  /** The producer id. */
  producerId: bigint;
  /** The producer epoch. */
  producerEpoch: number;
  /** The last sequence number sent by the producer. */
  lastSequence: number;
  /** The last timestamp sent by the producer. */
  lastTimestamp: bigint;
  /** The current epoch of the producer group. */
  coordinatorEpoch: number;
  /** The current transaction start offset of the producer. */
  currentTxnStartOffset: bigint;
}

export const DescribeProducersSchema: ApiSchema = {
  name: 'DescribeProducers',
  apiKey: 61,
  validVersions: '0',
  flexibleVersions: '0+',
  request: {
    fields: [
      {
        name: 'topics',
        type: '[]TopicRequest',
        versions: '0+',
        about: 'The topics to list producers for.',
        fields: [
          { name: 'name', type: 'string', versions: '0+', about: 'The topic name.' },
          {
            name: 'partitionIndexes',
            type: '[]int32',
            versions: '0+',
            about: 'The indexes of the partitions to list producers for.',
          },
        ],
      },
    ],
  },
  response: {
    fields: [
      { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
      {
        name: 'topics',
        type: '[]TopicResponse',
        versions: '0+',
        about: 'Each topic in the response.',
        fields: [
          { name: 'name', type: 'string', versions: '0+', about: 'The topic name.' },
          {
            name: 'partitions',
            type: '[]PartitionResponse',
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
              { name: 'errorMessage', type: 'string', versions: '0+', nullableVersions: '0+', default: null },
              {
                name: 'activeProducers',
                type: '[]ProducerState',
                versions: '0+',
                about: 'The active producers for the partition.',
                fields: [
                  { name: 'producerId', type: 'int64', versions: '0+', about: 'The producer id.' },
                  { name: 'producerEpoch', type: 'int32', versions: '0+', about: 'The producer epoch.' },
                  {
                    name: 'lastSequence',
                    type: 'int32',
                    versions: '0+',
                    default: -1,
                    about: 'The last sequence number sent by the producer.',
                  },
                  {
                    name: 'lastTimestamp',
                    type: 'int64',
                    versions: '0+',
                    default: -1n,
                    about: 'The last timestamp sent by the producer.',
                  },
                  {
                    name: 'coordinatorEpoch',
                    type: 'int32',
                    versions: '0+',
                    about: 'The current epoch of the producer group.',
                  },
                  {
                    name: 'currentTxnStartOffset',
                    type: 'int64',
                    versions: '0+',
                    default: -1n,
                    about: 'The current transaction start offset of the producer.',
                  },
                ],
              },
            ],
          },
        ],
      },
    ],
  },
};
