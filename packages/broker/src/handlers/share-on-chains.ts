import { ErrorCode } from '@kilgore/protocol';
import { coordinatorError } from '../chain/partition-answers.js';
import type { BrokerContext } from '../context.js';

export interface ShareRefusal {
  errorCode: number;
  errorMessage: string | null;
}

/**
 * Group-level share APIs (ShareGroupHeartbeat, ShareGroupDescribe, the share offsets APIs) on a
 * chain: the group coordinator, the head of `__consumer_offsets`-0's chain, answers them
 * (NOT_COORDINATOR elsewhere, COORDINATOR_LOAD_IN_PROGRESS while it replays the share state). Null
 * on a single node and at a loaded coordinator.
 */
export function shareGroupsRefused(broker: BrokerContext): ShareRefusal | null {
  const errorCode = coordinatorError(broker);
  if (errorCode === ErrorCode.NONE) return null;
  return {
    errorCode,
    errorMessage:
      errorCode === ErrorCode.NOT_COORDINATOR
        ? 'This node is not the coordinator of share groups.'
        : 'The share-group state is being loaded.',
  };
}

/**
 * ShareFetch and ShareAcknowledge on a chain, per partition: Kafka's share-partition leader is the
 * partition's leader, and Kilgore's share state is the coordinator's, so a partition is served
 * where both meet: the head of its chain when that is also the coordinator's chain. Elsewhere
 * NOT_LEADER_OR_FOLLOWER (the client refreshes its metadata and goes to the head; also while a
 * new head replays the state); a partition of another chain than the coordinator's is refused
 * with INVALID_REQUEST (docs/replication.md: Share groups).
 */
export function sharePartitionRefused(
  broker: BrokerContext,
  topic: string,
  partition: number,
): ShareRefusal | null {
  if (broker.chain === undefined) return null;
  if (broker.chain.placement(topic, partition).leader !== broker.nodeId) {
    return { errorCode: ErrorCode.NOT_LEADER_OR_FOLLOWER, errorMessage: null };
  }
  const errorCode = coordinatorError(broker);
  if (errorCode === ErrorCode.NONE) return null;
  if (errorCode === ErrorCode.NOT_COORDINATOR) {
    return {
      errorCode: ErrorCode.INVALID_REQUEST,
      errorMessage: `Share groups serve only partitions of the chain that coordinates groups; ${topic}-${partition} is on another chain.`,
    };
  }
  return { errorCode: ErrorCode.NOT_LEADER_OR_FOLLOWER, errorMessage: null };
}
