/**
 * IncrementalAlterConfigs (api key 44): versions 0-1, flexible 1+.
 *
 * Transcribed from Apache Kafka's IncrementalAlterConfigsRequest.json and IncrementalAlterConfigsResponse.json.
 *
 * Request versions (Kafka's notes):
 *   Version 1 is the first flexible version.
 *
 * Response versions (Kafka's notes):
 *   Version 1 is the first flexible version.
 */
import type { ApiSchema } from '../schema/index.js';

export interface IncrementalAlterConfigsRequest {
  /** The incremental updates for each resource. */
  resources: IncrementalAlterConfigsRequestAlterConfigsResource[];
  /** True if we should validate the request, but not change the configurations. */
  validateOnly: boolean;
}

export interface IncrementalAlterConfigsRequestAlterConfigsResource {
  /** The resource type. */
  resourceType: number;
  /** The resource name. */
  resourceName: string;
  /** The configurations. */
  configs: IncrementalAlterConfigsRequestAlterableConfig[];
}

export interface IncrementalAlterConfigsRequestAlterableConfig {
  /** The configuration key name. */
  name: string;
  /** The type (Set, Delete, Append, Subtract) of operation. */
  configOperation: number;
  /** The value to set for the configuration key. */
  value: string | null;
}

export interface IncrementalAlterConfigsResponse {
  throttleTimeMs: number;
  /** The responses for each resource. */
  responses: readonly IncrementalAlterConfigsResponseAlterConfigsResourceResponse[];
}

export interface IncrementalAlterConfigsResponseAlterConfigsResourceResponse {
  /** The resource error code. */
  errorCode: number;
  /** The resource error message, or null if there was no error. */
  errorMessage: string | null;
  /** The resource type. */
  resourceType: number;
  /** The resource name. */
  resourceName: string;
}

export const IncrementalAlterConfigsSchema: ApiSchema = {
  name: 'IncrementalAlterConfigs',
  apiKey: 44,
  validVersions: '0-1',
  flexibleVersions: '1+',
  request: {
    fields: [
      {
        name: 'resources',
        type: '[]AlterConfigsResource',
        versions: '0+',
        about: 'The incremental updates for each resource.',
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
                name: 'configOperation',
                type: 'int8',
                versions: '0+',
                about: 'The type (Set, Delete, Append, Subtract) of operation.',
              },
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
