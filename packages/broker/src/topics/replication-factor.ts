/**
 * The replication factor of a new topic. One node: 1, the only factor it can serve. Chains: R
 * means each partition lives on the first R members of its chain (the head and the next R-1);
 * undefined means the whole chain, Kilgore's default (`default.replication.factor=-1`), where
 * Kafka's default is 1. R may not exceed the shortest chain: a membership change can place any
 * partition on any chain.
 */
import { ErrorCode } from '@kilgore/protocol';
import type { BrokerContext } from '../context.js';
import { TopicError } from './registry.js';

/** What a request's replication factor (-1: the broker's default) makes of a new topic. */
export function replicationFactorFor(requested: number, broker: BrokerContext): number | undefined {
  const r = requested === -1 ? broker.config.defaultReplicationFactor : requested;
  if (r === -1) return undefined;
  if (!Number.isInteger(r) || r < 1) {
    throw new TopicError(
      ErrorCode.INVALID_REPLICATION_FACTOR,
      'Replication factor must be larger than 0, or -1 to use the default value.',
    );
  }
  const chain = broker.chain;
  if (chain === undefined) {
    if (r === 1) return undefined;
    throw new TopicError(
      ErrorCode.INVALID_REPLICATION_FACTOR,
      `Unable to replicate the partition ${r} time(s): The target replication factor of ${r} cannot be reached because only 1 broker(s) are registered.`,
    );
  }
  const shortest = chain.shortestChain();
  if (r > shortest) {
    throw new TopicError(
      ErrorCode.INVALID_REPLICATION_FACTOR,
      `Unable to replicate the partition ${r} time(s): the shortest chain has ${shortest} member(s). A partition lives on the head of its chain and the next R-1 members, so R can be at most ${shortest}.`,
    );
  }
  return r;
}

/** The factor a topic with `r` (undefined: the whole chain) is served with, as CreateTopics reports it. */
export function servedReplicationFactor(broker: BrokerContext, topic: string, r: number | undefined): number {
  return r ?? broker.chain?.placement(topic, 0).replicas.length ?? 1;
}

/**
 * CreateTopics/CreatePartitions with explicit replica assignments: Kilgore places partitions on
 * chains by hashing, so an assignment is accepted when it is what that placement serves: for
 * each partition, the first R members of the chain that owns it, head first, with one R for the
 * whole topic. Returns that R (one node: undefined, after checking every partition names it).
 */
export function replicationFactorOfAssignment(
  broker: BrokerContext,
  topic: string,
  assignments: ReadonlyArray<{ partition: number; brokerIds: readonly number[] }>,
  current?: number,
): number | undefined {
  const chain = broker.chain;
  if (chain === undefined) {
    for (const a of assignments) {
      if (a.brokerIds.length !== 1 || a.brokerIds[0] !== broker.nodeId) {
        throw new TopicError(
          ErrorCode.INVALID_REPLICA_ASSIGNMENT,
          `Partition ${a.partition} must be assigned to broker ${broker.nodeId} only, the one node of this cluster.`,
        );
      }
    }
    return undefined;
  }
  let r = current;
  for (const a of assignments) {
    const members = chain.replicator.chainFor(topic, a.partition)?.members.map((m) => m.nodeId) ?? [];
    const k = a.brokerIds.length;
    const served = members.slice(0, k);
    const fits = k >= 1 && k <= members.length && served.every((id, i) => a.brokerIds[i] === id);
    if (!fits || (r !== undefined && k !== r)) {
      throw new TopicError(
        ErrorCode.INVALID_REPLICA_ASSIGNMENT,
        `Partition ${a.partition} of ${topic} is placed on the chain [${members.join(', ')}] (by hashing, not by assignment), ` +
          `so its replicas can only be the first R of those members, head first${r === undefined ? '' : ` with R = ${r}`}: ` +
          `[${members.slice(0, r ?? Math.max(1, k)).join(', ')}], not [${a.brokerIds.join(', ')}]. Give a replication factor instead of an assignment, or move partitions with AlterPartitionReassignments.`,
      );
    }
    r = k;
  }
  return r;
}
