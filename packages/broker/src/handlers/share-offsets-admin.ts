import { ErrorCode } from '@kilgore/protocol';
import { mayGroup } from '../acl/checks.js';
import { AclOperation } from '../acl/types.js';
import type { BrokerContext } from '../context.js';
import { shareGroupsRefused } from './share-on-chains.js';
import type { RequestInfo } from './types.js';

export interface GroupRefusal {
  errorCode: number;
  errorMessage: string | null;
}

/**
 * What AlterShareGroupOffsets and DeleteShareGroupOffsets check before touching a group, as
 * Kafka 4.1's GroupCoordinatorShard does: READ on the group, a share group that exists (an unknown
 * id or another kind of group is GROUP_ID_NOT_FOUND) and has no members (NON_EMPTY_GROUP: offsets
 * of a live group are not moved under its consumers). Null: go ahead.
 */
export function refuseShareOffsetsChange(
  broker: BrokerContext,
  info: RequestInfo,
  groupId: string,
): GroupRefusal | null {
  const refused = shareGroupsRefused(broker);
  if (refused) return refused;
  if (!mayGroup(broker, info, AclOperation.READ, groupId)) {
    return { errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED, errorMessage: 'Group authorization failed.' };
  }
  if (groupId === '')
    return { errorCode: ErrorCode.INVALID_GROUP_ID, errorMessage: 'GroupId can not be empty.' };
  const share = broker.share.groups.groups.get(groupId);
  if (share === undefined) {
    const classic = broker.groups.coordinator.get(groupId);
    const other =
      (classic !== undefined && classic.members.size > 0) || broker.groups.consumerGroups.get(groupId);
    return {
      errorCode: ErrorCode.GROUP_ID_NOT_FOUND,
      errorMessage: other ? `Group ${groupId} is not a share group.` : `Share group ${groupId} not found.`,
    };
  }
  if (share.members.size > 0)
    return { errorCode: ErrorCode.NON_EMPTY_GROUP, errorMessage: 'The group is not empty.' };
  return null;
}
