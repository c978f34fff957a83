import { ApiKey, type JoinGroupRequest, type JoinGroupResponse } from '@kilgore/protocol';
import type { JoinResult } from '../groups/group.js';
import { defineHandler } from './types.js';

/**
 * JoinGroup (classic protocol). The answer waits until the group's join phase ends; from v4 a
 * dynamic member's first join is answered MEMBER_ID_REQUIRED with its id (KIP-394).
 */
export const joinGroupHandler = defineHandler<JoinGroupRequest, JoinGroupResponse>({
  apiKey: ApiKey.JoinGroup,
  minVersion: 0,
  maxVersion: 9,
  async handle(request, info, broker) {
    const result = await broker.groups.coordinator.join({
      groupId: request.groupId,
      memberId: request.memberId,
      groupInstanceId: info.apiVersion >= 5 ? request.groupInstanceId : null,
      sessionTimeoutMs: request.sessionTimeoutMs,
      rebalanceTimeoutMs: info.apiVersion >= 1 ? request.rebalanceTimeoutMs : -1,
      protocolType: request.protocolType,
      protocols: request.protocols,
      clientId: info.clientId ?? '',
      clientHost: info.clientHost ?? '',
      requireKnownMemberId: info.apiVersion >= 4 && request.groupInstanceId === null,
    });
    return shape(result, info.apiVersion);
  },
});

function shape(r: JoinResult, version: number): JoinGroupResponse {
  return {
    throttleTimeMs: 0,
    errorCode: r.errorCode,
    generationId: r.generationId,
    protocolType: r.protocolType,
    // Nullable only from v7; older clients get the empty string.
    protocolName: r.protocolName ?? (version >= 7 ? null : ''),
    leader: r.leader,
    skipAssignment: r.skipAssignment,
    memberId: r.memberId,
    members: r.members,
  };
}
