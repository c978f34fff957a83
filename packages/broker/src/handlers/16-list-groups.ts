import { ApiKey, ErrorCode, type ListGroupsRequest, type ListGroupsResponse } from '@kilgore/protocol';
import { mayCluster, mayGroup } from '../acl/checks.js';
import { AclOperation } from '../acl/types.js';
import { coordinatorError } from '../chain/partition-answers.js';
import { defineHandler } from './types.js';

/** ListGroups, with the states filter (v4+) and types filter (v5+: "classic" or "consumer", KIP-848). */
export const listGroupsHandler = defineHandler<ListGroupsRequest, ListGroupsResponse>({
  apiKey: ApiKey.ListGroups,
  minVersion: 0,
  maxVersion: 5,
  handle(request, info, broker) {
    // Each node lists the groups it coordinates (the Admin client asks every node and merges): on a
    // chain, a node that is not the coordinator has none, whatever its memory still holds.
    const notHere = coordinatorError(broker);
    if (notHere === ErrorCode.NOT_COORDINATOR)
      return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, groups: [] };
    if (notHere !== ErrorCode.NONE) return { throttleTimeMs: 0, errorCode: notHere, groups: [] };
    const states = new Set((info.apiVersion >= 4 ? request.statesFilter : []).map((s) => s.toLowerCase()));
    const types = new Set((info.apiVersion >= 5 ? request.typesFilter : []).map((s) => s.toLowerCase()));
    // Kafka: DESCRIBE on the cluster lists every group; otherwise only groups the requester may describe.
    const everyGroup = mayCluster(broker, info, AclOperation.DESCRIBE);
    const groups = [];
    const consumerGroups = broker.groups.consumerGroups;
    for (const g of broker.groups.coordinator.groups.values()) {
      if (g.state === 'Dead') continue;
      // A consumer group's offset commits may leave an empty classic record of the same id.
      if (g.members.size === 0 && consumerGroups.get(g.groupId) !== undefined) continue;
      if (states.size > 0 && !states.has(g.state.toLowerCase())) continue;
      if (types.size > 0 && !types.has('classic')) continue;
      if (!everyGroup && !mayGroup(broker, info, AclOperation.DESCRIBE, g.groupId)) continue;
      groups.push({
        groupId: g.groupId,
        protocolType: g.protocolType ?? '',
        groupState: g.state,
        groupType: 'classic',
      });
    }
    for (const g of consumerGroups.groups.values()) {
      const state = consumerGroups.stateOf(g);
      if (states.size > 0 && !states.has(state.toLowerCase())) continue;
      if (types.size > 0 && !types.has('consumer')) continue;
      if (!everyGroup && !mayGroup(broker, info, AclOperation.DESCRIBE, g.groupId)) continue;
      groups.push({ groupId: g.groupId, protocolType: 'consumer', groupState: state, groupType: 'consumer' });
    }
    const shareGroups = broker.share.groups;
    for (const g of shareGroups.groups.values()) {
      const state = shareGroups.stateOf(g);
      if (states.size > 0 && !states.has(state.toLowerCase())) continue;
      if (types.size > 0 && !types.has('share')) continue;
      if (!everyGroup && !mayGroup(broker, info, AclOperation.DESCRIBE, g.groupId)) continue;
      groups.push({ groupId: g.groupId, protocolType: 'share', groupState: state, groupType: 'share' });
    }
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, groups };
  },
});
