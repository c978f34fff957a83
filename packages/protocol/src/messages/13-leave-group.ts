/**
 * LeaveGroup (api key 13): versions 0-5, flexible 4+.
 *
 * Transcribed from Apache Kafka's LeaveGroupRequest.json and LeaveGroupResponse.json.
 *
 * Request versions (Kafka's notes):
 *   Version 1 and 2 are the same as version 0.
 *
 *   Version 3 defines batch processing scheme with group.instance.id + member.id for identity
 *
 *   Version 4 is the first flexible version.
 *
 *   Version 5 adds the Reason field (KIP-800).
 *
 * Response versions (Kafka's notes):
 *   Version 1 adds the throttle time.
 *
 *   Starting in version 2, on quota violation, brokers send out responses before throttling.
 *
 *   Starting in version 3, we will make leave group request into batch mode and add group.instance.id.
 *
 *   Version 4 is the first flexible version.
 *
 *   Version 5 is the same as version 4.
 */
import type { ApiSchema } from '../schema/index.js';

export interface LeaveGroupRequest {
  /** The ID of the group to leave. */
  groupId: string;
  /** (v0-2) The member ID to remove from the group. */
  memberId: string;
  /** (v3+) List of leaving member identities. */
  members: LeaveGroupRequestMemberIdentity[];
}

export interface LeaveGroupRequestMemberIdentity {
  /** (v3+) The member ID to remove from the group. */
  memberId: string;
  /** (v3+) The group instance ID to remove from the group. */
  groupInstanceId: string | null;
  /** (v5+) The reason why the member left the group. */
  reason: string | null;
}

export interface LeaveGroupResponse {
  /** (v1+) */
  throttleTimeMs?: number;
  /** The error code, or 0 if there was no error. */
  errorCode: number;
  /** (v3+) List of leaving member responses. */
  members?: readonly LeaveGroupResponseMemberResponse[];
}

export interface LeaveGroupResponseMemberResponse {
  /** (v3+) The member ID to remove from the group. */
  memberId: string;
  /** (v3+) The group instance ID to remove from the group. */
  groupInstanceId: string | null;
  /** (v3+) The error code, or 0 if there was no error. */
  errorCode: number;
}

export const LeaveGroupSchema: ApiSchema = {
  name: 'LeaveGroup',
  apiKey: 13,
  validVersions: '0-5',
  flexibleVersions: '4+',
  request: {
    fields: [
      { name: 'groupId', type: 'string', versions: '0+', about: 'The ID of the group to leave.' },
      { name: 'memberId', type: 'string', versions: '0-2', about: 'The member ID to remove from the group.' },
      {
        name: 'members',
        type: '[]MemberIdentity',
        versions: '3+',
        about: 'List of leaving member identities.',
        fields: [
          {
            name: 'memberId',
            type: 'string',
            versions: '3+',
            about: 'The member ID to remove from the group.',
          },
          {
            name: 'groupInstanceId',
            type: 'string',
            versions: '3+',
            nullableVersions: '3+',
            default: null,
            about: 'The group instance ID to remove from the group.',
          },
          {
            name: 'reason',
            type: 'string',
            versions: '5+',
            nullableVersions: '5+',
            default: null,
            ignorable: true,
            about: 'The reason why the member left the group.',
          },
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
        name: 'members',
        type: '[]MemberResponse',
        versions: '3+',
        about: 'List of leaving member responses.',
        fields: [
          {
            name: 'memberId',
            type: 'string',
            versions: '3+',
            about: 'The member ID to remove from the group.',
          },
          {
            name: 'groupInstanceId',
            type: 'string',
            versions: '3+',
            nullableVersions: '3+',
            about: 'The group instance ID to remove from the group.',
          },
          {
            name: 'errorCode',
            type: 'int16',
            versions: '3+',
            about: 'The error code, or 0 if there was no error.',
          },
        ],
      },
    ],
  },
};
