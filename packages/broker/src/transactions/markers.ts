/**
 * How the transaction coordinator ends a transaction on its partitions: a writer puts a commit or
 * abort marker on each one and resolves once every partition has it. On one node that is the
 * local log; on chains, each partition's head (see chain/txn-marker-writer.ts).
 */
import type { TxnMarker } from '@kilgore/storage';
import type { LogStore } from '../logs/partition-log.js';

export interface MarkerPartition {
  topic: string;
  partition: number;
}

/**
 * Writes `marker` to every partition, retrying where that can help, until each has it. Rejects
 * with CoordinatorMovedError once `signal` aborts (this node gave the coordinator role up: the
 * next coordinator finishes the transaction from its prepared state).
 */
export type MarkerWriter = (
  partitions: readonly MarkerPartition[],
  marker: TxnMarker,
  signal: AbortSignal,
) => Promise<void>;

/** The coordinator stopped being one while it wrote markers; the client asks the new one. */
export class CoordinatorMovedError extends Error {
  override readonly name = 'CoordinatorMovedError';
}

/** One node: every partition is here. A partition without a log (topic deleted) is skipped. */
export function localMarkerWriter(logs: LogStore, warn: (obj: object, msg: string) => void): MarkerWriter {
  return async (partitions, marker) => {
    await Promise.all(
      partitions.map(async ({ topic, partition }) => {
        const log = logs.get(topic, partition);
        if (!log?.appendMarker) {
          warn({ topic, partition }, 'no log for a transaction marker (topic deleted?); skipped');
          return;
        }
        await log.appendMarker(marker);
      }),
    );
  };
}
