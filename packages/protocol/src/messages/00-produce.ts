/**
 * Produce (api key 0): versions 0-13, flexible 9+.
 *
 * Transcribed from Apache Kafka's ProduceRequest.json and ProduceResponse.json.
 *
 * Request versions (Kafka's notes):
 *   Version 1 and 2 are the same as version 0.
 *
 *   Version 3 adds the transactional ID, which is used for authorization when attempting to write
 *   transactional data.  Version 3 also adds support for Kafka Message Format v2.
 *
 *   Version 4 is the same as version 3, but the requester must be prepared to handle a
 *   KAFKA_STORAGE_ERROR.
 *
 *   Version 5 and 6 are the same as version 3.
 *
 *   Starting in version 7, records can be produced using ZStandard compression.  See KIP-110.
 *
 *   Starting in Version 8, response has RecordErrors and ErrorMessage. See KIP-467.
 *
 *   Version 9 enables flexible versions.
 *
 *   Version 10 is the same as version 9 (KIP-951).
 *
 *   Version 11 adds support for new error code TRANSACTION_ABORTABLE (KIP-890).
 *   Version 12 is the same as version 11 (KIP-890). Note when produce requests are used in transaction, if
 *   transaction V2 (KIP_890 part 2) is enabled, the produce request will also include the function for a
 *   AddPartitionsToTxn call. If V2 is disabled, the client can't use produce request version higher than 11 within
 *   a transaction.
 *   Version 13 replaces topic names with topic IDs (KIP-516). May return UNKNOWN_TOPIC_ID error code.
 *
 * Response versions (Kafka's notes):
 *   Version 1 added the throttle time.
 *
 *   Version 2 added the log append time.
 *
 *   Version 3 is the same as version 2.
 *
 *   Version 4 added KAFKA_STORAGE_ERROR as a possible error code.
 *
 *   Version 5 added LogStartOffset to filter out spurious
 *   OutOfOrderSequenceExceptions on the client.
 *
 *   Version 8 added RecordErrors and ErrorMessage to include information about
 *   records that cause the whole batch to be dropped.  See KIP-467 for details.
 *
 *   Version 9 enables flexible versions.
 *
 *   Version 10 adds 'CurrentLeader' and 'NodeEndpoints' as tagged fields (KIP-951)
 *
 *   Version 11 adds support for new error code TRANSACTION_ABORTABLE (KIP-890).
 *   Version 12 is the same as version 10 (KIP-890).
 *   Version 13 replaces topic names with topic IDs (KIP-516). May return UNKNOWN_TOPIC_ID error code.
 */
import type { ApiSchema } from '../schema/index.js';

export interface ProduceRequest {
  /** (v3+) The transactional ID, or null if the producer is not transactional. */
  transactionalId: string | null;
  acks: number;
  /** The timeout to await a response in milliseconds. */
  timeoutMs: number;
  /** Each topic to produce to. */
  topicData: ProduceRequestTopicProduceData[];
}

export interface ProduceRequestTopicProduceData {
  /** (v0-12) The topic name. */
  name: string;
  /** (v13+) The unique topic ID */
  topicId: string;
  /** Each partition to produce to. */
  partitionData: ProduceRequestPartitionProduceData[];
}

export interface ProduceRequestPartitionProduceData {
  /** The partition index. */
  index: number;
  /** The record data to be produced. */
  records: Buffer | null;
}

export interface ProduceResponse {
  /** Each produce response. */
  responses: readonly ProduceResponseTopicProduceResponse[];
  /** (v1+) */
  throttleTimeMs?: number;
  /** (v10+, tagged 0) Endpoints for all current-leaders enumerated in PartitionProduceResponses, with errors NOT_LEADER_OR_FOLLOWER. */
  nodeEndpoints?: readonly ProduceResponseNodeEndpoint[];
}

export interface ProduceResponseTopicProduceResponse {
  /** (v0-12) The topic name. */
  name?: string;
  /** (v13+) The unique topic ID */
  topicId?: string;
  /** Each partition that we produced to within the topic. */
  partitionResponses: readonly ProduceResponsePartitionProduceResponse[];
}

export interface ProduceResponsePartitionProduceResponse {
  /** The partition index. */
  index: number;
  /** The error code, or 0 if there was no error. */
  errorCode: number;
  /** The base offset. */
  baseOffset: bigint;
  /** (v2+) The timestamp returned by broker after appending the messages. */
  logAppendTimeMs?: bigint;
  /** (v5+) The log start offset. */
  logStartOffset?: bigint;
  /** (v8+) The batch indices of records that caused the batch to be dropped. */
  recordErrors?: readonly ProduceResponseBatchIndexAndErrorMessage[];
  /** (v8+) The global error message summarizing the common root cause of the records that caused the batch to be dropped. */
  errorMessage?: string | null;
  /** (v10+, tagged 0) The leader broker that the producer should use for future requests. */
  currentLeader?: ProduceResponseLeaderIdAndEpoch;
}

export interface ProduceResponseBatchIndexAndErrorMessage {
  /** (v8+) The batch index of the record that caused the batch to be dropped. */
  batchIndex: number;
  /** (v8+) The error message of the record that caused the batch to be dropped. */
  batchIndexErrorMessage: string | null;
}

export interface ProduceResponseLeaderIdAndEpoch {
  /** (v10+) The ID of the current leader or -1 if the leader is unknown. */
  leaderId: number;
  /** (v10+) The latest known leader epoch. */
  leaderEpoch: number;
}

export interface ProduceResponseNodeEndpoint {
  /** (v10+) The ID of the associated node. */
  nodeId: number;
  /** (v10+) The node's hostname. */
  host: string;
  /** (v10+) The node's port. */
  port: number;
  /** (v10+) The rack of the node, or null if it has not been assigned to a rack. */
  rack: string | null;
}

export const ProduceSchema: ApiSchema = {
  name: 'Produce',
  apiKey: 0,
  validVersions: '0-13',
  flexibleVersions: '9+',
  request: {
    fields: [
      { name: 'transactionalId', type: 'string', versions: '3+', nullableVersions: '3+', default: null },
      { name: 'acks', type: 'int16', versions: '0+' },
      {
        name: 'timeoutMs',
        type: 'int32',
        versions: '0+',
        about: 'The timeout to await a response in milliseconds.',
      },
      {
        name: 'topicData',
        type: '[]TopicProduceData',
        versions: '0+',
        about: 'Each topic to produce to.',
        fields: [
          { name: 'name', type: 'string', versions: '0-12', ignorable: true, about: 'The topic name.' },
          { name: 'topicId', type: 'uuid', versions: '13+', ignorable: true, about: 'The unique topic ID' },
          {
            name: 'partitionData',
            type: '[]PartitionProduceData',
            versions: '0+',
            about: 'Each partition to produce to.',
            fields: [
              { name: 'index', type: 'int32', versions: '0+', about: 'The partition index.' },
              {
                name: 'records',
                type: 'records',
                versions: '0+',
                nullableVersions: '0+',
                about: 'The record data to be produced.',
              },
            ],
          },
        ],
      },
    ],
  },
  response: {
    fields: [
      {
        name: 'responses',
        type: '[]TopicProduceResponse',
        versions: '0+',
        about: 'Each produce response.',
        fields: [
          { name: 'name', type: 'string', versions: '0-12', ignorable: true, about: 'The topic name.' },
          { name: 'topicId', type: 'uuid', versions: '13+', ignorable: true, about: 'The unique topic ID' },
          {
            name: 'partitionResponses',
            type: '[]PartitionProduceResponse',
            versions: '0+',
            about: 'Each partition that we produced to within the topic.',
            fields: [
              { name: 'index', type: 'int32', versions: '0+', about: 'The partition index.' },
              {
                name: 'errorCode',
                type: 'int16',
                versions: '0+',
                about: 'The error code, or 0 if there was no error.',
              },
              { name: 'baseOffset', type: 'int64', versions: '0+', about: 'The base offset.' },
              {
                name: 'logAppendTimeMs',
                type: 'int64',
                versions: '2+',
                default: -1n,
                ignorable: true,
                about: 'The timestamp returned by broker after appending the messages.',
              },
              {
                name: 'logStartOffset',
                type: 'int64',
                versions: '5+',
                default: -1n,
                ignorable: true,
                about: 'The log start offset.',
              },
              {
                name: 'recordErrors',
                type: '[]BatchIndexAndErrorMessage',
                versions: '8+',
                ignorable: true,
                fields: [
                  { name: 'batchIndex', type: 'int32', versions: '8+' },
                  {
                    name: 'batchIndexErrorMessage',
                    type: 'string',
                    versions: '8+',
                    nullableVersions: '8+',
                    default: null,
                  },
                ],
              },
              {
                name: 'errorMessage',
                type: 'string',
                versions: '8+',
                nullableVersions: '8+',
                default: null,
                ignorable: true,
              },
              {
                name: 'currentLeader',
                type: 'LeaderIdAndEpoch',
                versions: '10+',
                taggedVersions: '10+',
                tag: 0,
                fields: [
                  {
                    name: 'leaderId',
                    type: 'int32',
                    versions: '10+',
                    default: -1,
                    about: 'The ID of the current leader or -1 if the leader is unknown.',
                  },
                  {
                    name: 'leaderEpoch',
                    type: 'int32',
                    versions: '10+',
                    default: -1,
                    about: 'The latest known leader epoch.',
                  },
                ],
              },
            ],
          },
        ],
      },
      { name: 'throttleTimeMs', type: 'int32', versions: '1+', default: 0, ignorable: true },
      {
        name: 'nodeEndpoints',
        type: '[]NodeEndpoint',
        versions: '10+',
        taggedVersions: '10+',
        tag: 0,
        fields: [
          { name: 'nodeId', type: 'int32', versions: '10+', about: 'The ID of the associated node.' },
          { name: 'host', type: 'string', versions: '10+', about: "The node's hostname." },
          { name: 'port', type: 'int32', versions: '10+', about: "The node's port." },
          { name: 'rack', type: 'string', versions: '10+', nullableVersions: '10+', default: null },
        ],
      },
    ],
  },
};
