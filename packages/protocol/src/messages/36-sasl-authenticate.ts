/**
 * SaslAuthenticate (api key 36): versions 0-2, flexible 2+.
 *
 * Transcribed from Apache Kafka's SaslAuthenticateRequest.json and SaslAuthenticateResponse.json.
 *
 * Request versions (Kafka's notes):
 *   Version 1 is the same as version 0.
 *   Version 2 adds flexible version support
 *
 * Response versions (Kafka's notes):
 *   Version 1 adds the session lifetime.
 *   Version 2 adds flexible version support
 */
import type { ApiSchema } from '../schema/index.js';

export interface SaslAuthenticateRequest {
  /** The SASL authentication bytes from the client, as defined by the SASL mechanism. */
  authBytes: Buffer;
}

export interface SaslAuthenticateResponse {
  /** The error code, or 0 if there was no error. */
  errorCode: number;
  /** The error message, or null if there was no error. */
  errorMessage: string | null;
  /** The SASL authentication bytes from the server, as defined by the SASL mechanism. */
  authBytes: Buffer;
  /** (v1+) */
  sessionLifetimeMs?: bigint;
}

export const SaslAuthenticateSchema: ApiSchema = {
  name: 'SaslAuthenticate',
  apiKey: 36,
  validVersions: '0-2',
  flexibleVersions: '2+',
  request: {
    fields: [{ name: 'authBytes', type: 'bytes', versions: '0+' }],
  },
  response: {
    fields: [
      {
        name: 'errorCode',
        type: 'int16',
        versions: '0+',
        about: 'The error code, or 0 if there was no error.',
      },
      {
        name: 'errorMessage',
        type: 'string',
        versions: '0+',
        nullableVersions: '0+',
        about: 'The error message, or null if there was no error.',
      },
      { name: 'authBytes', type: 'bytes', versions: '0+' },
      { name: 'sessionLifetimeMs', type: 'int64', versions: '1+', default: 0n, ignorable: true },
    ],
  },
};
