/**
 * AlterConfigs (api key 33): versions 0-2, flexible 2+.
 *
 * Transcribed from Apache Kafka's AlterConfigsRequest.json and AlterConfigsResponse.json.
 *
 * Request versions (Kafka's notes):
 *   Version 1 is the same as version 0.
 *   Version 2 enables flexible versions.
 *
 * Response versions (Kafka's notes):
 *   Starting in version 1, on quota violation brokers send out responses before throttling.
 *   Version 2 enables flexible versions.
 */
import type { ApiSchema } from '../schema/index.js';

export interface AlterConfigsRequest {
  /** The updates for each resource. */
  resources: AlterConfigsRequestAlterConfigsResource[];
  /** True if we should validate the request, but not change the configurations. */
  validateOnly: boolean;
}

export interface AlterConfigsRequestAlterConfigsResource {
  /** The resource type. */
  resourceType: number;
  /** The resource name. */
  resourceName: string;
  /** The configurations. */
  configs: AlterConfigsRequestAlterableConfig[];
}

export interface AlterConfigsRequestAlterableConfig {
  /** The configuration key name. */
  name: string;
  /** The value to set for the configuration key. */
  value: string | null;
}

export interface AlterConfigsResponse {
  throttleTimeMs: number;
  /** The responses for each resource. */
  responses: readonly AlterConfigsResponseAlterConfigsResourceResponse[];
}

export interface AlterConfigsResponseAlterConfigsResourceResponse {
  /** The resource error code. */
  errorCode: number;
  /** The resource error message, or null if there was no error. */
  errorMessage: string | null;
  /** The resource type. */
  resourceType: number;
  /** The resource name. */
  resourceName: string;
}

export const AlterConfigsSchema: ApiSchema = {
  name: 'AlterConfigs',
  apiKey: 33,
  validVersions: '0-2',
  flexibleVersions: '2+',
  request: {
    fields: [
      {
        name: 'resources',
        type: '[]AlterConfigsResource',
        versions: '0+',
        about: 'The updates for each resource.',
        fields: [
          { name: 'resourceType', type: 'int8', versions: '0+', about: 'The resource type.' },
          { name: 'resourceName', type: 'string', versions: '0+', about: 'The resource name.' },
          {
            name: 'configs',
            type: '[]AlterableConfig',
            versions: '0+',
            about: 'The configurations.',
            fields: [
              { name: 'name', type: 'string', versions: '0+', about: 'The configuration key name.' },
              {
                name: 'value',
                type: 'string',
                versions: '0+',
                nullableVersions: '0+',
                about: 'The value to set for the configuration key.',
              },
            ],
          },
        ],
      },
      { name: 'validateOnly', type: 'bool', versions: '0+' },
    ],
  },
  response: {
    fields: [
      { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
      {
        name: 'responses',
        type: '[]AlterConfigsResourceResponse',
        versions: '0+',
        about: 'The responses for each resource.',
        fields: [
          { name: 'errorCode', type: 'int16', versions: '0+', about: 'The resource error code.' },
          {
            name: 'errorMessage',
            type: 'string',
            versions: '0+',
            nullableVersions: '0+',
            about: 'The resource error message, or null if there was no error.',
          },
          { name: 'resourceType', type: 'int8', versions: '0+', about: 'The resource type.' },
          { name: 'resourceName', type: 'string', versions: '0+', about: 'The resource name.' },
        ],
      },
    ],
  },
};
