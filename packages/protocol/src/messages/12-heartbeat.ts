/**
 * Heartbeat (api key 12): versions 0-4, flexible 4+.
 *
 * Transcribed from Apache Kafka's HeartbeatRequest.json and HeartbeatResponse.json.
 *
 * Request versions (Kafka's notes):
 *   Version 1 and version 2 are the same as version 0.
 *
 *   Starting from version 3, we add a new field called groupInstanceId to indicate member identity across restarts.
 *
 *   Version 4 is the first flexible version.
 *
 * Response versions (Kafka's notes):
 *   Version 1 adds throttle time.
 *
 *   Starting in version 2, on quota violation, brokers send out responses before throttling.
 *
 *   Starting from version 3, heartbeatRequest supports a new field called groupInstanceId to indicate member identity across restarts.
 *
 *   Version 4 is the first flexible version.
 */
import type { ApiSchema } from '../schema/index.js';

export interface HeartbeatRequest {
  /** The group id. */
  groupId: string;
  /** The generation of the group. */
  generationId: number;
  /** The member ID. */
  memberId: string;
  /** (v3+) The unique identifier of the consumer instance provided by end user. */
  groupInstanceId: string | null;
}

export interface HeartbeatResponse {
  /** (v1+) */
  throttleTimeMs?: number;
  /** The error code, or 0 if there was no error. */
  errorCode: number;
}

export const HeartbeatSchema: ApiSchema = {
  name: 'Heartbeat',
  apiKey: 12,
  validVersions: '0-4',
  flexibleVersions: '4+',
  request: {
    fields: [
      { name: 'groupId', type: 'string', versions: '0+', about: 'The group id.' },
      { name: 'generationId', type: 'int32', versions: '0+', about: 'The generation of the group.' },
      { name: 'memberId', type: 'string', versions: '0+', about: 'The member ID.' },
      { name: 'groupInstanceId', type: 'string', versions: '3+', nullableVersions: '3+', default: null },
    ],
  },
  response: {
    fields: [
      { name: 'throttleTimeMs', type: 'int32', versions: '1+', ignorable: true },
      {
        name: 'errorCode',
        type: 'int16',
        versions: '0+',
        about: 'The error code, or 0 if there was no error.',
      },
    ],
  },
};
