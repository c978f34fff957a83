/**
 * DescribeGroups (api key 15): versions 0-6, flexible 5+.
 *
 * Transcribed from Apache Kafka's DescribeGroupsRequest.json and DescribeGroupsResponse.json.
 *
 * Request versions (Kafka's notes):
 *   Versions 1 and 2 are the same as version 0.
 *
 *   Starting in version 3, authorized operations can be requested.
 *
 *   Starting in version 4, the response will include group.instance.id info for members.
 *
 *   Version 5 is the first flexible version.
 *   Version 6 returns error code GROUP_ID_NOT_FOUND if the group ID is not found (KIP-1043).
 *
 * Response versions (Kafka's notes):
 *   Version 1 added throttle time.
 *
 *   Starting in version 2, on quota violation, brokers send out responses before throttling.
 *
 *   Starting in version 3, brokers can send authorized operations.
 *
 *   Starting in version 4, the response will optionally include group.instance.id info for members.
 *
 *   Version 5 is the first flexible version.
 *   ProtocolData is currently only filled in if the group state is in the Stable state.
 *   N.B. If the group is in the Dead state, the members array will always be empty.
 *   This is currently only provided if the group is in the Stable state.
 *   This is currently only provided if the group is in the Stable state.
 *   Version 6 returns error code GROUP_ID_NOT_FOUND if the group ID is not found (KIP-1043).
 *   ProtocolData is currently only filled in if the group state is in the Stable state.
 *   N.B. If the group is in the Dead state, the members array will always be empty.
 *   This is currently only provided if the group is in the Stable state.
 *   This is currently only provided if the group is in the Stable state.
 */
import type { ApiSchema } from '../schema/index.js';

export interface DescribeGroupsRequest {
  /** The names of the groups to describe. */
  groups: string[];
  /** (v3+) Whether to include authorized operations. */
  includeAuthorizedOperations: boolean;
}

export interface DescribeGroupsResponse {
  /** (v1+) */
  throttleTimeMs?: number;
  /** Each described group. */
  groups: readonly DescribeGroupsResponseDescribedGroup[];
}

export interface DescribeGroupsResponseDescribedGroup {
  /** The describe error, or 0 if there was no error. */
  errorCode: number;
  /** (v6+) The describe error message, or null if there was no error. */
  errorMessage?: string | null;
  /** The group ID string. */
  groupId: string;
  /** The group state string, or the empty string. */
  groupState: string;
  /** The group protocol type, or the empty string. */
  protocolType: string;
  /** The group protocol data, or the empty string. */
  protocolData: string;
  /** The group members. */
  members: readonly DescribeGroupsResponseDescribedGroupMember[];
  /** (v3+) 32-bit bitfield to represent authorized operations for this group. */
  authorizedOperations?: number;
}

export interface DescribeGroupsResponseDescribedGroupMember {
  /** The member id. */
  memberId: string;
  /** (v4+) The unique identifier of the consumer instance provided by end user. */
  groupInstanceId?: string | null;
  /** The client ID used in the member's latest join group request. */
  clientId: string;
  /** The client host. */
  clientHost: string;
  /** The metadata corresponding to the current group protocol in use. */
  memberMetadata: Buffer;
  /** The current assignment provided by the group leader. */
  memberAssignment: Buffer;
}

export const DescribeGroupsSchema: ApiSchema = {
  name: 'DescribeGroups',
  apiKey: 15,
  validVersions: '0-6',
  flexibleVersions: '5+',
  request: {
    fields: [
      { name: 'groups', type: '[]string', versions: '0+', about: 'The names of the groups to describe.' },
      {
        name: 'includeAuthorizedOperations',
        type: 'bool',
        versions: '3+',
        about: 'Whether to include authorized operations.',
      },
    ],
  },
  response: {
    fields: [
      { name: 'throttleTimeMs', type: 'int32', versions: '1+', ignorable: true },
      {
        name: 'groups',
        type: '[]DescribedGroup',
        versions: '0+',
        about: 'Each described group.',
        fields: [
          {
            name: 'errorCode',
            type: 'int16',
            versions: '0+',
            about: 'The describe error, or 0 if there was no error.',
          },
          {
            name: 'errorMessage',
            type: 'string',
            versions: '6+',
            nullableVersions: '6+',
            default: null,
            about: 'The describe error message, or null if there was no error.',
          },
          { name: 'groupId', type: 'string', versions: '0+', about: 'The group ID string.' },
          {
            name: 'groupState',
            type: 'string',
            versions: '0+',
            about: 'The group state string, or the empty string.',
          },
          {
            name: 'protocolType',
            type: 'string',
            versions: '0+',
            about: 'The group protocol type, or the empty string.',
          },
          {
            name: 'protocolData',
            type: 'string',
            versions: '0+',
            about: 'The group protocol data, or the empty string.',
          },
          {
            name: 'members',
            type: '[]DescribedGroupMember',
            versions: '0+',
            about: 'The group members.',
            fields: [
              { name: 'memberId', type: 'string', versions: '0+', about: 'The member id.' },
              {
                name: 'groupInstanceId',
                type: 'string',
                versions: '4+',
                nullableVersions: '4+',
                default: null,
                ignorable: true,
              },
              {
                name: 'clientId',
                type: 'string',
                versions: '0+',
                about: "The client ID used in the member's latest join group request.",
              },
              { name: 'clientHost', type: 'string', versions: '0+', about: 'The client host.' },
              {
                name: 'memberMetadata',
                type: 'bytes',
                versions: '0+',
                about: 'The metadata corresponding to the current group protocol in use.',
              },
              {
                name: 'memberAssignment',
                type: 'bytes',
                versions: '0+',
                about: 'The current assignment provided by the group leader.',
              },
            ],
          },
          { name: 'authorizedOperations', type: 'int32', versions: '3+', default: -2147483648 },
        ],
      },
    ],
  },
};
