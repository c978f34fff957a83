import { decodeRecordBatch, encodeRecordBatchSync, iterateBatches } from '@kilgore/protocol';
import type { Logger } from 'pino';
import type { PartitionLogView } from '../logs/partition-log.js';

/** Kafka's internal topic for committed offsets and group metadata. */
export const OFFSETS_TOPIC = '__consumer_offsets';

export interface KeyedRecord {
  key: Buffer;
  /** Null is a tombstone: compaction drops the key. */
  value: Buffer | null;
  /** Set on replay for records of a transaction (TxnOffsetCommit): they count once it commits. */
  producerId?: bigint;
}

/** A transaction marker met on replay: the records of `producerId`'s transaction count or go. */
export interface ReplayedMarker {
  marker: 'commit' | 'abort';
  producerId: bigint;
}

/** The producer of a transactional append (TxnOffsetCommit). */
export interface TransactionalWriter {
  producerId: bigint;
  producerEpoch: number;
}

/**
 * The coordinator's view of `__consumer_offsets`: one partition (this node coordinates every
 * group), appended to in order and read back whole at start. `open` creates the topic on first
 * use, so a broker that never sees a group never has the directory.
 */
export class OffsetsLog {
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly open: (create: boolean) => PartitionLogView | undefined,
    private readonly log: Logger,
    /** For messages: the internal topic this log is (`__transaction_state` reuses the class). */
    private readonly topic = OFFSETS_TOPIC,
  ) {}

  /** Creates the topic now if it does not exist yet (a transaction marker may need it). */
  ensure(): void {
    this.open(true);
  }

  /** Appends records as one batch; resolves once stored. Appends are serialised so replay order is commit order. */
  append(records: readonly KeyedRecord[], txn?: TransactionalWriter): Promise<void> {
    const run = async (): Promise<void> => {
      const partition = this.open(true);
      if (!partition) throw new Error(`${this.topic} is not available`);
      const now = Date.now();
      const batch = encodeRecordBatchSync({
        baseTimestamp: now,
        records: records.map((r) => ({ key: r.key, value: r.value, timestamp: now })),
        ...(txn && {
          isTransactional: true,
          producerId: txn.producerId,
          producerEpoch: txn.producerEpoch,
          baseSequence: 0,
        }),
      });
      await partition.append(batch);
    };
    const p = this.chain.then(run, run);
    this.chain = p.catch(() => {});
    return p;
  }

  /**
   * Every record stored, oldest first (later records override earlier ones for the same key),
   * and the transaction markers among them.
   */
  async *replayWithMarkers(): AsyncGenerator<KeyedRecord | ReplayedMarker> {
    const partition = this.open(false);
    if (!partition) return;
    let offset = partition.logStartOffset;
    const end = partition.highWatermark;
    while (offset < end) {
      const { records, nextOffset } = partition.read(offset, 1 << 20, end, true);
      if (records.length === 0 || nextOffset <= offset) break;
      for (const pos of iterateBatches(records)) {
        if (pos.magic !== 2) continue;
        let decoded: Awaited<ReturnType<typeof decodeRecordBatch>>;
        try {
          decoded = await decodeRecordBatch(records.subarray(pos.position, pos.position + pos.size));
        } catch (err) {
          this.log.warn({ err, offset }, `skipping an unreadable ${this.topic} batch`);
          continue;
        }
        const { attributes, producerId } = decoded.header;
        // Control batches (attribute bit 5) carry transaction markers, not offsets.
        if ((attributes & 0x20) !== 0) {
          const type = decoded.records[0]?.key?.readInt16BE(2);
          yield { marker: type === 1 ? 'commit' : 'abort', producerId };
          continue;
        }
        const transactional = (attributes & 0x10) !== 0;
        for (const r of decoded.records) {
          if (r.key === null || r.offset < BigInt(offset)) continue;
          yield transactional ? { key: r.key, value: r.value, producerId } : { key: r.key, value: r.value };
        }
      }
      offset = nextOffset;
    }
  }

  /** The records of committed state: those of transactions count once their commit marker is met. */
  async *replay(): AsyncGenerator<KeyedRecord> {
    const pending = new Map<bigint, KeyedRecord[]>();
    for await (const r of this.replayWithMarkers()) {
      if ('marker' in r) {
        const records = pending.get(r.producerId) ?? [];
        pending.delete(r.producerId);
        if (r.marker === 'commit') yield* records;
      } else if (r.producerId !== undefined) {
        const list = pending.get(r.producerId) ?? [];
        list.push(r);
        pending.set(r.producerId, list);
      } else {
        yield r;
      }
    }
  }
}
