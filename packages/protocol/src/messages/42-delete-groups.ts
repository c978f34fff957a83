/**
 * DeleteGroups (api key 42): versions 0-2, flexible 2+.
 *
 * Transcribed from Apache Kafka's DeleteGroupsRequest.json and DeleteGroupsResponse.json.
 *
 * Request versions (Kafka's notes):
 *   Version 1 is the same as version 0.
 *
 *   Version 2 is the first flexible version.
 *
 * Response versions (Kafka's notes):
 *   Starting in version 1, on quota violation, brokers send out responses before throttling.
 *
 *   Version 2 is the first flexible version.
 */
import type { ApiSchema } from '../schema/index.js';

export interface DeleteGroupsRequest {
  /** The group names to delete. */
  groupsNames: string[];
}

export interface DeleteGroupsResponse {
  throttleTimeMs: number;
  /** The deletion results. */
  results: readonly DeleteGroupsResponseDeletableGroupResult[];
}

export interface DeleteGroupsResponseDeletableGroupResult {
  /** The group id. */
  groupId: string;
  /** The deletion error, or 0 if the deletion succeeded. */
  errorCode: number;
}

export const DeleteGroupsSchema: ApiSchema = {
  name: 'DeleteGroups',
  apiKey: 42,
  validVersions: '0-2',
  flexibleVersions: '2+',
  request: {
    fields: [{ name: 'groupsNames', type: '[]string', versions: '0+', about: 'The group names to delete.' }],
  },
  response: {
    fields: [
      { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
      {
        name: 'results',
        type: '[]DeletableGroupResult',
        versions: '0+',
        about: 'The deletion results.',
        fields: [
          { name: 'groupId', type: 'string', versions: '0+', about: 'The group id.' },
          {
            name: 'errorCode',
            type: 'int16',
            versions: '0+',
            about: 'The deletion error, or 0 if the deletion succeeded.',
          },
        ],
      },
    ],
  },
};
