/**
 * DescribeUserScramCredentials (api key 50): versions 0, flexible 0+.
 *
 * Transcribed from Apache Kafka's DescribeUserScramCredentialsRequest.json and DescribeUserScramCredentialsResponse.json.
 */
import type { ApiSchema } from '../schema/index.js';

export interface DescribeUserScramCredentialsRequest {
  /** The users to describe, or null/empty to describe all users. */
  users: DescribeUserScramCredentialsRequestUserName[] | null;
}

export interface DescribeUserScramCredentialsRequestUserName {
  /** The user name. */
  name: string;
}

export interface DescribeUserScramCredentialsResponse {
  throttleTimeMs: number;
  /** The message-level error code, 0 except for user authorization or infrastructure issues. */
  errorCode: number;
  /** The message-level error message, if any. */
  errorMessage: string | null;
  /** The results for descriptions, one per user. */
  results: readonly DescribeUserScramCredentialsResponseDescribeUserScramCredentialsResult[];
}

export interface DescribeUserScramCredentialsResponseDescribeUserScramCredentialsResult {
  /** The user name. */
  user: string;
  /** The user-level error code. */
  errorCode: number;
  /** The user-level error message, if any. */
  errorMessage: string | null;
  /** The mechanism and related information associated with the user's SCRAM credentials. */
  credentialInfos: readonly DescribeUserScramCredentialsResponseCredentialInfo[];
}

export interface DescribeUserScramCredentialsResponseCredentialInfo {
  /** The SCRAM mechanism. */
  mechanism: number;
  /** The number of iterations used in the SCRAM credential. */
  iterations: number;
}

export const DescribeUserScramCredentialsSchema: ApiSchema = {
  name: 'DescribeUserScramCredentials',
  apiKey: 50,
  validVersions: '0',
  flexibleVersions: '0+',
  request: {
    fields: [
      {
        name: 'users',
        type: '[]UserName',
        versions: '0+',
        nullableVersions: '0+',
        about: 'The users to describe, or null/empty to describe all users.',
        fields: [{ name: 'name', type: 'string', versions: '0+', about: 'The user name.' }],
      },
    ],
  },
  response: {
    fields: [
      { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
      { name: 'errorCode', type: 'int16', versions: '0+' },
      {
        name: 'errorMessage',
        type: 'string',
        versions: '0+',
        nullableVersions: '0+',
        about: 'The message-level error message, if any.',
      },
      {
        name: 'results',
        type: '[]DescribeUserScramCredentialsResult',
        versions: '0+',
        about: 'The results for descriptions, one per user.',
        fields: [
          { name: 'user', type: 'string', versions: '0+', about: 'The user name.' },
          { name: 'errorCode', type: 'int16', versions: '0+', about: 'The user-level error code.' },
          {
            name: 'errorMessage',
            type: 'string',
            versions: '0+',
            nullableVersions: '0+',
            about: 'The user-level error message, if any.',
          },
          {
            name: 'credentialInfos',
            type: '[]CredentialInfo',
            versions: '0+',
            fields: [
              { name: 'mechanism', type: 'int8', versions: '0+', about: 'The SCRAM mechanism.' },
              {
                name: 'iterations',
                type: 'int32',
                versions: '0+',
                about: 'The number of iterations used in the SCRAM credential.',
              },
            ],
          },
        ],
      },
    ],
  },
};
