import {
  ApiKey,
  type ConsumerGroupHeartbeatRequest,
  type ConsumerGroupHeartbeatResponse,
  ErrorCode,
} from '@kilgore/protocol';
import { mayGroup } from '../acl/checks.js';
import { AclOperation } from '../acl/types.js';
import { coordinatorError } from '../chain/partition-answers.js';
import type { BrokerContext } from '../context.js';
import type { TopicPartitions } from '../groups/index.js';
import { defineHandler } from './types.js';

function failure(errorCode: number, errorMessage: string | null = null): ConsumerGroupHeartbeatResponse {
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

/** The request's owned partitions by topic name (topics this node does not know are dropped). */
function owned(
  broker: BrokerContext,
  tps: ConsumerGroupHeartbeatRequest['topicPartitions'],
): TopicPartitions | null {
  if (tps === null) return null;
  const out: TopicPartitions = new Map();
  for (const t of tps) {
    const topic = broker.topics.byId(t.topicId);
    if (topic) out.set(topic.name, [...t.partitions]);
  }
  return out;
}

/**
 * ConsumerGroupHeartbeat (KIP-848): joins, heartbeats, reconciles and leaves a consumer-protocol
 * group in one API; the answer carries the member's epoch and its whole current assignment.
 */
export const consumerGroupHeartbeatHandler = defineHandler<
  ConsumerGroupHeartbeatRequest,
  ConsumerGroupHeartbeatResponse
>({
  apiKey: ApiKey.ConsumerGroupHeartbeat,
  minVersion: 0,
  maxVersion: 1,
  async handle(request, info, broker) {
    if (!mayGroup(broker, info, AclOperation.READ, request.groupId)) {
      return failure(ErrorCode.GROUP_AUTHORIZATION_FAILED);
    }
    const notHere = coordinatorError(broker);
    if (notHere !== ErrorCode.NONE) return failure(notHere);
    // A classic group with members: upgraded if the member is new and the policy allows it.
    if (!broker.groups.conversion.maybeUpgrade(request.groupId, request.memberEpoch)) {
      return failure(ErrorCode.GROUP_ID_NOT_FOUND, `Group ${request.groupId} is not a consumer group.`);
    }
    if (broker.share.groups.groups.has(request.groupId)) {
      return failure(ErrorCode.GROUP_ID_NOT_FOUND, `Group ${request.groupId} is not a consumer group.`);
    }
    const out = broker.groups.consumerGroups.heartbeat(
      {
        groupId: request.groupId,
        memberId: request.memberId,
        memberEpoch: request.memberEpoch,
        instanceId: request.instanceId,
        rackId: request.rackId,
        rebalanceTimeoutMs: request.rebalanceTimeoutMs,
        subscribedTopicNames: request.subscribedTopicNames,
        subscribedTopicRegex: info.apiVersion >= 1 ? request.subscribedTopicRegex : null,
        serverAssignor: request.serverAssignor,
        ownedPartitions: owned(broker, request.topicPartitions),
        clientId: info.clientId ?? '',
        clientHost: info.clientHost ?? '',
      },
      () => broker.topics.list().map((t): [string, number] => [t.name, t.partitions]),
    );
    if (out.errorCode !== ErrorCode.NONE) return failure(out.errorCode, out.errorMessage);
    // Like Kafka, the answer waits until the new state is in `__consumer_offsets`: an epoch the
    // member was told is one a restarted coordinator knows.
    try {
      await broker.groups.consumerGroupStore.persist(request.groupId);
    } catch (err) {
      broker.log.warn({ err, group: request.groupId }, 'writing consumer group state failed');
      return failure(ErrorCode.COORDINATOR_NOT_AVAILABLE, 'The group state could not be written.');
    }
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      memberId: out.memberId,
      memberEpoch: out.memberEpoch,
      heartbeatIntervalMs: broker.groups.settings.consumerHeartbeatIntervalMs,
      assignment:
        out.assignment === null
          ? null
          : {
              topicPartitions: [...out.assignment]
                .map(([name, partitions]) => ({ topicId: broker.topics.get(name)?.id, partitions }))
                .filter((t): t is { topicId: string; partitions: number[] } => t.topicId !== undefined),
            },
    };
  },
});
