/**
 * CreatePartitions (api key 37): versions 0-3, flexible 2+.
 *
 * Transcribed from Apache Kafka's CreatePartitionsRequest.json and CreatePartitionsResponse.json.
 *
 * Request versions (Kafka's notes):
 *   Version 1 is the same as version 0.
 *
 *   Version 2 adds flexible version support
 *
 *   Version 3 is identical to version 2 but may return a THROTTLING_QUOTA_EXCEEDED error
 *   in the response if the partitions creation is throttled (KIP-599).
 *
 * Response versions (Kafka's notes):
 *   Starting in version 1, on quota violation, brokers send out responses before throttling.
 *
 *   Version 2 adds flexible version support
 *
 *   Version 3 is identical to version 2 but may return a THROTTLING_QUOTA_EXCEEDED error
 *   in the response if the partitions creation is throttled (KIP-599).
 */
import type { ApiSchema } from '../schema/index.js';

export interface CreatePartitionsRequest {
  /** Each topic that we want to create new partitions inside. */
  topics: CreatePartitionsRequestCreatePartitionsTopic[];
  /** The time in ms to wait for the partitions to be created. */
  timeoutMs: number;
  /** If true, then validate the request, but don't actually increase the number of partitions. */
  validateOnly: boolean;
}

export interface CreatePartitionsRequestCreatePartitionsTopic {
  /** The topic name. */
  name: string;
  /** The new partition count. */
  count: number;
  /** The new partition assignments. */
  assignments: CreatePartitionsRequestCreatePartitionsAssignment[] | null;
}

export interface CreatePartitionsRequestCreatePartitionsAssignment {
  /** The assigned broker IDs. */
  brokerIds: number[];
}

export interface CreatePartitionsResponse {
  throttleTimeMs: number;
  /** The partition creation results for each topic. */
  results: readonly CreatePartitionsResponseCreatePartitionsTopicResult[];
}

export interface CreatePartitionsResponseCreatePartitionsTopicResult {
  /** The topic name. */
  name: string;
  /** The result error, or zero if there was no error. */
  errorCode: number;
  /** The result message, or null if there was no error. */
  errorMessage: string | null;
}

export const CreatePartitionsSchema: ApiSchema = {
  name: 'CreatePartitions',
  apiKey: 37,
  validVersions: '0-3',
  flexibleVersions: '2+',
  request: {
    fields: [
      {
        name: 'topics',
        type: '[]CreatePartitionsTopic',
        versions: '0+',
        about: 'Each topic that we want to create new partitions inside.',
        fields: [
          { name: 'name', type: 'string', versions: '0+', about: 'The topic name.' },
          { name: 'count', type: 'int32', versions: '0+', about: 'The new partition count.' },
          {
            name: 'assignments',
            type: '[]CreatePartitionsAssignment',
            versions: '0+',
            nullableVersions: '0+',
            about: 'The new partition assignments.',
            fields: [
              { name: 'brokerIds', type: '[]int32', versions: '0+', about: 'The assigned broker IDs.' },
            ],
          },
        ],
      },
      {
        name: 'timeoutMs',
        type: 'int32',
        versions: '0+',
        about: 'The time in ms to wait for the partitions to be created.',
      },
      { name: 'validateOnly', type: 'bool', versions: '0+' },
    ],
  },
  response: {
    fields: [
      { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
      {
        name: 'results',
        type: '[]CreatePartitionsTopicResult',
        versions: '0+',
        about: 'The partition creation results for each topic.',
        fields: [
          { name: 'name', type: 'string', versions: '0+', about: 'The topic name.' },
          {
            name: 'errorCode',
            type: 'int16',
            versions: '0+',
            about: 'The result error, or zero if there was no error.',
          },
          {
            name: 'errorMessage',
            type: 'string',
            versions: '0+',
            nullableVersions: '0+',
            default: null,
            about: 'The result message, or null if there was no error.',
          },
        ],
      },
    ],
  },
};
