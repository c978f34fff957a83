import { ApiKey, type DeleteGroupsRequest, type DeleteGroupsResponse, ErrorCode } from '@kilgore/protocol';
import { mayGroup } from '../acl/checks.js';
import { AclOperation } from '../acl/types.js';
import { coordinatorError } from '../chain/partition-answers.js';
import { defineHandler } from './types.js';

/** DeleteGroups: empty groups only (NON_EMPTY_GROUP otherwise); their offsets (or share state) go too. */
export const deleteGroupsHandler = defineHandler<DeleteGroupsRequest, DeleteGroupsResponse>({
  apiKey: ApiKey.DeleteGroups,
  minVersion: 0,
  maxVersion: 2,
  async handle(request, info, broker) {
    const results = [];
    // On a chain, only the coordinator (the head) deletes: another node's memory may be stale.
    const notHere = coordinatorError(broker);
    for (const groupId of request.groupsNames) {
      if (notHere !== ErrorCode.NONE) {
        results.push({ groupId, errorCode: notHere });
        continue;
      }
      if (!mayGroup(broker, info, AclOperation.DELETE, groupId)) {
        results.push({ groupId, errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED });
        continue;
      }
      if (broker.share.groups.groups.has(groupId)) {
        // A share group: its share-partition state goes with it, once it has no members.
        const deleted = broker.share.deleteGroup(groupId);
        await broker.share.persist();
        results.push({ groupId, errorCode: deleted ? ErrorCode.NONE : ErrorCode.NON_EMPTY_GROUP });
        continue;
      }
      results.push({ groupId, errorCode: await broker.groups.offsets.deleteGroup(groupId) });
    }
    return { throttleTimeMs: 0, results };
  },
});
