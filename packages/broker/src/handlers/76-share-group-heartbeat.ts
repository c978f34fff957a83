import {
  ApiKey,
  ErrorCode,
  type ShareGroupHeartbeatRequest,
  type ShareGroupHeartbeatResponse,
} from '@kilgore/protocol';
import { mayGroup } from '../acl/checks.js';
import { AclOperation } from '../acl/types.js';
import { shareGroupsRefused } from './share-on-chains.js';
import { defineHandler } from './types.js';

function failure(errorCode: number, errorMessage: string | null = null): ShareGroupHeartbeatResponse {
  return {
    throttleTimeMs: 0,
    errorCode,
    errorMessage,
    memberId: null,
    memberEpoch: -1,
    heartbeatIntervalMs: 0,
    assignment: null,
  };
}

/**
 * ShareGroupHeartbeat (KIP-932): joins (epoch 0), heartbeats and leaves (epoch -1) a share group.
 * The member id is the client's own (KIP-1082). An id already used by a classic or KIP-848 group
 * is refused, as Kafka refuses mixing group types.
 */
export const shareGroupHeartbeatHandler = defineHandler<
  ShareGroupHeartbeatRequest,
  ShareGroupHeartbeatResponse
>({
  apiKey: ApiKey.ShareGroupHeartbeat,
  minVersion: 1,
  maxVersion: 1,
  handle(request, info, broker) {
    const refused = shareGroupsRefused(broker);
    if (refused) return failure(refused.errorCode, refused.errorMessage);
    if (!mayGroup(broker, info, AclOperation.READ, request.groupId)) {
      return failure(ErrorCode.GROUP_AUTHORIZATION_FAILED);
    }
    if (request.groupId === '') return failure(ErrorCode.INVALID_REQUEST, 'GroupId can not be empty.');
    const classic = broker.groups.coordinator.get(request.groupId);
    if (
      (classic !== undefined && classic.members.size > 0) ||
      broker.groups.consumerGroups.get(request.groupId)
    ) {
      return failure(ErrorCode.GROUP_ID_NOT_FOUND, `Group ${request.groupId} is not a share group.`);
    }
    const out = broker.share.groups.heartbeat(
      {
        groupId: request.groupId,
        memberId: request.memberId,
        memberEpoch: request.memberEpoch,
        rackId: request.rackId,
        subscribedTopicNames: request.subscribedTopicNames,
        clientId: info.clientId ?? '',
        clientHost: info.clientHost ?? '',
      },
      () => broker.topics.list().map((t): [string, number] => [t.name, t.partitions]),
    );
    if (out.errorCode !== ErrorCode.NONE) return failure(out.errorCode, out.errorMessage);
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      memberId: request.memberId,
      memberEpoch: out.memberEpoch,
      heartbeatIntervalMs: broker.share.settings.heartbeatIntervalMs,
      assignment:
        out.assignment === null
          ? null
          : {
              topicPartitions: [...out.assignment].flatMap(([name, partitions]) => {
                const id = broker.topics.get(name)?.id;
                return id === undefined ? [] : [{ topicId: id, partitions }];
              }),
            },
    };
  },
});
