import { ApiKey, ErrorCode, type OffsetFetchRequest, type OffsetFetchResponse } from '@kilgore/protocol';
import { defineHandler } from './types.js';

/**
 * OffsetFetch v0-9: one group (v0-7; null topics = all, v2+) or several (v8+). A partition
 * without a committed offset answers -1.
 */
export const offsetFetchHandler = defineHandler<OffsetFetchRequest, OffsetFetchResponse>({
  apiKey: ApiKey.OffsetFetch,
  minVersion: 0,
  maxVersion: 9,
  handle(request, info, broker) {
    const offsets = broker.groups.offsets;
    if (info.apiVersion >= 8) {
      return {
        throttleTimeMs: 0,
        groups: request.groups.map((g) => ({
          groupId: g.groupId,
          errorCode: ErrorCode.NONE,
          topics: offsets.fetch(
            g.groupId,
            g.topics?.map((t) => ({ name: t.name, partitionIndexes: t.partitionIndexes })) ?? null,
          ),
        })),
      };
    }
    const topics = offsets.fetch(request.groupId, request.topics);
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, topics };
  },
});
