import { ApiKey, ErrorCode, type OffsetCommitRequest, type OffsetCommitResponse } from '@kilgore/protocol';
import { mayGroup, mayTopic } from '../acl/checks.js';
import { AclOperation } from '../acl/types.js';
import { coordinatorError } from '../chain/partition-answers.js';
import { defineHandler } from './types.js';

/**
 * OffsetCommit v0-9 (v10 names topics by id). Checked against the member's generation; stored in
 * `__consumer_offsets` before the answer. v0 commits carry no generation: they are "simple".
 */
export const offsetCommitHandler = defineHandler<OffsetCommitRequest, OffsetCommitResponse>({
  apiKey: ApiKey.OffsetCommit,
  minVersion: 0,
  maxVersion: 9,
  async handle(request, info, broker) {
    const v = info.apiVersion;
    // Kafka: READ on the group, then READ on each topic; refused topics are answered, not stored.
    const refuse = (errorCode: number, list: typeof request.topics) =>
      list.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode })),
      }));
    const notHere = coordinatorError(broker);
    if (notHere !== ErrorCode.NONE) return { throttleTimeMs: 0, topics: refuse(notHere, request.topics) };
    if (!mayGroup(broker, info, AclOperation.READ, request.groupId)) {
      return { throttleTimeMs: 0, topics: refuse(ErrorCode.GROUP_AUTHORIZATION_FAILED, request.topics) };
    }
    const allowed = request.topics.filter((t) => mayTopic(broker, info, AclOperation.READ, t.name));
    const denied = refuse(
      ErrorCode.TOPIC_AUTHORIZATION_FAILED,
      request.topics.filter((t) => !allowed.includes(t)),
    );
    if (allowed.length === 0 && denied.length > 0) return { throttleTimeMs: 0, topics: denied };
    const topics = await broker.groups.offsets.commit({
      groupId: request.groupId,
      generationId: v >= 1 ? request.generationIdOrMemberEpoch : -1,
      memberId: v >= 1 ? request.memberId : '',
      groupInstanceId: v >= 7 ? request.groupInstanceId : null,
      apiVersion: v,
      topics: allowed.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => ({
          partitionIndex: p.partitionIndex,
          committedOffset: p.committedOffset,
          committedLeaderEpoch: v >= 6 ? p.committedLeaderEpoch : -1,
          committedMetadata: p.committedMetadata,
        })),
      })),
    });
    return { throttleTimeMs: 0, topics: [...topics, ...denied] };
  },
});
