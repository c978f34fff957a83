/**
 * SyncGroup (api key 14): versions 0-5, flexible 4+.
 *
 * Transcribed from Apache Kafka's SyncGroupRequest.json and SyncGroupResponse.json.
 *
 * Request versions (Kafka's notes):
 *   Versions 1 and 2 are the same as version 0.
 *
 *   Starting from version 3, we add a new field called groupInstanceId to indicate member identity across restarts.
 *
 *   Version 4 is the first flexible version.
 *
 *   Starting from version 5, the client sends the Protocol Type and the Protocol Name
 *   to the broker (KIP-559). The broker will reject the request if they are inconsistent
 *   with the Type and Name known by the broker.
 *
 * Response versions (Kafka's notes):
 *   Version 1 adds throttle time.
 *
 *   Starting in version 2, on quota violation, brokers send out responses before throttling.
 *
 *   Starting from version 3, syncGroupRequest supports a new field called groupInstanceId to indicate member identity across restarts.
 *
 *   Version 4 is the first flexible version.
 *
 *   Starting from version 5, the broker sends back the Protocol Type and the Protocol Name
 *   to the client (KIP-559).
 */
import type { ApiSchema } from '../schema/index.js';

export interface SyncGroupRequest {
  /** The unique group identifier. */
  groupId: string;
  /** The generation of the group. */
  generationId: number;
  /** The member ID assigned by the group. */
  memberId: string;
  /** (v3+) The unique identifier of the consumer instance provided by end user. */
  groupInstanceId: string | null;
  /** (v5+) The group protocol type. */
  protocolType: string | null;
  /** (v5+) The group protocol name. */
  protocolName: string | null;
  /** Each assignment. */
  assignments: SyncGroupRequestSyncGroupRequestAssignment[];
}

export interface SyncGroupRequestSyncGroupRequestAssignment {
  /** The ID of the member to assign. */
  memberId: string;
  /** The member assignment. */
  assignment: Buffer;
}

export interface SyncGroupResponse {
  /** (v1+) */
  throttleTimeMs?: number;
  /** The error code, or 0 if there was no error. */
  errorCode: number;
  /** (v5+) The group protocol type. */
  protocolType?: string | null;
  /** (v5+) The group protocol name. */
  protocolName?: string | null;
  /** The member assignment. */
  assignment: Buffer;
}

export const SyncGroupSchema: ApiSchema = {
  name: 'SyncGroup',
  apiKey: 14,
  validVersions: '0-5',
  flexibleVersions: '4+',
  request: {
    fields: [
      { name: 'groupId', type: 'string', versions: '0+', about: 'The unique group identifier.' },
      { name: 'generationId', type: 'int32', versions: '0+', about: 'The generation of the group.' },
      { name: 'memberId', type: 'string', versions: '0+', about: 'The member ID assigned by the group.' },
      { name: 'groupInstanceId', type: 'string', versions: '3+', nullableVersions: '3+', default: null },
      {
        name: 'protocolType',
        type: 'string',
        versions: '5+',
        nullableVersions: '5+',
        default: null,
        ignorable: true,
        about: 'The group protocol type.',
      },
      {
        name: 'protocolName',
        type: 'string',
        versions: '5+',
        nullableVersions: '5+',
        default: null,
        ignorable: true,
        about: 'The group protocol name.',
      },
      {
        name: 'assignments',
        type: '[]SyncGroupRequestAssignment',
        versions: '0+',
        about: 'Each assignment.',
        fields: [
          { name: 'memberId', type: 'string', versions: '0+', about: 'The ID of the member to assign.' },
          { name: 'assignment', type: 'bytes', versions: '0+', about: 'The member assignment.' },
        ],
      },
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
      {
        name: 'protocolType',
        type: 'string',
        versions: '5+',
        nullableVersions: '5+',
        default: null,
        ignorable: true,
        about: 'The group protocol type.',
      },
      {
        name: 'protocolName',
        type: 'string',
        versions: '5+',
        nullableVersions: '5+',
        default: null,
        ignorable: true,
        about: 'The group protocol name.',
      },
      { name: 'assignment', type: 'bytes', versions: '0+', about: 'The member assignment.' },
    ],
  },
};
