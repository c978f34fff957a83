import {
  ApiKey,
  ErrorCode,
  type ShareGroupDescribeGroup,
  type ShareGroupDescribeRequest,
  type ShareGroupDescribeResponse,
} from '@kilgore/protocol';
import { mayGroup } from '../acl/checks.js';
import { AclOperation } from '../acl/types.js';
import { groupOperations, NOT_REQUESTED } from './authorized-operations.js';
import { shareGroupsRefused } from './share-on-chains.js';
import { defineHandler } from './types.js';

/** The assignor Kafka 4.1 names for share groups (every member gets every partition here). */
const ASSIGNOR = 'simple';

/** ShareGroupDescribe (KIP-932): state, epochs and each member's subscription and assignment. */
export const shareGroupDescribeHandler = defineHandler<ShareGroupDescribeRequest, ShareGroupDescribeResponse>(
  {
    apiKey: ApiKey.ShareGroupDescribe,
    minVersion: 1,
    maxVersion: 1,
    handle(request, info, broker) {
      const refused = shareGroupsRefused(broker);
      const groups = request.groupIds.map((groupId): ShareGroupDescribeGroup => {
        const base = {
          groupId,
          groupState: '',
          groupEpoch: -1,
          assignmentEpoch: -1,
          assignorName: '',
          members: [],
          authorizedOperations: NOT_REQUESTED,
        };
        if (refused) return { ...base, ...refused };
        if (!mayGroup(broker, info, AclOperation.DESCRIBE, groupId)) {
          return { ...base, errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED, errorMessage: null };
        }
        const g = broker.share.groups.groups.get(groupId);
        if (!g) {
          const other = broker.groups.consumerGroups.get(groupId) ?? broker.groups.coordinator.get(groupId);
          return {
            ...base,
            errorCode: ErrorCode.GROUP_ID_NOT_FOUND,
            errorMessage: other ? `Group ${groupId} is not a share group.` : `Group ${groupId} not found.`,
          };
        }
        return {
          errorCode: ErrorCode.NONE,
          errorMessage: null,
          groupId,
          groupState: broker.share.groups.stateOf(g),
          groupEpoch: g.groupEpoch,
          assignmentEpoch: g.groupEpoch,
          assignorName: ASSIGNOR,
          members: [...g.members.values()].map((m) => ({
            memberId: m.memberId,
            rackId: m.rackId,
            memberEpoch: m.memberEpoch,
            clientId: m.clientId,
            clientHost: m.clientHost,
            subscribedTopicNames: m.subscribedTopicNames,
            assignment: {
              topicPartitions: [...m.assignment].flatMap(([topicName, partitions]) => {
                const id = broker.topics.get(topicName)?.id;
                return id === undefined ? [] : [{ topicId: id, topicName, partitions }];
              }),
            },
          })),
          authorizedOperations: groupOperations(broker, info, groupId, request.includeAuthorizedOperations),
        };
      });
      return { throttleTimeMs: 0, groups };
    },
  },
);
