import { ApiKey, ErrorCode, type HeartbeatRequest, type HeartbeatResponse } from '@kilgore/protocol';
import { mayGroup } from '../acl/checks.js';
import { AclOperation } from '../acl/types.js';
import { coordinatorError } from '../chain/partition-answers.js';
import { defineHandler } from './types.js';

/** Heartbeat: keeps a member's session alive and tells it when a rebalance has begun. */
export const heartbeatHandler = defineHandler<HeartbeatRequest, HeartbeatResponse>({
  apiKey: ApiKey.Heartbeat,
  minVersion: 0,
  maxVersion: 4,
  handle(request, info, broker) {
    if (!mayGroup(broker, info, AclOperation.READ, request.groupId)) {
      return { throttleTimeMs: 0, errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED };
    }
    const notHere = coordinatorError(broker);
    if (notHere !== ErrorCode.NONE) return { throttleTimeMs: 0, errorCode: notHere };
    const instanceId = info.apiVersion >= 3 ? request.groupInstanceId : null;
    const consumerGroup = broker.groups.classicMembers.serving(request.groupId);
    return {
      throttleTimeMs: 0,
      errorCode:
        consumerGroup !== undefined
          ? broker.groups.classicMembers.heartbeat(
              consumerGroup,
              request.generationId,
              request.memberId,
              instanceId,
            )
          : broker.groups.coordinator.heartbeat(
              request.groupId,
              request.generationId,
              request.memberId,
              instanceId,
            ),
    };
  },
});
