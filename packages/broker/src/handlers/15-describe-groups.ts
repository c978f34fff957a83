import {
  ApiKey,
  type DescribeGroupsRequest,
  type DescribeGroupsResponse,
  type DescribeGroupsResponseDescribedGroup,
  ErrorCode,
} from '@kilgore/protocol';
import { mayGroup } from '../acl/checks.js';
import { AclOperation } from '../acl/types.js';
import { coordinatorError } from '../chain/partition-answers.js';
import { groupOperations, NOT_REQUESTED } from './authorized-operations.js';
import { defineHandler } from './types.js';

const EMPTY = Buffer.alloc(0);

/**
 * DescribeGroups. As in Kafka, member metadata and assignments are shown only once the group is
 * Stable, and an unknown group is "Dead" (v6+: GROUP_ID_NOT_FOUND). It describes classic groups
 * only: a KIP-848 consumer group or a share group is "Dead" too, with "Group X is not a classic
 * group." (Kafka 4.1's classicGroup() lookup); clients describe those with ConsumerGroupDescribe
 * and ShareGroupDescribe.
 */
export const describeGroupsHandler = defineHandler<DescribeGroupsRequest, DescribeGroupsResponse>({
  apiKey: ApiKey.DescribeGroups,
  minVersion: 0,
  maxVersion: 6,
  handle(request, info, broker) {
    const notHere = coordinatorError(broker);
    const groups = request.groups.map((groupId): DescribeGroupsResponseDescribedGroup => {
      if (notHere !== ErrorCode.NONE) {
        // On a chain, only the coordinator (the head) describes groups; the client looks it up again.
        return {
          errorCode: notHere,
          errorMessage: null,
          groupId,
          groupState: '',
          protocolType: '',
          protocolData: '',
          members: [],
          authorizedOperations: NOT_REQUESTED,
        };
      }
      if (!mayGroup(broker, info, AclOperation.DESCRIBE, groupId)) {
        return {
          errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED,
          errorMessage: info.apiVersion >= 6 ? 'Group authorization failed.' : null,
          groupId,
          groupState: '',
          protocolType: '',
          protocolData: '',
          members: [],
          authorizedOperations: NOT_REQUESTED,
        };
      }
      const g = broker.groups.coordinator.get(groupId);
      const authorizedOperations = groupOperations(
        broker,
        info,
        groupId,
        request.includeAuthorizedOperations,
      );
      // Offsets committed for a consumer group leave an empty classic record of the same id.
      const notClassic =
        broker.share.groups.groups.has(groupId) || broker.groups.consumerGroups.get(groupId) !== undefined;
      if (!g || g.state === 'Dead' || notClassic) {
        return {
          errorCode: info.apiVersion >= 6 ? ErrorCode.GROUP_ID_NOT_FOUND : ErrorCode.NONE,
          errorMessage:
            info.apiVersion >= 6
              ? notClassic
                ? `Group ${groupId} is not a classic group.`
                : `Group ${groupId} not found.`
              : null,
          groupId,
          groupState: 'Dead',
          protocolType: '',
          protocolData: '',
          members: [],
          authorizedOperations,
        };
      }
      const stable = g.state === 'Stable';
      return {
        errorCode: ErrorCode.NONE,
        errorMessage: null,
        groupId,
        groupState: g.state,
        protocolType: g.protocolType ?? '',
        protocolData: stable ? (g.protocolName ?? '') : '',
        members: [...g.members.values()].map((m) => ({
          memberId: m.memberId,
          groupInstanceId: m.groupInstanceId,
          clientId: m.clientId,
          clientHost: m.clientHost === '' ? '' : `/${m.clientHost}`,
          memberMetadata: stable ? g.metadataOf(m) : EMPTY,
          memberAssignment: stable ? m.assignment : EMPTY,
        })),
        authorizedOperations,
      };
    });
    return { throttleTimeMs: 0, groups };
  },
});
