/**
 * SaslHandshake (api key 17): versions 0-1, flexible none.
 *
 * Transcribed from Apache Kafka's SaslHandshakeRequest.json and SaslHandshakeResponse.json.
 *
 * Request versions (Kafka's notes):
 *   Version 1 supports SASL_AUTHENTICATE.
 *   NOTE: Version cannot be easily bumped due to incorrect
 *   client negotiation for clients <= 2.4.
 *   See https://issues.apache.org/jira/browse/KAFKA-9577
 *
 * Response versions (Kafka's notes):
 *   Version 1 is the same as version 0.
 *   NOTE: Version cannot be easily bumped due to incorrect
 *   client negotiation for clients <= 2.4.
 *   See https://issues.apache.org/jira/browse/KAFKA-9577
 */
import type { ApiSchema } from '../schema/index.js';

export interface SaslHandshakeRequest {
  /** The SASL mechanism chosen by the client. */
  mechanism: string;
}

export interface SaslHandshakeResponse {
  /** The error code, or 0 if there was no error. */
  errorCode: number;
  /** The mechanisms enabled in the server. */
  mechanisms: readonly string[];
}

export const SaslHandshakeSchema: ApiSchema = {
  name: 'SaslHandshake',
  apiKey: 17,
  validVersions: '0-1',
  flexibleVersions: 'none',
  request: {
    fields: [
      {
        name: 'mechanism',
        type: 'string',
        versions: '0+',
        about: 'The SASL mechanism chosen by the client.',
      },
    ],
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
        name: 'mechanisms',
        type: '[]string',
        versions: '0+',
        about: 'The mechanisms enabled in the server.',
      },
    ],
  },
};
