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
 * Kafka's GroupCoordinatorService and GroupMetadataManager do: READ on the group, an id that is
 * not another kind of group's, and no members (NON_EMPTY_GROUP: offsets of a live group are not
 * moved under its consumers). `create` (AlterShareGroupOffsets) makes an unknown id a share group,
 * as Kafka does; DeleteShareGroupOffsets on an unknown id is GROUP_ID_NOT_FOUND. Null: go ahead.
 */
export function refuseShareOffsetsChange(
  broker: BrokerContext,
  info: RequestInfo,
  groupId: string,
  create: boolean,
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
    if (other || !create) {
      return {
        errorCode: ErrorCode.GROUP_ID_NOT_FOUND,
        errorMessage: `Group ${groupId} is not a share group.`,
      };
    }
    broker.share.groups.ensure(groupId);
    return null;
  }
  if (share.members.size > 0) {
    return { errorCode: ErrorCode.NON_EMPTY_GROUP, errorMessage: `Share group ${groupId} is not empty.` };
  }
  return null;
}
