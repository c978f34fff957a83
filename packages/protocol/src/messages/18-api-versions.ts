/**
 * ApiVersions (api key 18): versions 0-4, flexible 3+.
 *
 * Transcribed from Apache Kafka's ApiVersionsRequest.json and ApiVersionsResponse.json.
 *
 * Request versions (Kafka's notes):
 *   Versions 0 through 2 of ApiVersionsRequest are the same.
 *
 *   Version 3 is the first flexible version and adds ClientSoftwareName and ClientSoftwareVersion.
 *
 *   Version 4 fixes KAFKA-17011, which blocked SupportedFeatures.MinVersion in the response from being 0.
 *
 * Response versions (Kafka's notes):
 *   Version 1 adds throttle time to the response.
 *
 *   Starting in version 2, on quota violation, brokers send out responses before throttling.
 *
 *   Version 3 is the first flexible version. Tagged fields are only supported in the body but
 *   not in the header. The length of the header must not change in order to guarantee the
 *   backward compatibility.
 *
 *   Starting from Apache Kafka 2.4 (KIP-511), ApiKeys field is populated with the supported
 *   versions of the ApiVersionsRequest when an UNSUPPORTED_VERSION error is returned.
 *
 *   Version 4 fixes KAFKA-17011, which blocked SupportedFeatures.MinVersion from being 0.
 */
import type { ApiSchema } from '../schema/index.js';

export interface ApiVersionsRequest {
  /** (v3+) The name of the client. */
  clientSoftwareName: string;
  /** (v3+) The version of the client. */
  clientSoftwareVersion: string;
}

export interface ApiVersionsResponse {
  /** The top-level error code. */
  errorCode: number;
  /** The APIs supported by the broker. */
  apiKeys: readonly ApiVersionsResponseApiVersion[];
  /** (v1+) */
  throttleTimeMs?: number;
  /** (v3+, tagged 0) Features supported by the broker. */
  supportedFeatures?: readonly ApiVersionsResponseSupportedFeatureKey[];
  /** (v3+, tagged 1) The monotonically increasing epoch for the finalized features information. */
  finalizedFeaturesEpoch?: bigint;
  /** (v3+, tagged 2) List of cluster-wide finalized features. */
  finalizedFeatures?: readonly ApiVersionsResponseFinalizedFeatureKey[];
  /** (v3+, tagged 3) Set by a KRaft controller if the required configurations for ZK migration are present. */
  zkMigrationReady?: boolean;
}

export interface ApiVersionsResponseApiVersion {
  /** The API index. */
  apiKey: number;
  /** The minimum supported version, inclusive. */
  minVersion: number;
  /** The maximum supported version, inclusive. */
  maxVersion: number;
}

export interface ApiVersionsResponseSupportedFeatureKey {
  /** (v3+) The name of the feature. */
  name: string;
  /** (v3+) The minimum supported version for the feature. */
  minVersion: number;
  /** (v3+) The maximum supported version for the feature. */
  maxVersion: number;
}

export interface ApiVersionsResponseFinalizedFeatureKey {
  /** (v3+) The name of the feature. */
  name: string;
  /** (v3+) The cluster-wide finalized max version level for the feature. */
  maxVersionLevel: number;
  /** (v3+) The cluster-wide finalized min version level for the feature. */
  minVersionLevel: number;
}

export const ApiVersionsSchema: ApiSchema = {
  name: 'ApiVersions',
  apiKey: 18,
  validVersions: '0-4',
  flexibleVersions: '3+',
  request: {
    fields: [
      {
        name: 'clientSoftwareName',
        type: 'string',
        versions: '3+',
        ignorable: true,
        about: 'The name of the client.',
      },
      {
        name: 'clientSoftwareVersion',
        type: 'string',
        versions: '3+',
        ignorable: true,
        about: 'The version of the client.',
      },
    ],
  },
  response: {
    fields: [
      { name: 'errorCode', type: 'int16', versions: '0+', about: 'The top-level error code.' },
      {
        name: 'apiKeys',
        type: '[]ApiVersion',
        versions: '0+',
        about: 'The APIs supported by the broker.',
        fields: [
          { name: 'apiKey', type: 'int16', versions: '0+', about: 'The API index.' },
          {
            name: 'minVersion',
            type: 'int16',
            versions: '0+',
            about: 'The minimum supported version, inclusive.',
          },
          {
            name: 'maxVersion',
            type: 'int16',
            versions: '0+',
            about: 'The maximum supported version, inclusive.',
          },
        ],
      },
      { name: 'throttleTimeMs', type: 'int32', versions: '1+', ignorable: true },
      {
        name: 'supportedFeatures',
        type: '[]SupportedFeatureKey',
        versions: '3+',
        taggedVersions: '3+',
        tag: 0,
        ignorable: true,
        about: 'Features supported by the broker.',
        fields: [
          { name: 'name', type: 'string', versions: '3+', about: 'The name of the feature.' },
          {
            name: 'minVersion',
            type: 'int16',
            versions: '3+',
            about: 'The minimum supported version for the feature.',
          },
          {
            name: 'maxVersion',
            type: 'int16',
            versions: '3+',
            about: 'The maximum supported version for the feature.',
          },
        ],
      },
      {
        name: 'finalizedFeaturesEpoch',
        type: 'int64',
        versions: '3+',
        taggedVersions: '3+',
        tag: 1,
        default: -1n,
        ignorable: true,
      },
      {
        name: 'finalizedFeatures',
        type: '[]FinalizedFeatureKey',
        versions: '3+',
        taggedVersions: '3+',
        tag: 2,
        ignorable: true,
        about: 'List of cluster-wide finalized features.',
        fields: [
          { name: 'name', type: 'string', versions: '3+', about: 'The name of the feature.' },
          {
            name: 'maxVersionLevel',
            type: 'int16',
            versions: '3+',
            about: 'The cluster-wide finalized max version level for the feature.',
          },
          {
            name: 'minVersionLevel',
            type: 'int16',
            versions: '3+',
            about: 'The cluster-wide finalized min version level for the feature.',
          },
        ],
      },
      {
        name: 'zkMigrationReady',
        type: 'bool',
        versions: '3+',
        taggedVersions: '3+',
        tag: 3,
        default: false,
        ignorable: true,
      },
    ],
  },
};
