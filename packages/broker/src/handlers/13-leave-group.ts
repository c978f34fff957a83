import { ApiKey, ErrorCode, type LeaveGroupRequest, type LeaveGroupResponse } from '@kilgore/protocol';
import { mayGroup } from '../acl/checks.js';
import { AclOperation } from '../acl/types.js';
import { defineHandler } from './types.js';

/** LeaveGroup: one member (v0-2) or a batch of members by id or instance id (v3+, KIP-345). */
export const leaveGroupHandler = defineHandler<LeaveGroupRequest, LeaveGroupResponse>({
  apiKey: ApiKey.LeaveGroup,
  minVersion: 0,
  maxVersion: 5,
  async handle(request, info, broker) {
    const members =
      info.apiVersion >= 3
        ? request.members.map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId }))
        : [{ memberId: request.memberId, groupInstanceId: null }];
    if (!mayGroup(broker, info, AclOperation.READ, request.groupId)) {
      return { throttleTimeMs: 0, errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED, members: [] };
    }
    const consumerGroup = broker.groups.classicMembers.serving(request.groupId);
    let result: { errorCode: number; members: number[] };
    if (consumerGroup === undefined) {
      result = broker.groups.coordinator.leave(request.groupId, members);
    } else {
      // Classic members of a consumer group: the new epoch (or a downgrade) is stored first.
      result = broker.groups.classicMembers.leave(consumerGroup, members);
      try {
        await broker.groups.consumerGroupStore.persist(request.groupId);
      } catch (err) {
        broker.log.warn({ err, group: request.groupId }, 'writing consumer group state failed');
        result = { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, members: [] };
      }
    }
    if (info.apiVersion < 3) {
      return { throttleTimeMs: 0, errorCode: result.members[0] ?? result.errorCode };
    }
    return {
      throttleTimeMs: 0,
      errorCode: result.errorCode,
      members:
        result.errorCode === ErrorCode.NONE
          ? members.map((m, i) => ({ ...m, errorCode: result.members[i]! }))
          : [],
    };
  },
});
