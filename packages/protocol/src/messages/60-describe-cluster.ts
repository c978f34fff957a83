/**
 * DescribeCluster (api key 60): versions 0-2, flexible 0+.
 *
 * Transcribed from Apache Kafka's DescribeClusterRequest.json and DescribeClusterResponse.json.
 *
 * Request versions (Kafka's notes):
 *   Version 1 adds EndpointType for KIP-919 support.
 *
 *   Version 2 adds IncludeFencedBrokers for KIP-1073 support.
 *
 * Response versions (Kafka's notes):
 *   Version 1 adds the EndpointType field, and makes MISMATCHED_ENDPOINT_TYPE and
 *   UNSUPPORTED_ENDPOINT_TYPE valid top-level response error codes.
 *
 *   Version 2 adds IsFenced field to Brokers for KIP-1073 support.
 */
import type { ApiSchema } from '../schema/index.js';

export interface DescribeClusterRequest {
  /** Whether to include cluster authorized operations. */
  includeClusterAuthorizedOperations: boolean;
  /** (v1+) The endpoint type to describe. */
  endpointType: number;
  /** (v2+) Whether to include fenced brokers when listing brokers. */
  includeFencedBrokers: boolean;
}

export interface DescribeClusterResponse {
  throttleTimeMs: number;
  /** The top-level error code, or 0 if there was no error. */
  errorCode: number;
  /** The top-level error message, or null if there was no error. */
  errorMessage: string | null;
  /** (v1+) The endpoint type that was described. */
  endpointType?: number;
  /** The cluster ID that responding broker belongs to. */
  clusterId: string;
  /** The ID of the controller. */
  controllerId: number;
  /** Each broker in the response. */
  brokers: readonly DescribeClusterResponseDescribeClusterBroker[];
  /** 32-bit bitfield to represent authorized operations for this cluster. */
  clusterAuthorizedOperations: number;
}

export interface DescribeClusterResponseDescribeClusterBroker {
  /** The broker ID. */
  brokerId: number;
  /** The broker hostname. */
  host: string;
  /** The broker port. */
  port: number;
  /** The rack of the broker, or null if it has not been assigned to a rack. */
  rack: string | null;
  /** (v2+) Whether the broker is fenced */
  isFenced?: boolean;
}

export const DescribeClusterSchema: ApiSchema = {
  name: 'DescribeCluster',
  apiKey: 60,
  validVersions: '0-2',
  flexibleVersions: '0+',
  request: {
    fields: [
      {
        name: 'includeClusterAuthorizedOperations',
        type: 'bool',
        versions: '0+',
        about: 'Whether to include cluster authorized operations.',
      },
      {
        name: 'endpointType',
        type: 'int8',
        versions: '1+',
        default: 1,
        about: 'The endpoint type to describe.',
      },
      {
        name: 'includeFencedBrokers',
        type: 'bool',
        versions: '2+',
        about: 'Whether to include fenced brokers when listing brokers.',
      },
    ],
  },
  response: {
    fields: [
      { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
      {
        name: 'errorCode',
        type: 'int16',
        versions: '0+',
        about: 'The top-level error code, or 0 if there was no error.',
      },
      {
        name: 'errorMessage',
        type: 'string',
        versions: '0+',
        nullableVersions: '0+',
        default: null,
        about: 'The top-level error message, or null if there was no error.',
      },
      {
        name: 'endpointType',
        type: 'int8',
        versions: '1+',
        default: 1,
        about: 'The endpoint type that was described.',
      },
      {
        name: 'clusterId',
        type: 'string',
        versions: '0+',
        about: 'The cluster ID that responding broker belongs to.',
      },
      {
        name: 'controllerId',
        type: 'int32',
        versions: '0+',
        default: -1,
        about: 'The ID of the controller.',
      },
      {
        name: 'brokers',
        type: '[]DescribeClusterBroker',
        versions: '0+',
        about: 'Each broker in the response.',
        fields: [
          { name: 'brokerId', type: 'int32', versions: '0+', about: 'The broker ID.' },
          { name: 'host', type: 'string', versions: '0+', about: 'The broker hostname.' },
          { name: 'port', type: 'int32', versions: '0+', about: 'The broker port.' },
          { name: 'rack', type: 'string', versions: '0+', nullableVersions: '0+', default: null },
          { name: 'isFenced', type: 'bool', versions: '2+', about: 'Whether the broker is fenced' },
        ],
      },
      { name: 'clusterAuthorizedOperations', type: 'int32', versions: '0+', default: -2147483648 },
    ],
  },
};
