import { BATCH_HEADER_SIZE, BatchAttributes, BatchOffsets, RecordCursor } from '@kilgore/protocol';

/** One aborted transaction of one partition: a `.txnindex` entry (Kafka's AbortedTxn). */
export interface AbortedTxn {
  producerId: bigint;
  /** The transaction's first offset in this partition. */
  firstOffset: number;
  /** The offset of its abort marker. */
  lastOffset: number;
  /** The partition's last stable offset once this transaction completed. */
  lastStableOffset: number;
}

/** The two control record types Kafka writes (ControlRecordType). */
export const ControlType = { abort: 0, commit: 1 } as const;

/** Size of one `.txnindex` entry: version int16, producer id, first, last and last stable offsets. */
export const TXN_INDEX_ENTRY_SIZE = 34;

export function encodeTxnIndexEntry(t: AbortedTxn): Buffer {
  const b = Buffer.alloc(TXN_INDEX_ENTRY_SIZE);
  b.writeInt16BE(0, 0);
  b.writeBigInt64BE(t.producerId, 2);
  b.writeBigInt64BE(BigInt(t.firstOffset), 10);
  b.writeBigInt64BE(BigInt(t.lastOffset), 18);
  b.writeBigInt64BE(BigInt(t.lastStableOffset), 26);
  return b;
}

export function decodeTxnIndex(buf: Buffer): AbortedTxn[] {
  const out: AbortedTxn[] = [];
  for (let p = 0; p + TXN_INDEX_ENTRY_SIZE <= buf.length; p += TXN_INDEX_ENTRY_SIZE) {
    out.push({
      producerId: buf.readBigInt64BE(p + 2),
      firstOffset: Number(buf.readBigInt64BE(p + 10)),
      lastOffset: Number(buf.readBigInt64BE(p + 18)),
      lastStableOffset: Number(buf.readBigInt64BE(p + 26)),
    });
  }
  return out;
}

/**
 * The control type (abort or commit) of the control batch at `pos`, from its one record's key
 * (int16 version, int16 type); undefined when the batch holds no readable control record.
 * Kafka writes control batches uncompressed.
 */
export function controlTypeOf(buf: Buffer, pos: number): number | undefined {
  const end = pos + buf.readInt32BE(pos + BatchOffsets.batchLength) + 12;
  const cur = new RecordCursor(buf, pos + BATCH_HEADER_SIZE, end);
  try {
    cur.varint(); // record length
    cur.int8(); // attributes
    cur.varlong(); // timestamp delta
    cur.varint(); // offset delta
    const keyLength = cur.varint();
    if (keyLength < 4) return undefined;
    return buf.readInt16BE(cur.pos + 2);
  } catch {
    return undefined;
  }
}

/**
 * The transactions of one partition, from the batch headers of its log (Kafka keeps the same in
 * its ProducerStateManager): for each producer with an open transaction, the offset it began at,
 * and every aborted transaction. The last stable offset is the first offset of the oldest open
 * transaction (or the high watermark); read_committed consumers read up to it and drop the
 * records of the aborted transactions they are told about.
 */
export class PartitionTransactions {
  /** Producer id -> first offset of its open transaction. */
  readonly ongoing = new Map<bigint, number>();
  /** Aborted transactions by marker offset, oldest first. */
  aborted: AbortedTxn[] = [];

  /**
   * Takes note of one stored batch (`buf` at `pos`, offsets assigned). Returns the aborted
   * transaction an abort marker completes, for the `.txnindex` of the segment it lands in.
   */
  observe(buf: Buffer, pos: number, baseOffset: number): AbortedTxn | undefined {
    const attributes = buf.readInt16BE(pos + BatchOffsets.attributes);
    if ((attributes & BatchAttributes.transactional) === 0) return undefined;
    const producerId = buf.readBigInt64BE(pos + BatchOffsets.producerId);
    if ((attributes & BatchAttributes.control) === 0) {
      if (!this.ongoing.has(producerId)) this.ongoing.set(producerId, baseOffset);
      return undefined;
    }
    const firstOffset = this.ongoing.get(producerId);
    this.ongoing.delete(producerId);
    if (controlTypeOf(buf, pos) !== ControlType.abort) return undefined;
    const aborted: AbortedTxn = {
      producerId,
      firstOffset: firstOffset ?? baseOffset,
      lastOffset: baseOffset,
      lastStableOffset: this.#firstOngoing(baseOffset + 1),
    };
    this.aborted.push(aborted);
    return aborted;
  }

  /** min(first offset of any open transaction, `highWatermark`). */
  lastStableOffset(highWatermark: number): number {
    return this.#firstOngoing(highWatermark);
  }

  /** The aborted transactions a fetch of offsets `from`..`upTo` (inclusive) must be told about. */
  abortedBetween(from: number, upTo: number): AbortedTxn[] {
    const out: AbortedTxn[] = [];
    for (const t of this.aborted) if (t.lastOffset >= from && t.firstOffset <= upTo) out.push(t);
    return out;
  }

  /** Forgets aborted transactions that ended before the log start offset. */
  trimBefore(logStartOffset: number): void {
    if (this.aborted.length > 0 && this.aborted[0]!.lastOffset < logStartOffset) {
      this.aborted = this.aborted.filter((t) => t.lastOffset >= logStartOffset);
    }
  }

  get isEmpty(): boolean {
    return this.ongoing.size === 0 && this.aborted.length === 0;
  }

  #firstOngoing(bound: number): number {
    let min = bound;
    for (const first of this.ongoing.values()) if (first < min) min = first;
    return min;
  }
}
