import { decodeRecordBatch, encodeRecordBatchSync, iterateBatches } from '@kilgore/protocol';
import type { Logger } from 'pino';
import type { PartitionLogView } from '../logs/partition-log.js';

/** Kafka's internal topic for committed offsets and group metadata. */
export const OFFSETS_TOPIC = '__consumer_offsets';

export interface KeyedRecord {
  key: Buffer;
  /** Null is a tombstone: compaction drops the key. */
  value: Buffer | null;
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
  ) {}

  /** Appends records as one batch; resolves once stored. Appends are serialised so replay order is commit order. */
  append(records: readonly KeyedRecord[]): Promise<void> {
    const run = async (): Promise<void> => {
      const partition = this.open(true);
      if (!partition) throw new Error(`${OFFSETS_TOPIC} is not available`);
      const now = Date.now();
      const batch = encodeRecordBatchSync({
        baseTimestamp: now,
        records: records.map((r) => ({ key: r.key, value: r.value, timestamp: now })),
      });
      await partition.append(batch);
    };
    const p = this.chain.then(run, run);
    this.chain = p.catch(() => {});
    return p;
  }

  /** Every record stored, oldest first (later records override earlier ones for the same key). */
  async *replay(): AsyncGenerator<KeyedRecord> {
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
          this.log.warn({ err, offset }, `skipping an unreadable ${OFFSETS_TOPIC} batch`);
          continue;
        }
        // Control batches (attribute bit 5) carry transaction markers, not offsets.
        if ((decoded.header.attributes & 0x20) !== 0) continue;
        for (const r of decoded.records) {
          if (r.key !== null && r.offset >= BigInt(offset)) yield { key: r.key, value: r.value };
        }
      }
      offset = nextOffset;
    }
  }
}
