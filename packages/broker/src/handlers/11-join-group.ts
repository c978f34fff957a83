import { ApiKey, ErrorCode, type JoinGroupRequest, type JoinGroupResponse } from '@kilgore/protocol';
import { mayGroup } from '../acl/checks.js';
import { AclOperation } from '../acl/types.js';
import { coordinatorError } from '../chain/partition-answers.js';
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
    if (!mayGroup(broker, info, AclOperation.READ, request.groupId)) {
      return shape(DENIED, info.apiVersion);
    }
    const notHere = coordinatorError(broker);
    if (notHere !== ErrorCode.NONE) return shape({ ...DENIED, errorCode: notHere }, info.apiVersion);
    // Kafka: a classic member cannot join a share group of the same id.
    if (broker.share.groups.groups.has(request.groupId)) {
      return shape({ ...DENIED, errorCode: ErrorCode.INCONSISTENT_GROUP_PROTOCOL }, info.apiVersion);
    }
    const req = {
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
    };
    const groups = broker.groups;
    const consumerGroup = groups.classicMembers.serving(request.groupId);
    if (consumerGroup !== undefined) {
      // A classic member of a consumer group (a migration under way): answered once stored.
      const r = groups.classicMembers.join(consumerGroup, req);
      if (r.errorCode === ErrorCode.NONE) {
        try {
          await groups.consumerGroupStore.persist(request.groupId);
        } catch (err) {
          broker.log.warn({ err, group: request.groupId }, 'writing consumer group state failed');
          return shape({ ...DENIED, errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE }, info.apiVersion);
        }
      }
      return shape(r, info.apiVersion);
    }
    await groups.dropEmptyConsumerGroup(request.groupId);
    return shape(await groups.coordinator.join(req), info.apiVersion);
  },
});

const DENIED: JoinResult = {
  errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED,
  generationId: -1,
  protocolType: null,
  protocolName: null,
  leader: '',
  skipAssignment: false,
  memberId: '',
  members: [],
};

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
