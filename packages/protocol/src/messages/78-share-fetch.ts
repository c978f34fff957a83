/**
 * ShareFetch (api key 78): version 1, flexible 1+ (KIP-932).
 *
 * Transcribed from Apache Kafka 4.1's ShareFetchRequest.json and ShareFetchResponse.json (version
 * 0, Kafka 4.0's early access, is gone; 4.1 adds MaxRecords and BatchSize to the request and
 * AcquisitionLockTimeoutMs to the response).
 *
 * Errors (ErrorCode and AcknowledgeErrorCode): GROUP_AUTHORIZATION_FAILED,
 * TOPIC_AUTHORIZATION_FAILED, SHARE_SESSION_NOT_FOUND, INVALID_SHARE_SESSION_EPOCH,
 * UNKNOWN_TOPIC_OR_PARTITION, NOT_LEADER_OR_FOLLOWER, UNKNOWN_TOPIC_ID, INVALID_RECORD_STATE (ack
 * only), KAFKA_STORAGE_ERROR, CORRUPT_MESSAGE, INVALID_REQUEST, UNKNOWN_SERVER_ERROR.
 */
import type { ApiSchema, FieldSpec } from '../schema/index.js';

/** One run of offsets and what to do with them: one type for the run, or one per offset. */
export interface AcknowledgementBatch {
  firstOffset: bigint;
  lastOffset: bigint;
  /** 0 gap, 1 accept, 2 release, 3 reject. */
  acknowledgeTypes: number[];
}

export interface ShareFetchRequest {
  groupId: string | null;
  memberId: string | null;
  /** 0 opens a share session, -1 closes it, otherwise one more than the last. */
  shareSessionEpoch: number;
  maxWaitMs: number;
  minBytes: number;
  maxBytes: number;
  maxRecords: number;
  batchSize: number;
  topics: ShareFetchRequestTopic[];
  forgottenTopicsData: { topicId: string; partitions: number[] }[];
}

export interface ShareFetchRequestTopic {
  topicId: string;
  partitions: { partitionIndex: number; acknowledgementBatches: AcknowledgementBatch[] }[];
}

export interface AcquiredRecords {
  firstOffset: bigint;
  lastOffset: bigint;
  deliveryCount: number;
}

export interface ShareFetchResponsePartition {
  partitionIndex: number;
  errorCode: number;
  errorMessage: string | null;
  acknowledgeErrorCode: number;
  acknowledgeErrorMessage: string | null;
  currentLeader: { leaderId: number; leaderEpoch: number };
  records: Buffer | null;
  acquiredRecords: AcquiredRecords[];
}

export interface NodeEndpoint {
  nodeId: number;
  host: string;
  port: number;
  rack: string | null;
}

export interface ShareFetchResponse {
  throttleTimeMs: number;
  errorCode: number;
  errorMessage: string | null;
  acquisitionLockTimeoutMs: number;
  responses: { topicId: string; partitions: ShareFetchResponsePartition[] }[];
  nodeEndpoints: NodeEndpoint[];
}

/** Shared with ShareAcknowledge (79), as in Kafka's schemas. */
export const acknowledgementBatchFields: FieldSpec[] = [
  { name: 'firstOffset', type: 'int64', versions: '1+' },
  { name: 'lastOffset', type: 'int64', versions: '1+' },
  { name: 'acknowledgeTypes', type: '[]int8', versions: '1+' },
];

export const leaderIdAndEpochFields: FieldSpec[] = [
  { name: 'leaderId', type: 'int32', versions: '1+' },
  { name: 'leaderEpoch', type: 'int32', versions: '1+' },
];

export const nodeEndpointFields: FieldSpec[] = [
  { name: 'nodeId', type: 'int32', versions: '1+' },
  { name: 'host', type: 'string', versions: '1+' },
  { name: 'port', type: 'int32', versions: '1+' },
  { name: 'rack', type: 'string', versions: '1+', nullableVersions: '1+', default: null },
];

export const ShareFetchSchema: ApiSchema = {
  name: 'ShareFetch',
  apiKey: 78,
  validVersions: '1',
  flexibleVersions: '1+',
  request: {
    fields: [
      { name: 'groupId', type: 'string', versions: '1+', nullableVersions: '1+', default: null },
      { name: 'memberId', type: 'string', versions: '1+', nullableVersions: '1+' },
      { name: 'shareSessionEpoch', type: 'int32', versions: '1+' },
      { name: 'maxWaitMs', type: 'int32', versions: '1+' },
      { name: 'minBytes', type: 'int32', versions: '1+' },
      { name: 'maxBytes', type: 'int32', versions: '1+', default: 0x7fffffff },
      { name: 'maxRecords', type: 'int32', versions: '1+' },
      { name: 'batchSize', type: 'int32', versions: '1+' },
      {
        name: 'topics',
        type: '[]FetchTopic',
        versions: '1+',
        fields: [
          { name: 'topicId', type: 'uuid', versions: '1+' },
          {
            name: 'partitions',
            type: '[]FetchPartition',
            versions: '1+',
            fields: [
              { name: 'partitionIndex', type: 'int32', versions: '1+' },
              {
                name: 'acknowledgementBatches',
                type: '[]AcknowledgementBatch',
                versions: '1+',
                fields: acknowledgementBatchFields,
              },
            ],
          },
        ],
      },
      {
        name: 'forgottenTopicsData',
        type: '[]ForgottenTopic',
        versions: '1+',
        fields: [
          { name: 'topicId', type: 'uuid', versions: '1+' },
          { name: 'partitions', type: '[]int32', versions: '1+' },
        ],
      },
    ],
  },
  response: {
    fields: [
      { name: 'throttleTimeMs', type: 'int32', versions: '1+' },
      { name: 'errorCode', type: 'int16', versions: '1+' },
      { name: 'errorMessage', type: 'string', versions: '1+', nullableVersions: '1+', default: null },
      { name: 'acquisitionLockTimeoutMs', type: 'int32', versions: '1+' },
      {
        name: 'responses',
        type: '[]ShareFetchableTopicResponse',
        versions: '1+',
        fields: [
          { name: 'topicId', type: 'uuid', versions: '1+' },
          {
            name: 'partitions',
            type: '[]PartitionData',
            versions: '1+',
            fields: [
              { name: 'partitionIndex', type: 'int32', versions: '1+' },
              { name: 'errorCode', type: 'int16', versions: '1+' },
              { name: 'errorMessage', type: 'string', versions: '1+', nullableVersions: '1+', default: null },
              { name: 'acknowledgeErrorCode', type: 'int16', versions: '1+' },
              {
                name: 'acknowledgeErrorMessage',
                type: 'string',
                versions: '1+',
                nullableVersions: '1+',
                default: null,
              },
              {
                name: 'currentLeader',
                type: 'LeaderIdAndEpoch',
                versions: '1+',
                fields: leaderIdAndEpochFields,
              },
              { name: 'records', type: 'records', versions: '1+', nullableVersions: '1+' },
              {
                name: 'acquiredRecords',
                type: '[]AcquiredRecords',
                versions: '1+',
                fields: [
                  { name: 'firstOffset', type: 'int64', versions: '1+' },
                  { name: 'lastOffset', type: 'int64', versions: '1+' },
                  { name: 'deliveryCount', type: 'int16', versions: '1+' },
                ],
              },
            ],
          },
        ],
      },
      { name: 'nodeEndpoints', type: '[]NodeEndpoint', versions: '1+', fields: nodeEndpointFields },
    ],
  },
};
