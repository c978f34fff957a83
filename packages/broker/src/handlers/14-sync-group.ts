import { ApiKey, ErrorCode, type SyncGroupRequest, type SyncGroupResponse } from '@kilgore/protocol';
import { mayGroup } from '../acl/checks.js';
import { AclOperation } from '../acl/types.js';
import { coordinatorError } from '../chain/partition-answers.js';
import { defineHandler } from './types.js';

/** SyncGroup: the leader hands in the assignment; every member waits for its own share. */
export const syncGroupHandler = defineHandler<SyncGroupRequest, SyncGroupResponse>({
  apiKey: ApiKey.SyncGroup,
  minVersion: 0,
  maxVersion: 5,
  async handle(request, info, broker) {
    if (!mayGroup(broker, info, AclOperation.READ, request.groupId)) {
      return {
        throttleTimeMs: 0,
        errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED,
        protocolType: null,
        protocolName: null,
        assignment: Buffer.alloc(0),
      };
    }
    const notHere = coordinatorError(broker);
    if (notHere !== ErrorCode.NONE) {
      return {
        throttleTimeMs: 0,
        errorCode: notHere,
        protocolType: null,
        protocolName: null,
        assignment: Buffer.alloc(0),
      };
    }
    const req = {
      groupId: request.groupId,
      generationId: request.generationId,
      memberId: request.memberId,
      groupInstanceId: info.apiVersion >= 3 ? request.groupInstanceId : null,
      protocolType: info.apiVersion >= 5 ? request.protocolType : null,
      protocolName: info.apiVersion >= 5 ? request.protocolName : null,
      assignments: request.assignments,
    };
    const consumerGroup = broker.groups.classicMembers.serving(request.groupId);
    const r =
      consumerGroup !== undefined
        ? broker.groups.classicMembers.sync(consumerGroup, req)
        : await broker.groups.coordinator.sync(req);
    return {
      throttleTimeMs: 0,
      errorCode: r.errorCode,
      protocolType: r.protocolType,
      protocolName: r.protocolName,
      assignment: r.assignment,
    };
  },
});
