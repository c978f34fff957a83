/**
 * DescribeConfigs (api key 32): versions 0-4, flexible 4+.
 *
 * Transcribed from Apache Kafka's DescribeConfigsRequest.json and DescribeConfigsResponse.json.
 *
 * Request versions (Kafka's notes):
 *   Version 1 adds IncludeSynonyms.
 *   Version 2 is the same as version 1.
 *   Version 4 enables flexible versions.
 *
 * Response versions (Kafka's notes):
 *   Version 1 adds ConfigSource and the synonyms.
 *   Starting in version 2, on quota violation, brokers send out responses before throttling.
 *   Version 4 enables flexible versions.
 *   Note: the v0 default for this field that should be exposed to callers is
 *   context-dependent. For example, if the resource is a broker, this should default to 4.
 *   -1 is just a placeholder value.
 */
import type { ApiSchema } from '../schema/index.js';

export interface DescribeConfigsRequest {
  /** The resources whose configurations we want to describe. */
  resources: DescribeConfigsRequestDescribeConfigsResource[];
  /** (v1+) True if we should include all synonyms. */
  includeSynonyms: boolean;
  /** (v3+) True if we should include configuration documentation. */
  includeDocumentation: boolean;
}

export interface DescribeConfigsRequestDescribeConfigsResource {
  /** The resource type. */
  resourceType: number;
  /** The resource name. */
  resourceName: string;
  /** The configuration keys to list, or null to list all configuration keys. */
  configurationKeys: string[] | null;
}

export interface DescribeConfigsResponse {
  throttleTimeMs: number;
  /** The results for each resource. */
  results: readonly DescribeConfigsResponseDescribeConfigsResult[];
}

export interface DescribeConfigsResponseDescribeConfigsResult {
  /** The error code, or 0 if we were able to successfully describe the configurations. */
  errorCode: number;
  /** The error message, or null if we were able to successfully describe the configurations. */
  errorMessage: string | null;
  /** The resource type. */
  resourceType: number;
  /** The resource name. */
  resourceName: string;
  /** Each listed configuration. */
  configs: readonly DescribeConfigsResponseDescribeConfigsResourceResult[];
}

export interface DescribeConfigsResponseDescribeConfigsResourceResult {
  /** The configuration name. */
  name: string;
  /** The configuration value. */
  value: string | null;
  /** True if the configuration is read-only. */
  readOnly: boolean;
  /** (v1+) The configuration source. */
  configSource?: number;
  /** (v0) True if the configuration is not set. */
  isDefault?: boolean;
  /** True if this configuration is sensitive. */
  isSensitive: boolean;
  /** (v1+) The synonyms for this configuration key. */
  synonyms?: readonly DescribeConfigsResponseDescribeConfigsSynonym[];
  /** (v3+) The configuration data type. */
  configType?: number;
  /** (v3+) The configuration documentation. */
  documentation?: string | null;
}

export interface DescribeConfigsResponseDescribeConfigsSynonym {
  /** (v1+) The synonym name. */
  name: string;
  /** (v1+) The synonym value. */
  value: string | null;
  /** (v1+) The synonym source. */
  source: number;
}

export const DescribeConfigsSchema: ApiSchema = {
  name: 'DescribeConfigs',
  apiKey: 32,
  validVersions: '0-4',
  flexibleVersions: '4+',
  request: {
    fields: [
      {
        name: 'resources',
        type: '[]DescribeConfigsResource',
        versions: '0+',
        about: 'The resources whose configurations we want to describe.',
        fields: [
          { name: 'resourceType', type: 'int8', versions: '0+', about: 'The resource type.' },
          { name: 'resourceName', type: 'string', versions: '0+', about: 'The resource name.' },
          { name: 'configurationKeys', type: '[]string', versions: '0+', nullableVersions: '0+' },
        ],
      },
      {
        name: 'includeSynonyms',
        type: 'bool',
        versions: '1+',
        default: false,
        about: 'True if we should include all synonyms.',
      },
      {
        name: 'includeDocumentation',
        type: 'bool',
        versions: '3+',
        default: false,
        about: 'True if we should include configuration documentation.',
      },
    ],
  },
  response: {
    fields: [
      { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
      {
        name: 'results',
        type: '[]DescribeConfigsResult',
        versions: '0+',
        about: 'The results for each resource.',
        fields: [
          { name: 'errorCode', type: 'int16', versions: '0+' },
          { name: 'errorMessage', type: 'string', versions: '0+', nullableVersions: '0+' },
          { name: 'resourceType', type: 'int8', versions: '0+', about: 'The resource type.' },
          { name: 'resourceName', type: 'string', versions: '0+', about: 'The resource name.' },
          {
            name: 'configs',
            type: '[]DescribeConfigsResourceResult',
            versions: '0+',
            about: 'Each listed configuration.',
            fields: [
              { name: 'name', type: 'string', versions: '0+', about: 'The configuration name.' },
              {
                name: 'value',
                type: 'string',
                versions: '0+',
                nullableVersions: '0+',
                about: 'The configuration value.',
              },
              {
                name: 'readOnly',
                type: 'bool',
                versions: '0+',
                about: 'True if the configuration is read-only.',
              },
              {
                name: 'configSource',
                type: 'int8',
                versions: '1+',
                default: -1,
                ignorable: true,
                about: 'The configuration source.',
              },
              {
                name: 'isDefault',
                type: 'bool',
                versions: '0',
                about: 'True if the configuration is not set.',
              },
              {
                name: 'isSensitive',
                type: 'bool',
                versions: '0+',
                about: 'True if this configuration is sensitive.',
              },
              {
                name: 'synonyms',
                type: '[]DescribeConfigsSynonym',
                versions: '1+',
                ignorable: true,
                about: 'The synonyms for this configuration key.',
                fields: [
                  { name: 'name', type: 'string', versions: '1+', about: 'The synonym name.' },
                  {
                    name: 'value',
                    type: 'string',
                    versions: '1+',
                    nullableVersions: '1+',
                    about: 'The synonym value.',
                  },
                  { name: 'source', type: 'int8', versions: '1+', about: 'The synonym source.' },
                ],
              },
              {
                name: 'configType',
                type: 'int8',
                versions: '3+',
                default: 0,
                ignorable: true,
                about: 'The configuration data type.',
              },
              {
                name: 'documentation',
                type: 'string',
                versions: '3+',
                nullableVersions: '3+',
                ignorable: true,
                about: 'The configuration documentation.',
              },
            ],
          },
        ],
      },
    ],
  },
};
