import { ApiKey, type HeartbeatRequest, type HeartbeatResponse } from '@kilgore/protocol';
import { defineHandler } from './types.js';

/** Heartbeat: keeps a member's session alive and tells it when a rebalance has begun. */
export const heartbeatHandler = defineHandler<HeartbeatRequest, HeartbeatResponse>({
  apiKey: ApiKey.Heartbeat,
  minVersion: 0,
  maxVersion: 4,
  handle(request, info, broker) {
    return {
      throttleTimeMs: 0,
      errorCode: broker.groups.coordinator.heartbeat(
        request.groupId,
        request.generationId,
        request.memberId,
        info.apiVersion >= 3 ? request.groupInstanceId : null,
      ),
    };
  },
});
