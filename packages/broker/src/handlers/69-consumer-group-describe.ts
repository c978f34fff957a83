import {
  ApiKey,
  type ConsumerGroupDescribeRequest,
  type ConsumerGroupDescribeResponse,
  type ConsumerGroupDescribeResponseAssignment,
  ErrorCode,
} from '@kilgore/protocol';
import { mayGroup } from '../acl/checks.js';
import { AclOperation } from '../acl/types.js';
import { coordinatorError } from '../chain/partition-answers.js';
import type { BrokerContext } from '../context.js';
import type { TopicPartitions } from '../groups/index.js';
import { groupOperations } from './authorized-operations.js';
import { defineHandler } from './types.js';

/** v1's MemberType: a member speaking the classic protocol inside a consumer group (a migration) is 0. */
const MEMBER_TYPE_CLASSIC = 0;
const MEMBER_TYPE_CONSUMER = 1;

function assignment(
  broker: BrokerContext,
  tp: TopicPartitions | undefined,
): ConsumerGroupDescribeResponseAssignment {
  const topicPartitions = [];
  for (const [topicName, partitions] of tp ?? []) {
    const id = broker.topics.get(topicName)?.id;
    if (id !== undefined) topicPartitions.push({ topicId: id, topicName, partitions });
  }
  return { topicPartitions };
}

/** ConsumerGroupDescribe (KIP-848): epochs, assignor, and each member's current and target assignment. */
export const consumerGroupDescribeHandler = defineHandler<
  ConsumerGroupDescribeRequest,
  ConsumerGroupDescribeResponse
>({
  apiKey: ApiKey.ConsumerGroupDescribe,
  minVersion: 0,
  maxVersion: 1,
  handle(request, info, broker) {
    const notHere = coordinatorError(broker);
    const groups = request.groupIds.map((groupId) => {
      const base = {
        groupId,
        groupState: '',
        groupEpoch: -1,
        assignmentEpoch: -1,
        assignorName: '',
        members: [],
        authorizedOperations: -2147483648,
      };
      // On a chain, only the coordinator (the head) describes groups; the client looks it up again.
      if (notHere !== ErrorCode.NONE) return { ...base, errorCode: notHere, errorMessage: null };
      if (!mayGroup(broker, info, AclOperation.DESCRIBE, groupId)) {
        return { ...base, errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED, errorMessage: null };
      }
      const g = broker.groups.consumerGroups.get(groupId);
      if (!g) {
        return {
          ...base,
          errorCode: ErrorCode.GROUP_ID_NOT_FOUND,
          errorMessage: `Group ${groupId} not found.`,
        };
      }
      const members = [...g.members.values()];
      return {
        errorCode: ErrorCode.NONE,
        errorMessage: null,
        groupId,
        groupState: broker.groups.consumerGroups.stateOf(g),
        groupEpoch: g.groupEpoch,
        assignmentEpoch: g.assignmentEpoch,
        assignorName: broker.groups.consumerGroups.assignorOf(g),
        members: members.map((m) => ({
          memberId: m.memberId,
          instanceId: m.instanceId,
          rackId: m.rackId,
          memberEpoch: m.memberEpoch,
          clientId: m.clientId,
          clientHost: m.clientHost,
          subscribedTopicNames: m.subscribedTopicNames,
          subscribedTopicRegex: m.subscribedTopicRegex,
          assignment: assignment(broker, m.assigned),
          targetAssignment: assignment(broker, g.target.get(m.memberId)),
          memberType: m.classic === null ? MEMBER_TYPE_CONSUMER : MEMBER_TYPE_CLASSIC,
        })),
        authorizedOperations: groupOperations(broker, info, groupId, request.includeAuthorizedOperations),
      };
    });
    return { throttleTimeMs: 0, groups };
  },
});
