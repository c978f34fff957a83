/**
 * What the client-facing handlers say about a partition when the node is part of a chain (and
 * what a single node says, so handlers ask one place).
 */
import { ErrorCode } from '@kilgore/protocol';
import type { BrokerContext } from '../context.js';
import type { PartitionLogView } from '../logs/partition-log.js';

/** One stable leader epoch on a single node; the chain epoch under replication. */
export const SINGLE_NODE_LEADER_EPOCH = 0;

/**
 * A partition's leader epoch. One node keeps the newest epoch its log holds (0 for a new log):
 * a partition directory migrated from Kafka may carry batches of epoch 2, and epochs in a log
 * must never go down.
 */
export function leaderEpochOf(broker: BrokerContext, topic: string, partition: number): number {
  if (broker.chain) return broker.chain.placement(topic, partition).epoch;
  return singleNodeEpoch(broker.logs.get(topic, partition));
}

export function singleNodeEpoch(log: { latestEpoch?: number } | undefined): number {
  return Math.max(SINGLE_NODE_LEADER_EPOCH, log?.latestEpoch ?? SINGLE_NODE_LEADER_EPOCH);
}

/** The topic's `min.insync.replicas`, else the broker's (Kafka's precedence). */
export function minInsyncReplicas(broker: BrokerContext, topic: string): number {
  const override = broker.topicConfigs.get(topic).get('min.insync.replicas');
  const n = override === undefined ? Number.NaN : Number(override);
  return Number.isInteger(n) && n > 0 ? n : (broker.config.chain?.minInsyncReplicas ?? 1);
}

/** Leader, replicas and ISR of a partition for Metadata. */
export function partitionReplicas(
  broker: BrokerContext,
  topic: string,
  partition: number,
): { leader: number; replicas: number[]; epoch: number } {
  if (!broker.chain)
    return {
      leader: broker.nodeId,
      replicas: [broker.nodeId],
      epoch: leaderEpochOf(broker, topic, partition),
    };
  return broker.chain.placement(topic, partition);
}

/**
 * OffsetForLeaderEpoch for one partition: from the log's leader-epoch cache. The current epoch
 * (which may have no batch yet: a head opens an epoch before its first write) ends at the log end,
 * as does any epoch between the newest cached one and it; a newer one is unknown (-1, -1).
 */
export function epochEndOffset(
  broker: BrokerContext,
  topic: string,
  partition: number,
  log: PartitionLogView,
  requested: number,
): { leaderEpoch: number; endOffset: number } {
  const current = leaderEpochOf(broker, topic, partition);
  if (requested > current || requested < 0) return { leaderEpoch: -1, endOffset: -1 };
  if (requested === current) return { leaderEpoch: current, endOffset: log.logEndOffset };
  if (log.endOffsetForEpoch === undefined) return { leaderEpoch: -1, endOffset: -1 };
  const latest = log.latestEpoch ?? -1;
  if (latest >= 0 && requested >= latest) return { leaderEpoch: latest, endOffset: log.logEndOffset };
  const r = log.endOffsetForEpoch(requested);
  return { leaderEpoch: r.epoch, endOffset: r.endOffset };
}

/**
 * Under chain replication only the head of the chain owning `__consumer_offsets` coordinates
 * groups: elsewhere group requests get NOT_COORDINATOR (clients look the coordinator up again),
 * and at a new coordinator COORDINATOR_LOAD_IN_PROGRESS until it has read the committed offsets
 * from the replicated log (clients retry). NONE otherwise (and always on a single node).
 */
export function coordinatorError(broker: BrokerContext): number {
  if (broker.chain === undefined) return ErrorCode.NONE;
  if (!broker.chain.isCoordinator()) return ErrorCode.NOT_COORDINATOR;
  return broker.chain.offsetsLoaded ? ErrorCode.NONE : ErrorCode.COORDINATOR_LOAD_IN_PROGRESS;
}
