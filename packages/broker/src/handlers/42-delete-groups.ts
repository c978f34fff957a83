import { ApiKey, type DeleteGroupsRequest, type DeleteGroupsResponse } from '@kilgore/protocol';
import { defineHandler } from './types.js';

/** DeleteGroups: empty groups only (NON_EMPTY_GROUP otherwise); their offsets go too. */
export const deleteGroupsHandler = defineHandler<DeleteGroupsRequest, DeleteGroupsResponse>({
  apiKey: ApiKey.DeleteGroups,
  minVersion: 0,
  maxVersion: 2,
  async handle(request, _info, broker) {
    const results = [];
    for (const groupId of request.groupsNames) {
      results.push({ groupId, errorCode: await broker.groups.offsets.deleteGroup(groupId) });
    }
    return { throttleTimeMs: 0, results };
  },
});
