import { ErrorCode } from '@kilgore/protocol';
import type { ShareCoordinator } from './share-coordinator.js';
import { AcknowledgeError } from './share-partition.js';

export interface AckBatch {
  firstOffset: bigint;
  lastOffset: bigint;
  acknowledgeTypes: readonly number[];
}

export interface AckOutcome {
  errorCode: number;
  errorMessage: string | null;
}

/**
 * Applies one partition's acknowledgement batches for `memberId` (from ShareFetch or
 * ShareAcknowledge). Each batch applies whole or not at all; the first refused one sets the
 * partition's error, and the batches after it still apply, as Kafka answers per partition.
 */
export function applyAcknowledgements(
  share: ShareCoordinator,
  groupId: string,
  memberId: string,
  topicId: string,
  topic: string,
  partition: number,
  batches: readonly AckBatch[],
): AckOutcome {
  const state = share.partition(groupId, topicId, topic, partition).state;
  let outcome: AckOutcome = { errorCode: ErrorCode.NONE, errorMessage: null };
  for (const b of batches) {
    try {
      state.acknowledge(memberId, Number(b.firstOffset), Number(b.lastOffset), b.acknowledgeTypes);
    } catch (err) {
      if (!(err instanceof AcknowledgeError)) throw err;
      if (outcome.errorCode === ErrorCode.NONE) outcome = { errorCode: err.code, errorMessage: err.message };
    }
  }
  return outcome;
}
