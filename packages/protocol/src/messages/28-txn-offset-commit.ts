/**
 * TxnOffsetCommit (api key 28): versions 0-5, flexible 3+.
 *
 * Transcribed from Apache Kafka's TxnOffsetCommitRequest.json and TxnOffsetCommitResponse.json.
 *
 * Request versions (Kafka's notes):
 *   Version 1 is the same as version 0.
 *
 *   Version 2 adds the committed leader epoch.
 *
 *   Version 3 adds the member.id, group.instance.id and generation.id.
 *
 *   Version 4 adds support for new error code TRANSACTION_ABORTABLE (KIP-890).
 *   Version 5 is the same as version 4 (KIP-890). Note when TxnOffsetCommit requests are used in transaction, if
 *   transaction V2 (KIP_890 part 2) is enabled, the TxnOffsetCommit request will also include the function for a
 *   AddOffsetsToTxn call. If V2 is disabled, the client can't use TxnOffsetCommit request version higher than 4 within
 *   a transaction.
 *
 * Response versions (Kafka's notes):
 *   Starting in version 1, on quota violation, brokers send out responses before throttling.
 *
 *   Version 2 is the same as version 1.
 *
 *   Version 3 adds illegal generation, fenced instance id, and unknown member id errors.
 *
 *   Version 4 adds support for new error code TRANSACTION_ABORTABLE (KIP-890).
 *   Version 5 is the same with version 3 (KIP-890).
 */
import type { ApiSchema } from '../schema/index.js';

export interface TxnOffsetCommitRequest {
  /** The ID of the transaction. */
  transactionalId: string;
  /** The ID of the group. */
  groupId: string;
  /** The current producer ID in use by the transactional ID. */
  producerId: bigint;
  /** The current epoch associated with the producer ID. */
  producerEpoch: number;
  /** (v3+) The generation of the consumer. */
  generationId: number;
  /** (v3+) The member ID assigned by the group coordinator. */
  memberId: string;
  /** (v3+) The unique identifier of the consumer instance provided by end user. */
  groupInstanceId: string | null;
  /** Each topic that we want to commit offsets for. */
  topics: TxnOffsetCommitRequestTxnOffsetCommitRequestTopic[];
}

export interface TxnOffsetCommitRequestTxnOffsetCommitRequestTopic {
  /** The topic name. */
  name: string;
  /** The partitions inside the topic that we want to commit offsets for. */
  partitions: TxnOffsetCommitRequestTxnOffsetCommitRequestPartition[];
}

export interface TxnOffsetCommitRequestTxnOffsetCommitRequestPartition {
  /** The index of the partition within the topic. */
  partitionIndex: number;
  /** The message offset to be committed. */
  committedOffset: bigint;
  /** (v2+) The leader epoch of the last consumed record. */
  committedLeaderEpoch: number;
  /** Any associated metadata the client wants to keep. */
  committedMetadata: string | null;
}

export interface TxnOffsetCommitResponse {
  throttleTimeMs: number;
  /** The responses for each topic. */
  topics: readonly TxnOffsetCommitResponseTxnOffsetCommitResponseTopic[];
}

export interface TxnOffsetCommitResponseTxnOffsetCommitResponseTopic {
  /** The topic name. */
  name: string;
  /** The responses for each partition in the topic. */
  partitions: readonly TxnOffsetCommitResponseTxnOffsetCommitResponsePartition[];
}

export interface TxnOffsetCommitResponseTxnOffsetCommitResponsePartition {
  /** The partition index. */
  partitionIndex: number;
  /** The error code, or 0 if there was no error. */
  errorCode: number;
}

export const TxnOffsetCommitSchema: ApiSchema = {
  name: 'TxnOffsetCommit',
  apiKey: 28,
  validVersions: '0-5',
  flexibleVersions: '3+',
  request: {
    fields: [
      { name: 'transactionalId', type: 'string', versions: '0+', about: 'The ID of the transaction.' },
      { name: 'groupId', type: 'string', versions: '0+', about: 'The ID of the group.' },
      {
        name: 'producerId',
        type: 'int64',
        versions: '0+',
        about: 'The current producer ID in use by the transactional ID.',
      },
      {
        name: 'producerEpoch',
        type: 'int16',
        versions: '0+',
        about: 'The current epoch associated with the producer ID.',
      },
      {
        name: 'generationId',
        type: 'int32',
        versions: '3+',
        default: -1,
        about: 'The generation of the consumer.',
      },
      {
        name: 'memberId',
        type: 'string',
        versions: '3+',
        default: '',
        about: 'The member ID assigned by the group coordinator.',
      },
      { name: 'groupInstanceId', type: 'string', versions: '3+', nullableVersions: '3+', default: null },
      {
        name: 'topics',
        type: '[]TxnOffsetCommitRequestTopic',
        versions: '0+',
        about: 'Each topic that we want to commit offsets for.',
        fields: [
          { name: 'name', type: 'string', versions: '0+', about: 'The topic name.' },
          {
            name: 'partitions',
            type: '[]TxnOffsetCommitRequestPartition',
            versions: '0+',
            fields: [
              {
                name: 'partitionIndex',
                type: 'int32',
                versions: '0+',
                about: 'The index of the partition within the topic.',
              },
              {
                name: 'committedOffset',
                type: 'int64',
                versions: '0+',
                about: 'The message offset to be committed.',
              },
              {
                name: 'committedLeaderEpoch',
                type: 'int32',
                versions: '2+',
                default: -1,
                ignorable: true,
                about: 'The leader epoch of the last consumed record.',
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
      { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
      {
        name: 'topics',
        type: '[]TxnOffsetCommitResponseTopic',
        versions: '0+',
        about: 'The responses for each topic.',
        fields: [
          { name: 'name', type: 'string', versions: '0+', about: 'The topic name.' },
          {
            name: 'partitions',
            type: '[]TxnOffsetCommitResponsePartition',
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
