/**
 * FindCoordinator (api key 10): versions 0-6, flexible 3+.
 *
 * Transcribed from Apache Kafka's FindCoordinatorRequest.json and FindCoordinatorResponse.json.
 *
 * Request versions (Kafka's notes):
 *   Version 1 adds KeyType.
 *
 *   Version 2 is the same as version 1.
 *
 *   Version 3 is the first flexible version.
 *
 *   Version 4 adds support for batching via CoordinatorKeys (KIP-699)
 *
 *   Version 5 adds support for new error code TRANSACTION_ABORTABLE (KIP-890).
 *
 *   Version 6 adds support for share groups (KIP-932).
 *
 * Response versions (Kafka's notes):
 *   Version 1 adds throttle time and error messages.
 *
 *   Starting in version 2, on quota violation, brokers send out responses before throttling.
 *
 *   Version 3 is the first flexible version.
 *
 *   Version 4 adds support for batching via Coordinators (KIP-699)
 *
 *   Version 5 adds support for new error code TRANSACTION_ABORTABLE (KIP-890).
 *
 *   Version 6 adds support for share groups (KIP-932).
 */
import type { ApiSchema } from '../schema/index.js';

export interface FindCoordinatorRequest {
  /** (v0-3) The coordinator key. */
  key: string;
  /** (v1+) The coordinator key type. */
  keyType: number;
  /** (v4+) The coordinator keys. */
  coordinatorKeys: string[];
}

export interface FindCoordinatorResponse {
  /** (v1+) */
  throttleTimeMs?: number;
  /** (v0-3) The error code, or 0 if there was no error. */
  errorCode?: number;
  /** (v1-3) The error message, or null if there was no error. */
  errorMessage?: string | null;
  /** (v0-3) The node id. */
  nodeId?: number;
  /** (v0-3) The host name. */
  host?: string;
  /** (v0-3) The port. */
  port?: number;
  /** (v4+) Each coordinator result in the response. */
  coordinators?: readonly FindCoordinatorResponseCoordinator[];
}

export interface FindCoordinatorResponseCoordinator {
  /** (v4+) The coordinator key. */
  key: string;
  /** (v4+) The node id. */
  nodeId: number;
  /** (v4+) The host name. */
  host: string;
  /** (v4+) The port. */
  port: number;
  /** (v4+) The error code, or 0 if there was no error. */
  errorCode: number;
  /** (v4+) The error message, or null if there was no error. */
  errorMessage: string | null;
}

export const FindCoordinatorSchema: ApiSchema = {
  name: 'FindCoordinator',
  apiKey: 10,
  validVersions: '0-6',
  flexibleVersions: '3+',
  request: {
    fields: [
      { name: 'key', type: 'string', versions: '0-3', about: 'The coordinator key.' },
      { name: 'keyType', type: 'int8', versions: '1+', default: 0, about: 'The coordinator key type.' },
      { name: 'coordinatorKeys', type: '[]string', versions: '4+', about: 'The coordinator keys.' },
    ],
  },
  response: {
    fields: [
      { name: 'throttleTimeMs', type: 'int32', versions: '1+', ignorable: true },
      {
        name: 'errorCode',
        type: 'int16',
        versions: '0-3',
        about: 'The error code, or 0 if there was no error.',
      },
      {
        name: 'errorMessage',
        type: 'string',
        versions: '1-3',
        nullableVersions: '1-3',
        ignorable: true,
        about: 'The error message, or null if there was no error.',
      },
      { name: 'nodeId', type: 'int32', versions: '0-3', about: 'The node id.' },
      { name: 'host', type: 'string', versions: '0-3', about: 'The host name.' },
      { name: 'port', type: 'int32', versions: '0-3', about: 'The port.' },
      {
        name: 'coordinators',
        type: '[]Coordinator',
        versions: '4+',
        about: 'Each coordinator result in the response.',
        fields: [
          { name: 'key', type: 'string', versions: '4+', about: 'The coordinator key.' },
          { name: 'nodeId', type: 'int32', versions: '4+', about: 'The node id.' },
          { name: 'host', type: 'string', versions: '4+', about: 'The host name.' },
          { name: 'port', type: 'int32', versions: '4+', about: 'The port.' },
          {
            name: 'errorCode',
            type: 'int16',
            versions: '4+',
            about: 'The error code, or 0 if there was no error.',
          },
          {
            name: 'errorMessage',
            type: 'string',
            versions: '4+',
            nullableVersions: '4+',
            ignorable: true,
            about: 'The error message, or null if there was no error.',
          },
        ],
      },
    ],
  },
};
