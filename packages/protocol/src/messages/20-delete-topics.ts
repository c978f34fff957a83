/**
 * DeleteTopics (api key 20): versions 0-6, flexible 4+.
 *
 * Transcribed from Apache Kafka's DeleteTopicsRequest.json and DeleteTopicsResponse.json.
 *
 * Request versions (Kafka's notes):
 *   Versions 0, 1, 2, and 3 are the same.
 *
 *   Version 4 is the first flexible version.
 *
 *   Version 5 adds ErrorMessage in the response and may return a THROTTLING_QUOTA_EXCEEDED error
 *   in the response if the topics deletion is throttled (KIP-599).
 *
 *   Version 6 reorganizes topics, adds topic IDs and allows topic names to be null.
 *
 * Response versions (Kafka's notes):
 *   Version 1 adds the throttle time.
 *
 *   Starting in version 2, on quota violation, brokers send out responses before throttling.
 *
 *   Starting in version 3, a TOPIC_DELETION_DISABLED error code may be returned.
 *
 *   Version 4 is the first flexible version.
 *
 *   Version 5 adds ErrorMessage in the response and may return a THROTTLING_QUOTA_EXCEEDED error
 *   in the response if the topics deletion is throttled (KIP-599).
 *
 *   Version 6 adds topic ID to responses. An UNSUPPORTED_VERSION error code will be returned when attempting to
 *   delete using topic IDs when IBP < 2.8. UNKNOWN_TOPIC_ID error code will be returned when IBP is at least 2.8, but
 *   the topic ID was not found.
 */
import type { ApiSchema } from '../schema/index.js';

export interface DeleteTopicsRequest {
  /** (v6+) The name or topic ID of the topic. */
  topics: DeleteTopicsRequestDeleteTopicState[];
  /** (v0-5) The names of the topics to delete. */
  topicNames: string[];
  /** The length of time in milliseconds to wait for the deletions to complete. */
  timeoutMs: number;
}

export interface DeleteTopicsRequestDeleteTopicState {
  /** (v6+) The topic name. */
  name: string | null;
  /** (v6+) The unique topic ID. */
  topicId: string;
}

export interface DeleteTopicsResponse {
  /** (v1+) */
  throttleTimeMs?: number;
  /** The results for each topic we tried to delete. */
  responses: readonly DeleteTopicsResponseDeletableTopicResult[];
}

export interface DeleteTopicsResponseDeletableTopicResult {
  /** (nullable v6+) The topic name. */
  name: string | null;
  /** (v6+) The unique topic ID. */
  topicId?: string;
  /** The deletion error, or 0 if the deletion succeeded. */
  errorCode: number;
  /** (v5+) The error message, or null if there was no error. */
  errorMessage?: string | null;
}

export const DeleteTopicsSchema: ApiSchema = {
  name: 'DeleteTopics',
  apiKey: 20,
  validVersions: '0-6',
  flexibleVersions: '4+',
  request: {
    fields: [
      {
        name: 'topics',
        type: '[]DeleteTopicState',
        versions: '6+',
        about: 'The name or topic ID of the topic.',
        fields: [
          {
            name: 'name',
            type: 'string',
            versions: '6+',
            nullableVersions: '6+',
            default: null,
            about: 'The topic name.',
          },
          { name: 'topicId', type: 'uuid', versions: '6+', about: 'The unique topic ID.' },
        ],
      },
      {
        name: 'topicNames',
        type: '[]string',
        versions: '0-5',
        ignorable: true,
        about: 'The names of the topics to delete.',
      },
      { name: 'timeoutMs', type: 'int32', versions: '0+' },
    ],
  },
  response: {
    fields: [
      { name: 'throttleTimeMs', type: 'int32', versions: '1+', ignorable: true },
      {
        name: 'responses',
        type: '[]DeletableTopicResult',
        versions: '0+',
        about: 'The results for each topic we tried to delete.',
        fields: [
          { name: 'name', type: 'string', versions: '0+', nullableVersions: '6+', about: 'The topic name.' },
          { name: 'topicId', type: 'uuid', versions: '6+', ignorable: true, about: 'The unique topic ID.' },
          {
            name: 'errorCode',
            type: 'int16',
            versions: '0+',
            about: 'The deletion error, or 0 if the deletion succeeded.',
          },
          {
            name: 'errorMessage',
            type: 'string',
            versions: '5+',
            nullableVersions: '5+',
            default: null,
            ignorable: true,
            about: 'The error message, or null if there was no error.',
          },
        ],
      },
    ],
  },
};
