import type { BrokerContext } from '../context.js';
import type { Requester } from './authorizer.js';
import { CLUSTER_RESOURCE, ResourceType } from './types.js';

/**
 * One-line checks for handlers. Each is a plain `true` with the authorizer off, so handlers call
 * them unconditionally; `op` is an AclOperation code.
 */
type Broker = Pick<BrokerContext, 'authorizer'>;

export function mayTopic(broker: Broker, who: Requester, op: number, topic: string): boolean {
  return broker.authorizer.authorize(who, op, ResourceType.TOPIC, topic);
}

export function mayGroup(broker: Broker, who: Requester, op: number, groupId: string): boolean {
  return broker.authorizer.authorize(who, op, ResourceType.GROUP, groupId);
}

export function mayCluster(broker: Broker, who: Requester, op: number): boolean {
  return broker.authorizer.authorize(who, op, ResourceType.CLUSTER, CLUSTER_RESOURCE);
}

export function mayTransactionalId(broker: Broker, who: Requester, op: number, id: string): boolean {
  return broker.authorizer.authorize(who, op, ResourceType.TRANSACTIONAL_ID, id);
}
