/**
 * JoinGroup (api key 11): versions 0-9, flexible 6+.
 *
 * Transcribed from Apache Kafka's JoinGroupRequest.json and JoinGroupResponse.json.
 *
 * Request versions (Kafka's notes):
 *   Version 1 adds RebalanceTimeoutMs.
 *
 *   Version 2 and 3 are the same as version 1.
 *
 *   Starting from version 4, the client needs to issue a second request to join group
 *
 *   Starting from version 5, we add a new field called groupInstanceId to indicate member identity across restarts.
 *   with assigned id.
 *
 *   Version 6 is the first flexible version.
 *
 *   Version 7 is the same as version 6.
 *
 *   Version 8 adds the Reason field (KIP-800).
 *
 *   Version 9 is the same as version 8.
 *   Note: if RebalanceTimeoutMs is not present, SessionTimeoutMs should be
 *   used instead.  The default of -1 here is just intended as a placeholder.
 *
 * Response versions (Kafka's notes):
 *   Version 1 is the same as version 0.
 *
 *   Version 2 adds throttle time.
 *
 *   Starting in version 3, on quota violation, brokers send out responses before throttling.
 *
 *   Starting in version 4, the client needs to issue a second request to join group
 *   with assigned id.
 *
 *   Version 5 is bumped to apply group.instance.id to identify member across restarts.
 *
 *   Version 6 is the first flexible version.
 *
 *   Starting from version 7, the broker sends back the Protocol Type to the client (KIP-559).
 *
 *   Version 8 is the same as version 7.
 *
 *   Version 9 adds the SkipAssignment field.
 */
import type { ApiSchema } from '../schema/index.js';

export interface JoinGroupRequest {
  /** The group identifier. */
  groupId: string;
  /** The coordinator considers the consumer dead if it receives no heartbeat after this timeout in milliseconds. */
  sessionTimeoutMs: number;
  /** (v1+) */
  rebalanceTimeoutMs: number;
  /** The member id assigned by the group coordinator. */
  memberId: string;
  /** (v5+) The unique identifier of the consumer instance provided by end user. */
  groupInstanceId: string | null;
  /** The unique name the for class of protocols implemented by the group we want to join. */
  protocolType: string;
  /** The list of protocols that the member supports. */
  protocols: JoinGroupRequestJoinGroupRequestProtocol[];
  /** (v8+) The reason why the member (re-)joins the group. */
  reason: string | null;
}

export interface JoinGroupRequestJoinGroupRequestProtocol {
  /** The protocol name. */
  name: string;
  /** The protocol metadata. */
  metadata: Buffer;
}

export interface JoinGroupResponse {
  /** (v2+) */
  throttleTimeMs?: number;
  /** The error code, or 0 if there was no error. */
  errorCode: number;
  /** The generation ID of the group. */
  generationId: number;
  /** (v7+) The group protocol name. */
  protocolType?: string | null;
  /** (nullable v7+) The group protocol selected by the coordinator. */
  protocolName: string | null;
  /** The leader of the group. */
  leader: string;
  /** (v9+) True if the leader must skip running the assignment. */
  skipAssignment?: boolean;
  /** The member ID assigned by the group coordinator. */
  memberId: string;
  /** The group members. */
  members: readonly JoinGroupResponseJoinGroupResponseMember[];
}

export interface JoinGroupResponseJoinGroupResponseMember {
  /** The group member ID. */
  memberId: string;
  /** (v5+) The unique identifier of the consumer instance provided by end user. */
  groupInstanceId?: string | null;
  /** The group member metadata. */
  metadata: Buffer;
}

export const JoinGroupSchema: ApiSchema = {
  name: 'JoinGroup',
  apiKey: 11,
  validVersions: '0-9',
  flexibleVersions: '6+',
  request: {
    fields: [
      { name: 'groupId', type: 'string', versions: '0+', about: 'The group identifier.' },
      { name: 'sessionTimeoutMs', type: 'int32', versions: '0+' },
      { name: 'rebalanceTimeoutMs', type: 'int32', versions: '1+', default: -1, ignorable: true },
      {
        name: 'memberId',
        type: 'string',
        versions: '0+',
        about: 'The member id assigned by the group coordinator.',
      },
      { name: 'groupInstanceId', type: 'string', versions: '5+', nullableVersions: '5+', default: null },
      { name: 'protocolType', type: 'string', versions: '0+' },
      {
        name: 'protocols',
        type: '[]JoinGroupRequestProtocol',
        versions: '0+',
        about: 'The list of protocols that the member supports.',
        fields: [
          { name: 'name', type: 'string', versions: '0+', about: 'The protocol name.' },
          { name: 'metadata', type: 'bytes', versions: '0+', about: 'The protocol metadata.' },
        ],
      },
      {
        name: 'reason',
        type: 'string',
        versions: '8+',
        nullableVersions: '8+',
        default: null,
        ignorable: true,
        about: 'The reason why the member (re-)joins the group.',
      },
    ],
  },
  response: {
    fields: [
      { name: 'throttleTimeMs', type: 'int32', versions: '2+', ignorable: true },
      {
        name: 'errorCode',
        type: 'int16',
        versions: '0+',
        about: 'The error code, or 0 if there was no error.',
      },
      {
        name: 'generationId',
        type: 'int32',
        versions: '0+',
        default: -1,
        about: 'The generation ID of the group.',
      },
      {
        name: 'protocolType',
        type: 'string',
        versions: '7+',
        nullableVersions: '7+',
        default: null,
        ignorable: true,
        about: 'The group protocol name.',
      },
      {
        name: 'protocolName',
        type: 'string',
        versions: '0+',
        nullableVersions: '7+',
        about: 'The group protocol selected by the coordinator.',
      },
      { name: 'leader', type: 'string', versions: '0+', about: 'The leader of the group.' },
      {
        name: 'skipAssignment',
        type: 'bool',
        versions: '9+',
        default: false,
        about: 'True if the leader must skip running the assignment.',
      },
      {
        name: 'memberId',
        type: 'string',
        versions: '0+',
        about: 'The member ID assigned by the group coordinator.',
      },
      {
        name: 'members',
        type: '[]JoinGroupResponseMember',
        versions: '0+',
        about: 'The group members.',
        fields: [
          { name: 'memberId', type: 'string', versions: '0+', about: 'The group member ID.' },
          {
            name: 'groupInstanceId',
            type: 'string',
            versions: '5+',
            nullableVersions: '5+',
            default: null,
            ignorable: true,
          },
          { name: 'metadata', type: 'bytes', versions: '0+', about: 'The group member metadata.' },
        ],
      },
    ],
  },
};
