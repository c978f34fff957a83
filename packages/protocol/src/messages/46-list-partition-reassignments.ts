/**
 * ListPartitionReassignments (api key 46): version 0, flexible 0+.
 *
 * Transcribed from Apache Kafka's ListPartitionReassignmentsRequest.json and
 * ListPartitionReassignmentsResponse.json.
 */
import type { ApiSchema } from '../schema/index.js';

export interface ListPartitionReassignmentsRequest {
  /** The time in ms to wait for the request to complete. */
  timeoutMs: number;
  /** The topics to list partition reassignments for, or null to list everything. */
  topics: ListPartitionReassignmentsRequestListPartitionReassignmentsTopics[] | null;
}

export interface ListPartitionReassignmentsRequestListPartitionReassignmentsTopics {
  name: string;
  partitionIndexes: number[];
}

export interface ListPartitionReassignmentsResponse {
  throttleTimeMs: number;
  errorCode: number;
  errorMessage: string | null;
  /** The ongoing reassignments for each topic. */
  topics: readonly ListPartitionReassignmentsResponseOngoingTopicReassignment[];
}

export interface ListPartitionReassignmentsResponseOngoingTopicReassignment {
  name: string;
  partitions: readonly ListPartitionReassignmentsResponseOngoingPartitionReassignment[];
}

export interface ListPartitionReassignmentsResponseOngoingPartitionReassignment {
  partitionIndex: number;
  /** The current replica set. */
  replicas: readonly number[];
  /** The set of replicas we are currently adding. */
  addingReplicas: readonly number[];
  /** The set of replicas we are currently removing. */
  removingReplicas: readonly number[];
}

export const ListPartitionReassignmentsSchema: ApiSchema = {
  name: 'ListPartitionReassignments',
  apiKey: 46,
  validVersions: '0',
  flexibleVersions: '0+',
  request: {
    fields: [
      { name: 'timeoutMs', type: 'int32', versions: '0+', default: 60000 },
      {
        name: 'topics',
        type: '[]ListPartitionReassignmentsTopics',
        versions: '0+',
        nullableVersions: '0+',
        default: null,
        fields: [
          { name: 'name', type: 'string', versions: '0+' },
          { name: 'partitionIndexes', type: '[]int32', versions: '0+' },
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
        name: 'topics',
        type: '[]OngoingTopicReassignment',
        versions: '0+',
        fields: [
          { name: 'name', type: 'string', versions: '0+' },
          {
            name: 'partitions',
            type: '[]OngoingPartitionReassignment',
            versions: '0+',
            fields: [
              { name: 'partitionIndex', type: 'int32', versions: '0+' },
              { name: 'replicas', type: '[]int32', versions: '0+' },
              { name: 'addingReplicas', type: '[]int32', versions: '0+' },
              { name: 'removingReplicas', type: '[]int32', versions: '0+' },
            ],
          },
        ],
      },
    ],
  },
};
