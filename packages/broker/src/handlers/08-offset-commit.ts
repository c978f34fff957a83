import { ApiKey, type OffsetCommitRequest, type OffsetCommitResponse } from '@kilgore/protocol';
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
    const topics = await broker.groups.offsets.commit({
      groupId: request.groupId,
      generationId: v >= 1 ? request.generationIdOrMemberEpoch : -1,
      memberId: v >= 1 ? request.memberId : '',
      groupInstanceId: v >= 7 ? request.groupInstanceId : null,
      apiVersion: v,
      topics: request.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => ({
          partitionIndex: p.partitionIndex,
          committedOffset: p.committedOffset,
          committedLeaderEpoch: v >= 6 ? p.committedLeaderEpoch : -1,
          committedMetadata: p.committedMetadata,
        })),
      })),
    });
    return { throttleTimeMs: 0, topics };
  },
});
