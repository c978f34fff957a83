/**
 * AlterPartitionReassignments (api key 45): version 0, flexible 0+.
 *
 * Transcribed from Apache Kafka's AlterPartitionReassignmentsRequest.json and
 * AlterPartitionReassignmentsResponse.json.
 */
import type { ApiSchema } from '../schema/index.js';

export interface AlterPartitionReassignmentsRequest {
  /** The time in ms to wait for the request to complete. */
  timeoutMs: number;
  /** The topics to reassign. */
  topics: AlterPartitionReassignmentsRequestReassignableTopic[];
}

export interface AlterPartitionReassignmentsRequestReassignableTopic {
  name: string;
  partitions: AlterPartitionReassignmentsRequestReassignablePartition[];
}

export interface AlterPartitionReassignmentsRequestReassignablePartition {
  partitionIndex: number;
  /** The replicas to place the partitions on, or null to cancel a pending reassignment. */
  replicas: number[] | null;
}

export interface AlterPartitionReassignmentsResponse {
  throttleTimeMs: number;
  /** The top-level error code, or 0 if there was no error. */
  errorCode: number;
  errorMessage: string | null;
  responses: readonly AlterPartitionReassignmentsResponseReassignableTopicResponse[];
}

export interface AlterPartitionReassignmentsResponseReassignableTopicResponse {
  name: string;
  partitions: readonly AlterPartitionReassignmentsResponseReassignablePartitionResponse[];
}

export interface AlterPartitionReassignmentsResponseReassignablePartitionResponse {
  partitionIndex: number;
  errorCode: number;
  errorMessage: string | null;
}

export const AlterPartitionReassignmentsSchema: ApiSchema = {
  name: 'AlterPartitionReassignments',
  apiKey: 45,
  validVersions: '0',
  flexibleVersions: '0+',
  request: {
    fields: [
      { name: 'timeoutMs', type: 'int32', versions: '0+', default: 60000 },
      {
        name: 'topics',
        type: '[]ReassignableTopic',
        versions: '0+',
        fields: [
          { name: 'name', type: 'string', versions: '0+' },
          {
            name: 'partitions',
            type: '[]ReassignablePartition',
            versions: '0+',
            fields: [
              { name: 'partitionIndex', type: 'int32', versions: '0+' },
              { name: 'replicas', type: '[]int32', versions: '0+', nullableVersions: '0+', default: null },
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
      { name: 'errorMessage', type: 'string', versions: '0+', nullableVersions: '0+' },
      {
        name: 'responses',
        type: '[]ReassignableTopicResponse',
        versions: '0+',
        fields: [
          { name: 'name', type: 'string', versions: '0+' },
          {
            name: 'partitions',
            type: '[]ReassignablePartitionResponse',
            versions: '0+',
            fields: [
              { name: 'partitionIndex', type: 'int32', versions: '0+' },
              { name: 'errorCode', type: 'int16', versions: '0+' },
              { name: 'errorMessage', type: 'string', versions: '0+', nullableVersions: '0+' },
            ],
          },
        ],
      },
    ],
  },
};
