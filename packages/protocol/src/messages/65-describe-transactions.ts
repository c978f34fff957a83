/**
 * DescribeTransactions (api key 65): version 0, flexible 0+.
 *
 * Transcribed from Apache Kafka's DescribeTransactionsRequest.json and DescribeTransactionsResponse.json.
 */
import type { ApiSchema } from '../schema/index.js';

export interface DescribeTransactionsRequest {
  /** Array of transactionalIds to include in describe results. If empty, then no results will be returned. */
  transactionalIds: string[];
}

export interface DescribeTransactionsResponse {
  throttleTimeMs: number;
  transactionStates: readonly DescribeTransactionsResponseTransactionState[];
}

export interface DescribeTransactionsResponseTransactionState {
  errorCode: number;
  transactionalId: string;
  transactionState: string;
  transactionTimeoutMs: number;
  transactionStartTimeMs: bigint;
  producerId: bigint;
  producerEpoch: number;
  /** The partitions of the current transaction (if active). */
  topicPartitions: readonly DescribeTransactionsResponseTopicData[];
}

export interface DescribeTransactionsResponseTopicData {
  name: string;
  partitionIndexes: number[];
}

export const DescribeTransactionsSchema: ApiSchema = {
  name: 'DescribeTransactions',
  apiKey: 65,
  validVersions: '0',
  flexibleVersions: '0+',
  request: {
    fields: [{ name: 'transactionalIds', type: '[]string', versions: '0+' }],
  },
  response: {
    fields: [
      { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
      {
        name: 'transactionStates',
        type: '[]TransactionState',
        versions: '0+',
        fields: [
          { name: 'errorCode', type: 'int16', versions: '0+' },
          { name: 'transactionalId', type: 'string', versions: '0+' },
          { name: 'transactionState', type: 'string', versions: '0+' },
          { name: 'transactionTimeoutMs', type: 'int32', versions: '0+' },
          { name: 'transactionStartTimeMs', type: 'int64', versions: '0+' },
          { name: 'producerId', type: 'int64', versions: '0+' },
          { name: 'producerEpoch', type: 'int16', versions: '0+' },
          {
            name: 'topicPartitions',
            type: '[]TopicData',
            versions: '0+',
            fields: [
              { name: 'name', type: 'string', versions: '0+' },
              { name: 'partitionIndexes', type: '[]int32', versions: '0+' },
            ],
          },
        ],
      },
    ],
  },
};
