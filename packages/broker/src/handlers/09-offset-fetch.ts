import { ApiKey, ErrorCode, type OffsetFetchRequest, type OffsetFetchResponse } from '@kilgore/protocol';
import { mayGroup, mayTopic } from '../acl/checks.js';
import { AclOperation } from '../acl/types.js';
import { coordinatorError } from '../chain/partition-answers.js';
import type { BrokerContext } from '../context.js';
import { checkConsumerGroupFetch } from '../groups/index.js';
import type { FetchedOffset } from '../groups/offsets.js';
import { defineHandler } from './types.js';

/**
 * OffsetFetch v0-9: one group (v0-7; null topics = all, v2+) or several (v8+). A partition
 * without a committed offset answers -1. v9 names the KIP-848 member asking (checked as Kafka does).
 */
export const offsetFetchHandler = defineHandler<OffsetFetchRequest, OffsetFetchResponse>({
  apiKey: ApiKey.OffsetFetch,
  minVersion: 0,
  maxVersion: 9,
  handle(request, info, broker) {
    // Kafka: DESCRIBE on the group; partitions of topics without DESCRIBE answer
    // TOPIC_AUTHORIZATION_FAILED, and are left out when the request asks for every topic.
    const groupAllowed = (groupId: string) => mayGroup(broker, info, AclOperation.DESCRIBE, groupId);
    const fetch = (groupId: string, topics: readonly { name: string; partitionIndexes: number[] }[] | null) =>
      broker.groups.offsets
        .fetch(groupId, topics)
        .filter((t) => topics !== null || mayTopic(broker, info, AclOperation.DESCRIBE, t.name))
        .map((t) =>
          mayTopic(broker, info, AclOperation.DESCRIBE, t.name)
            ? t
            : {
                name: t.name,
                partitions: t.partitions.map((p) =>
                  denied(p.partitionIndex, ErrorCode.TOPIC_AUTHORIZATION_FAILED),
                ),
              },
        );
    // Under chain replication: only at the coordinator, once it has loaded the offsets (v2+ carry
    // a top-level error; v0-1 clients only ever ask the coordinator they found).
    const notHere = coordinatorError(broker);
    if (notHere !== ErrorCode.NONE && info.apiVersion >= 2) {
      if (info.apiVersion >= 8) {
        return {
          throttleTimeMs: 0,
          groups: request.groups.map((g) => ({ groupId: g.groupId, errorCode: notHere, topics: [] })),
        };
      }
      return { throttleTimeMs: 0, errorCode: notHere, topics: [] };
    }
    if (info.apiVersion >= 8) {
      return {
        throttleTimeMs: 0,
        groups: request.groups.map((g) => {
          const errorCode = groupAllowed(g.groupId)
            ? info.apiVersion >= 9
              ? memberError(broker, g.groupId, g.memberId, g.memberEpoch)
              : ErrorCode.NONE
            : ErrorCode.GROUP_AUTHORIZATION_FAILED;
          return {
            groupId: g.groupId,
            errorCode,
            topics:
              errorCode !== ErrorCode.NONE
                ? []
                : fetch(
                    g.groupId,
                    g.topics?.map((t) => ({ name: t.name, partitionIndexes: t.partitionIndexes })) ?? null,
                  ),
          };
        }),
      };
    }
    if (!groupAllowed(request.groupId)) {
      // v0-1 have no top-level error: every asked partition carries it.
      const topics = (request.topics ?? []).map((t) => ({
        name: t.name,
        partitions: t.partitionIndexes.map((p) => denied(p, ErrorCode.GROUP_AUTHORIZATION_FAILED)),
      }));
      return { throttleTimeMs: 0, errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED, topics };
    }
    const topics = fetch(request.groupId, request.topics);
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, topics };
  },
});

/**
 * OffsetFetch v9+ from a member of a KIP-848 group must carry its current epoch (an admin sends no
 * member id); classic groups check nothing here, as in Kafka.
 */
function memberError(
  broker: BrokerContext,
  groupId: string,
  memberId: string | null,
  memberEpoch: number,
): number {
  const group = broker.groups.consumerGroups.get(groupId);
  if (group === undefined) return ErrorCode.NONE;
  return checkConsumerGroupFetch(group, memberId, memberEpoch).errorCode;
}

function denied(partitionIndex: number, errorCode: number): FetchedOffset {
  return { partitionIndex, committedOffset: -1n, committedLeaderEpoch: -1, metadata: '', errorCode };
}
