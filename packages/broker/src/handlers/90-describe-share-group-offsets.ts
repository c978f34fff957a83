import {
  ApiKey,
  type DescribeShareGroupOffsetsGroup,
  type DescribeShareGroupOffsetsPartition,
  type DescribeShareGroupOffsetsRequest,
  type DescribeShareGroupOffsetsResponse,
  ErrorCode,
  ZERO_UUID,
} from '@kilgore/protocol';
import { mayGroup, mayTopic } from '../acl/checks.js';
import { AclOperation } from '../acl/types.js';
import { leaderEpochOf } from '../chain/partition-answers.js';
import type { BrokerContext } from '../context.js';
import { shareGroupsRefused } from './share-on-chains.js';
import type { RequestInfo } from './types.js';
import { defineHandler } from './types.js';

/** A share-partition with no state yet (never fetched) has no start offset. */
const NO_OFFSET = -1n;

/**
 * DescribeShareGroupOffsets (KIP-932): each partition's share-partition start offset, what
 * `kafka-share-groups --describe` shows. No topic list: every partition the group has state for.
 */
export const describeShareGroupOffsetsHandler = defineHandler<
  DescribeShareGroupOffsetsRequest,
  DescribeShareGroupOffsetsResponse
>({
  apiKey: ApiKey.DescribeShareGroupOffsets,
  minVersion: 0,
  maxVersion: 0,
  handle(request, info, broker) {
    const refused = shareGroupsRefused(broker);
    const groups = request.groups.map((g): DescribeShareGroupOffsetsGroup => {
      const fail = (errorCode: number, errorMessage: string | null) => ({
        groupId: g.groupId,
        topics: [],
        errorCode,
        errorMessage,
      });
      if (refused) return fail(refused.errorCode, refused.errorMessage);
      if (!mayGroup(broker, info, AclOperation.DESCRIBE, g.groupId)) {
        return fail(ErrorCode.GROUP_AUTHORIZATION_FAILED, 'Group authorization failed.');
      }
      if (!broker.share.groups.groups.has(g.groupId)) {
        return fail(ErrorCode.GROUP_ID_NOT_FOUND, `Group ${g.groupId} is not a share group.`);
      }
      return {
        groupId: g.groupId,
        topics: describeTopics(broker, info, g.groupId, g.topics),
        errorCode: 0,
        errorMessage: null,
      };
    });
    return { throttleTimeMs: 0, groups };
  },
});

function describeTopics(
  broker: BrokerContext,
  info: RequestInfo,
  groupId: string,
  wanted: { topicName: string; partitions: number[] }[] | null,
): DescribeShareGroupOffsetsGroup['topics'] {
  const known = new Map<string, number>();
  for (const p of broker.share.partitionsOf(groupId)) {
    if (p.state.initialised) known.set(`${p.topic}\0${p.partition}`, p.state.startOffset);
  }
  const asked =
    wanted ??
    [...new Set(broker.share.partitionsOf(groupId).map((p) => p.topic))].sort().map((topicName) => ({
      topicName,
      partitions: broker.share
        .partitionsOf(groupId)
        .filter((p) => p.topic === topicName)
        .map((p) => p.partition)
        .sort((a, b) => a - b),
    }));
  return asked.flatMap((t) => {
    const topic = broker.topics.get(t.topicName);
    // Kafka leaves out topics the requester may not describe.
    if (topic && !mayTopic(broker, info, AclOperation.DESCRIBE, t.topicName)) return [];
    const partitions = t.partitions.map((p): DescribeShareGroupOffsetsPartition => {
      const ok = topic !== undefined && p >= 0 && p < topic.partitions;
      return {
        partitionIndex: p,
        startOffset: BigInt(known.get(`${t.topicName}\0${p}`) ?? NO_OFFSET),
        leaderEpoch: ok ? leaderEpochOf(broker, t.topicName, p) : -1,
        errorCode: ok ? ErrorCode.NONE : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
        errorMessage: ok ? null : 'This server does not host this topic-partition.',
      };
    });
    return [{ topicName: t.topicName, topicId: topic?.id ?? ZERO_UUID, partitions }];
  });
}
