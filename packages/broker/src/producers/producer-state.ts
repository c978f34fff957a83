import { BatchOffsets } from '@kilgore/protocol';

/** How many recent batches per producer are remembered for de-duplication (Kafka: 5). */
const CACHED_BATCHES = 5;
const INT32_MAX = 0x7fffffff;

// Kafka's codes, as returned to the producer.
const OUT_OF_ORDER_SEQUENCE_NUMBER = 45;
const INVALID_PRODUCER_EPOCH = 47;

interface CachedBatch {
  firstSeq: number;
  lastSeq: number;
  /** -1 until the append that wrote it has resolved. */
  baseOffset: number;
}

interface ProducerEntry {
  epoch: number;
  batches: CachedBatch[];
}

/** What to do with an idempotent batch (crib section 2). */
export type SequenceCheck =
  | { kind: 'append'; commit: (baseOffset: number) => void; abort: () => void }
  | { kind: 'duplicate'; baseOffset: number }
  | { kind: 'error'; code: number; message: string }
  | { kind: 'none' };

/**
 * Per-partition idempotent-producer state: the epoch and the last five batches of each producer
 * id, so a retried batch is answered with its original offset instead of being written twice, and
 * a gap in sequence numbers is refused. Kept in memory (Kafka also snapshots it to disk; after a
 * restart a producer's first batch is accepted whatever its sequence, as Kafka does for an
 * unknown producer).
 */
export class ProducerStates {
  private readonly partitions = new Map<string, Map<bigint, ProducerEntry>>();

  /** Checks the batch at the start of `records` (one batch per partition, as producers send). */
  check(topic: string, partition: number, records: Buffer): SequenceCheck {
    if (records.length < BatchOffsets.recordsCount + 4) return { kind: 'none' };
    const producerId = records.readBigInt64BE(BatchOffsets.producerId);
    if (producerId < 0n) return { kind: 'none' };
    const epoch = records.readInt16BE(BatchOffsets.producerEpoch);
    const firstSeq = records.readInt32BE(BatchOffsets.baseSequence);
    const lastSeq = (firstSeq + records.readInt32BE(BatchOffsets.lastOffsetDelta)) % (INT32_MAX + 1);
    const key = `${topic}\u0000${partition}`;
    let producers = this.partitions.get(key);
    if (!producers) {
      producers = new Map();
      this.partitions.set(key, producers);
    }
    let entry = producers.get(producerId);
    if (entry && epoch < entry.epoch) {
      return {
        kind: 'error',
        code: INVALID_PRODUCER_EPOCH,
        message: `epoch ${epoch} is older than the current epoch ${entry.epoch} of producer ${producerId}`,
      };
    }
    if (entry && epoch > entry.epoch) {
      if (firstSeq !== 0) {
        return {
          kind: 'error',
          code: OUT_OF_ORDER_SEQUENCE_NUMBER,
          message: `a new epoch must start at sequence 0, got ${firstSeq}`,
        };
      }
      entry = undefined;
    }
    if (entry) {
      const dup = entry.batches.find((b) => b.firstSeq === firstSeq && b.lastSeq === lastSeq);
      if (dup && dup.baseOffset >= 0) return { kind: 'duplicate', baseOffset: dup.baseOffset };
      const last = entry.batches[entry.batches.length - 1];
      const expected = last ? (last.lastSeq + 1) % (INT32_MAX + 1) : firstSeq;
      if (firstSeq !== expected) {
        return {
          kind: 'error',
          code: OUT_OF_ORDER_SEQUENCE_NUMBER,
          message: `out of order sequence ${firstSeq} for producer ${producerId}, expected ${expected}`,
        };
      }
    } else {
      entry = { epoch, batches: [] };
      producers.set(producerId, entry);
    }
    // Recorded now, before the append resolves, so a pipelined next batch sees this one.
    const cached: CachedBatch = { firstSeq, lastSeq, baseOffset: -1 };
    const owner = entry;
    owner.batches.push(cached);
    if (owner.batches.length > CACHED_BATCHES) owner.batches.shift();
    return {
      kind: 'append',
      commit: (baseOffset) => {
        cached.baseOffset = baseOffset;
      },
      abort: () => {
        const i = owner.batches.indexOf(cached);
        if (i >= 0) owner.batches.splice(i, 1);
      },
    };
  }

  /** The producers a partition knows, with their epoch and last sequence (DescribeProducers). */
  producersOf(
    topic: string,
    partition: number,
  ): { producerId: bigint; epoch: number; lastSequence: number }[] {
    const producers = this.partitions.get(`${topic}\u0000${partition}`);
    return [...(producers ?? [])].map(([producerId, e]) => ({
      producerId,
      epoch: e.epoch,
      lastSequence: e.batches.at(-1)?.lastSeq ?? -1,
    }));
  }

  /** Forgets a deleted topic's producers. */
  dropTopic(topic: string): void {
    for (const key of this.partitions.keys())
      if (key.startsWith(`${topic}\u0000`)) this.partitions.delete(key);
  }
}
