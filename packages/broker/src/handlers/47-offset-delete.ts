import { ApiKey, type OffsetDeleteRequest, type OffsetDeleteResponse } from '@kilgore/protocol';
import { defineHandler } from './types.js';

/** OffsetDelete: drops committed offsets of topics the group's members no longer subscribe to. */
export const offsetDeleteHandler = defineHandler<OffsetDeleteRequest, OffsetDeleteResponse>({
  apiKey: ApiKey.OffsetDelete,
  minVersion: 0,
  maxVersion: 0,
  async handle(request, _info, broker) {
    const r = await broker.groups.offsets.deleteOffsets(request.groupId, request.topics);
    return { errorCode: r.errorCode, throttleTimeMs: 0, topics: r.topics };
  },
});
