import { ErrorCode } from '@kilgore/protocol';
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

/** DescribeConfigs/AlterConfigs resource types (not the ACL ones): TOPIC 2, BROKER 4, BROKER_LOGGER 8. */
const CONFIG_TOPIC = 2;
const CONFIG_BROKER = 4;
const CONFIG_BROKER_LOGGER = 8;

/**
 * The error a config request on a resource gets for `op` (DESCRIBE_CONFIGS or ALTER_CONFIGS), or
 * 0: topics are checked on the topic, brokers and their loggers on the cluster, as in Kafka.
 */
export function configAccessError(
  broker: Broker,
  who: Requester,
  op: number,
  resourceType: number,
  name: string,
): number {
  if (resourceType === CONFIG_TOPIC) {
    return mayTopic(broker, who, op, name) ? ErrorCode.NONE : ErrorCode.TOPIC_AUTHORIZATION_FAILED;
  }
  if (resourceType === CONFIG_BROKER || resourceType === CONFIG_BROKER_LOGGER) {
    return mayCluster(broker, who, op) ? ErrorCode.NONE : ErrorCode.CLUSTER_AUTHORIZATION_FAILED;
  }
  return ErrorCode.NONE;
}
