/**
 * Authorized-operations bitfields (KIP-430): bit `op` (Kafka's AclOperation code) set for each
 * operation of the resource the requester may perform. With the authorizer off every operation
 * of the resource type is allowed.
 */
import type { Requester } from '../acl/authorizer.js';
import { AclOperation, CLUSTER_RESOURCE, ResourceType } from '../acl/types.js';
import type { BrokerContext } from '../context.js';

/** Kafka's "not requested" marker. */
export const NOT_REQUESTED = -2147483648;

/** READ, WRITE, CREATE, DELETE, ALTER, DESCRIBE, DESCRIBE_CONFIGS, ALTER_CONFIGS. */
export const ALL_TOPIC_OPERATIONS = bits(3, 4, 5, 6, 7, 8, 10, 11);

/** CREATE, ALTER, DESCRIBE, CLUSTER_ACTION, DESCRIBE_CONFIGS, ALTER_CONFIGS, IDEMPOTENT_WRITE. */
export const ALL_CLUSTER_OPERATIONS = bits(5, 7, 8, 9, 10, 11, 12);

function bits(...ops: number[]): number {
  return ops.reduce((acc, op) => acc | (1 << op), 0);
}

/** READ, DELETE, DESCRIBE. */
export const ALL_GROUP_OPERATIONS = bits(3, 6, 8);

type Broker = Pick<BrokerContext, 'authorizer'>;

/** A topic's bitfield, or NOT_REQUESTED when the request did not ask. */
export function topicOperations(broker: Broker, who: Requester, topic: string, requested: boolean): number {
  if (!requested) return NOT_REQUESTED;
  if (!broker.authorizer.enabled) return ALL_TOPIC_OPERATIONS;
  return broker.authorizer.authorizedOperations(who, ResourceType.TOPIC, topic);
}

/** A group's bitfield, or NOT_REQUESTED when the request did not ask. */
export function groupOperations(broker: Broker, who: Requester, groupId: string, requested: boolean): number {
  if (!requested) return NOT_REQUESTED;
  if (!broker.authorizer.enabled) return ALL_GROUP_OPERATIONS;
  return broker.authorizer.authorizedOperations(who, ResourceType.GROUP, groupId);
}

/**
 * The cluster's bitfield, or NOT_REQUESTED when the request did not ask. As in Kafka, a requester
 * without DESCRIBE on the cluster learns nothing: 0.
 */
export function clusterOperations(broker: Broker, who: Requester, requested: boolean): number {
  if (!requested) return NOT_REQUESTED;
  const a = broker.authorizer;
  if (!a.enabled) return ALL_CLUSTER_OPERATIONS;
  if (!a.authorize(who, AclOperation.DESCRIBE, ResourceType.CLUSTER, CLUSTER_RESOURCE)) return 0;
  return a.authorizedOperations(who, ResourceType.CLUSTER, CLUSTER_RESOURCE);
}
