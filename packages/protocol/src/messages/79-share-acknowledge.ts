/**
 * ShareAcknowledge (api key 79): version 1, flexible 1+ (KIP-932).
 *
 * Transcribed from Apache Kafka 4.1's ShareAcknowledgeRequest.json and
 * ShareAcknowledgeResponse.json. Errors as ShareFetch's, INVALID_RECORD_STATE included.
 */
import type { ApiSchema } from '../schema/index.js';
import {
  type AcknowledgementBatch,
  acknowledgementBatchFields,
  leaderIdAndEpochFields,
  type NodeEndpoint,
  nodeEndpointFields,
} from './78-share-fetch.js';

export interface ShareAcknowledgeRequest {
  groupId: string | null;
  memberId: string | null;
  shareSessionEpoch: number;
  topics: {
    topicId: string;
    partitions: { partitionIndex: number; acknowledgementBatches: AcknowledgementBatch[] }[];
  }[];
}

export interface ShareAcknowledgeResponsePartition {
  partitionIndex: number;
  errorCode: number;
  errorMessage: string | null;
  currentLeader: { leaderId: number; leaderEpoch: number };
}

export interface ShareAcknowledgeResponse {
  throttleTimeMs: number;
  errorCode: number;
  errorMessage: string | null;
  responses: { topicId: string; partitions: ShareAcknowledgeResponsePartition[] }[];
  nodeEndpoints: NodeEndpoint[];
}

export const ShareAcknowledgeSchema: ApiSchema = {
  name: 'ShareAcknowledge',
  apiKey: 79,
  validVersions: '1',
  flexibleVersions: '1+',
  request: {
    fields: [
      { name: 'groupId', type: 'string', versions: '1+', nullableVersions: '1+', default: null },
      { name: 'memberId', type: 'string', versions: '1+', nullableVersions: '1+' },
      { name: 'shareSessionEpoch', type: 'int32', versions: '1+' },
      {
        name: 'topics',
        type: '[]AcknowledgeTopic',
        versions: '1+',
        fields: [
          { name: 'topicId', type: 'uuid', versions: '1+' },
          {
            name: 'partitions',
            type: '[]AcknowledgePartition',
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
    ],
  },
  response: {
    fields: [
      { name: 'throttleTimeMs', type: 'int32', versions: '1+' },
      { name: 'errorCode', type: 'int16', versions: '1+' },
      { name: 'errorMessage', type: 'string', versions: '1+', nullableVersions: '1+', default: null },
      {
        name: 'responses',
        type: '[]ShareAcknowledgeTopicResponse',
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
              {
                name: 'currentLeader',
                type: 'LeaderIdAndEpoch',
                versions: '1+',
                fields: leaderIdAndEpochFields,
              },
            ],
          },
        ],
      },
      { name: 'nodeEndpoints', type: '[]NodeEndpoint', versions: '1+', fields: nodeEndpointFields },
    ],
  },
};
