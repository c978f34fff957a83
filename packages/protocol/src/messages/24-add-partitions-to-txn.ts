/**
 * AddPartitionsToTxn (api key 24): versions 0-5, flexible 3+.
 *
 * Transcribed from Apache Kafka's AddPartitionsToTxnRequest.json and AddPartitionsToTxnResponse.json.
 *
 * Request versions (Kafka's notes):
 *   Version 1 is the same as version 0.
 *
 *   Version 2 adds the support for new error code PRODUCER_FENCED.
 *
 *   Version 3 enables flexible versions.
 *
 *   Version 4 adds VerifyOnly field to check if partitions are already in transaction and adds support to batch multiple transactions.
 *
 *   Version 5 adds support for new error code TRANSACTION_ABORTABLE (KIP-890).
 *   Versions 3 and below will be exclusively used by clients and versions 4 and above will be used by brokers.
 *
 * Response versions (Kafka's notes):
 *   Starting in version 1, on quota violation brokers send out responses before throttling.
 *
 *   Version 2 adds the support for new error code PRODUCER_FENCED.
 *
 *   Version 3 enables flexible versions.
 *
 *   Version 4 adds support to batch multiple transactions and a top level error code.
 *
 *   Version 5 adds support for new error code TRANSACTION_ABORTABLE (KIP-890).
 */
import type { ApiSchema } from '../schema/index.js';

export interface AddPartitionsToTxnRequest {
  /** (v4+) List of transactions to add partitions to. */
  transactions: AddPartitionsToTxnRequestAddPartitionsToTxnTransaction[];
  /** (v0-3) The transactional id corresponding to the transaction. */
  v3AndBelowTransactionalId: string;
  /** (v0-3) Current producer id in use by the transactional id. */
  v3AndBelowProducerId: bigint;
  /** (v0-3) Current epoch associated with the producer id. */
  v3AndBelowProducerEpoch: number;
  /** (v0-3) The partitions to add to the transaction. */
  v3AndBelowTopics: AddPartitionsToTxnRequestAddPartitionsToTxnTopic[];
}

export interface AddPartitionsToTxnRequestAddPartitionsToTxnTransaction {
  /** (v4+) The transactional id corresponding to the transaction. */
  transactionalId: string;
  /** (v4+) Current producer id in use by the transactional id. */
  producerId: bigint;
  /** (v4+) Current epoch associated with the producer id. */
  producerEpoch: number;
  /** (v4+) Boolean to signify if we want to check if the partition is in the transaction rather than add it. */
  verifyOnly: boolean;
  /** (v4+) The partitions to add to the transaction. */
  topics: AddPartitionsToTxnRequestAddPartitionsToTxnTopic[];
}

export interface AddPartitionsToTxnRequestAddPartitionsToTxnTopic {
  /** (v4+) The name of the topic. */
  name: string;
  /** (v4+) The partition indexes to add to the transaction. */
  partitions: number[];
}

export interface AddPartitionsToTxnResponse {
  throttleTimeMs: number;
  /** (v4+) The response top level error code. */
  errorCode?: number;
  /** (v4+) Results categorized by transactional ID. */
  resultsByTransaction?: readonly AddPartitionsToTxnResponseAddPartitionsToTxnResult[];
  /** (v0-3) The results for each topic. */
  resultsByTopicV3AndBelow?: readonly AddPartitionsToTxnResponseAddPartitionsToTxnTopicResult[];
}

export interface AddPartitionsToTxnResponseAddPartitionsToTxnResult {
  /** (v4+) The transactional id corresponding to the transaction. */
  transactionalId: string;
  /** (v4+) The results for each topic. */
  topicResults: readonly AddPartitionsToTxnResponseAddPartitionsToTxnTopicResult[];
}

export interface AddPartitionsToTxnResponseAddPartitionsToTxnTopicResult {
  /** (v4+) The topic name. */
  name: string;
  /** (v4+) The results for each partition. */
  resultsByPartition: readonly AddPartitionsToTxnResponseAddPartitionsToTxnPartitionResult[];
}

export interface AddPartitionsToTxnResponseAddPartitionsToTxnPartitionResult {
  /** (v4+) The partition indexes. */
  partitionIndex: number;
  /** (v4+) The response error code. */
  partitionErrorCode: number;
}

export const AddPartitionsToTxnSchema: ApiSchema = {
  name: 'AddPartitionsToTxn',
  apiKey: 24,
  validVersions: '0-5',
  flexibleVersions: '3+',
  request: {
    fields: [
      {
        name: 'transactions',
        type: '[]AddPartitionsToTxnTransaction',
        versions: '4+',
        about: 'List of transactions to add partitions to.',
        fields: [
          {
            name: 'transactionalId',
            type: 'string',
            versions: '4+',
            about: 'The transactional id corresponding to the transaction.',
          },
          {
            name: 'producerId',
            type: 'int64',
            versions: '4+',
            about: 'Current producer id in use by the transactional id.',
          },
          {
            name: 'producerEpoch',
            type: 'int16',
            versions: '4+',
            about: 'Current epoch associated with the producer id.',
          },
          { name: 'verifyOnly', type: 'bool', versions: '4+', default: false },
          {
            name: 'topics',
            type: '[]AddPartitionsToTxnTopic',
            versions: '4+',
            about: 'The partitions to add to the transaction.',
            fields: [
              { name: 'name', type: 'string', versions: '4+', about: 'The name of the topic.' },
              {
                name: 'partitions',
                type: '[]int32',
                versions: '4+',
                about: 'The partition indexes to add to the transaction.',
              },
            ],
          },
        ],
      },
      {
        name: 'v3AndBelowTransactionalId',
        type: 'string',
        versions: '0-3',
        about: 'The transactional id corresponding to the transaction.',
      },
      {
        name: 'v3AndBelowProducerId',
        type: 'int64',
        versions: '0-3',
        about: 'Current producer id in use by the transactional id.',
      },
      {
        name: 'v3AndBelowProducerEpoch',
        type: 'int16',
        versions: '0-3',
        about: 'Current epoch associated with the producer id.',
      },
      {
        name: 'v3AndBelowTopics',
        type: '[]AddPartitionsToTxnTopic',
        versions: '0-3',
        about: 'The partitions to add to the transaction.',
        fields: [
          { name: 'name', type: 'string', versions: '0-3', about: 'The name of the topic.' },
          {
            name: 'partitions',
            type: '[]int32',
            versions: '0-3',
            about: 'The partition indexes to add to the transaction.',
          },
        ],
      },
    ],
  },
  response: {
    fields: [
      { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
      {
        name: 'errorCode',
        type: 'int16',
        versions: '4+',
        ignorable: true,
        about: 'The response top level error code.',
      },
      {
        name: 'resultsByTransaction',
        type: '[]AddPartitionsToTxnResult',
        versions: '4+',
        about: 'Results categorized by transactional ID.',
        fields: [
          {
            name: 'transactionalId',
            type: 'string',
            versions: '4+',
            about: 'The transactional id corresponding to the transaction.',
          },
          {
            name: 'topicResults',
            type: '[]AddPartitionsToTxnTopicResult',
            versions: '4+',
            about: 'The results for each topic.',
            fields: [
              { name: 'name', type: 'string', versions: '4+', about: 'The topic name.' },
              {
                name: 'resultsByPartition',
                type: '[]AddPartitionsToTxnPartitionResult',
                versions: '4+',
                about: 'The results for each partition.',
                fields: [
                  { name: 'partitionIndex', type: 'int32', versions: '4+', about: 'The partition indexes.' },
                  {
                    name: 'partitionErrorCode',
                    type: 'int16',
                    versions: '4+',
                    about: 'The response error code.',
                  },
                ],
              },
            ],
          },
        ],
      },
      {
        name: 'resultsByTopicV3AndBelow',
        type: '[]AddPartitionsToTxnTopicResult',
        versions: '0-3',
        about: 'The results for each topic.',
        fields: [
          { name: 'name', type: 'string', versions: '0-3', about: 'The topic name.' },
          {
            name: 'resultsByPartition',
            type: '[]AddPartitionsToTxnPartitionResult',
            versions: '0-3',
            about: 'The results for each partition.',
            fields: [
              { name: 'partitionIndex', type: 'int32', versions: '0-3', about: 'The partition indexes.' },
              {
                name: 'partitionErrorCode',
                type: 'int16',
                versions: '0-3',
                about: 'The response error code.',
              },
            ],
          },
        ],
      },
    ],
  },
};
