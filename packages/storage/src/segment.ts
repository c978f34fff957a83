import type { ByteStore } from './byte-store.js';
import type { Directory } from './directory.js';
import { indexFileName, logFileName, timeIndexFileName, txnIndexFileName } from './names.js';
import { OFFSET_INDEX_ENTRY_SIZE, OffsetIndex } from './offset-index.js';
import { TimeIndex } from './time-index.js';
import { type AbortedTxn, encodeTxnIndexEntry } from './transactions.js';

/** Header facts of one batch being appended; the partition log has them from validation. */
export interface BatchMeta {
  /** Position within the appended buffer. */
  position: number;
  size: number;
  lastOffset: number;
  maxTimestamp: number;
}

/**
 * One segment: `<base>.log` with its `.index` and `.timeindex`. It knows its size, its last
 * offset and its largest timestamp without reading the file; the partition log decides when
 * to roll, and the segment only appends and indexes.
 */
export class Segment {
  readonly log: ByteStore;
  readonly offsetIndex: OffsetIndex;
  readonly timeIndex: TimeIndex;
  /** One past the last offset stored; the base offset while empty. */
  nextOffset: number;
  /** Largest batch maxTimestamp, -1 when none. */
  maxTimestamp = -1;
  offsetOfMaxTimestamp = -1;
  /** maxTimestamp of the first batch: what segment.ms is measured from. */
  firstBatchTimestamp = -1;
  bytesSinceLastIndexEntry = 0;
  /** Bytes that have been written but not fsynced. */
  unsyncedLog = false;
  /** Index entries that are in memory but not yet synced in their files. */
  unsyncedIndexes = false;
  /**
   * Set when a corrupt batch was found in this (old) segment: where the readable part ends.
   * Reads stop before it; the bytes stay on disk for an operator to inspect.
   */
  corruptAt: number | undefined;
  /** `<base>.txnindex`: the aborted transactions whose markers are here; opened on first use. */
  #txnIndex: ByteStore | undefined;

  constructor(
    readonly dir: Directory,
    readonly baseOffset: number,
    readonly createdAtMs: number,
  ) {
    this.log = dir.open(logFileName(baseOffset));
    this.offsetIndex = new OffsetIndex(
      dir.path === undefined ? undefined : dir.open(indexFileName(baseOffset)),
    );
    this.timeIndex = new TimeIndex(
      dir.path === undefined ? undefined : dir.open(timeIndexFileName(baseOffset)),
    );
    this.nextOffset = baseOffset;
  }

  get size(): number {
    return this.log.size;
  }

  /** The size a reader may use: everything, or everything before a known corruption. */
  get readableSize(): number {
    return this.corruptAt ?? this.log.size;
  }

  get isEmpty(): boolean {
    return this.log.size === 0;
  }

  /**
   * Appends validated batches (already carrying their offsets) with one write, then indexes
   * them as Kafka's LogSegment.append does: an offset-index entry for a batch when more than
   * `indexIntervalBytes` were written since the last entry, and a time-index entry with it when
   * the largest timestamp has grown.
   */
  append(buf: Buffer, batches: readonly BatchMeta[], indexIntervalBytes: number, deferred = false): void {
    // Deferred: queued in the store, written with others by flushPending (see PartitionLog.append).
    const start = deferred && this.log.appendDeferred ? this.log.appendDeferred(buf) : this.log.append(buf);
    for (const b of batches)
      this.indexBatch(start + b.position, b.size, b.lastOffset, b.maxTimestamp, indexIntervalBytes);
    this.unsyncedLog = true;
  }

  /** Index bookkeeping for one batch at file position `position`; shared with recovery. */
  indexBatch(
    position: number,
    size: number,
    lastOffset: number,
    maxTimestamp: number,
    indexIntervalBytes: number,
  ): void {
    if (this.firstBatchTimestamp < 0 && position === 0) this.firstBatchTimestamp = maxTimestamp;
    if (maxTimestamp > this.maxTimestamp) {
      this.maxTimestamp = maxTimestamp;
      this.offsetOfMaxTimestamp = lastOffset;
    }
    if (this.bytesSinceLastIndexEntry > indexIntervalBytes) {
      this.offsetIndex.append(lastOffset - this.baseOffset, position);
      if (this.maxTimestamp >= 0)
        this.timeIndex.maybeAppend(this.maxTimestamp, this.offsetOfMaxTimestamp - this.baseOffset);
      this.bytesSinceLastIndexEntry = 0;
      this.unsyncedIndexes = true;
    }
    this.bytesSinceLastIndexEntry += size;
    this.nextOffset = lastOffset + 1;
  }

  /** Records an aborted transaction whose abort marker this segment holds (Kafka's txn index). */
  appendAbortedTxn(t: AbortedTxn): void {
    this.#txnIndex ??= this.dir.open(txnIndexFileName(this.baseOffset));
    this.#txnIndex.append(encodeTxnIndexEntry(t));
    this.unsyncedIndexes = true;
  }

  /** Empties the txn index (it is rebuilt from the log). */
  resetTxnIndex(): void {
    if (this.#txnIndex) this.#txnIndex.truncate(0);
    else if (this.dir.exists(txnIndexFileName(this.baseOffset))) {
      this.#txnIndex = this.dir.open(txnIndexFileName(this.baseOffset));
      this.#txnIndex.truncate(0);
    }
  }

  /** Kafka forces a last time-index entry when a segment stops being active or closes. */
  sealTimeIndex(): void {
    if (this.maxTimestamp >= 0) {
      const before = this.timeIndex.count;
      this.timeIndex.maybeAppend(this.maxTimestamp, this.offsetOfMaxTimestamp - this.baseOffset);
      if (this.timeIndex.count !== before) this.unsyncedIndexes = true;
    }
  }

  /** Writes pending index entries to their files (no fsync). */
  persistIndexes(): void {
    this.offsetIndex.persist();
    this.timeIndex.persist();
  }

  /** Syncs the log (and, when `indexes`, the index files) to disk. */
  async sync(indexes: boolean): Promise<void> {
    const pending: Promise<void>[] = [];
    if (this.unsyncedLog) {
      this.unsyncedLog = false;
      pending.push(this.log.sync());
    }
    if (indexes) {
      this.persistIndexes();
      if (this.unsyncedIndexes) {
        this.unsyncedIndexes = false;
        if (this.offsetIndex.store) pending.push(this.offsetIndex.store.sync());
        if (this.timeIndex.store) pending.push(this.timeIndex.store.sync());
        if (this.#txnIndex) pending.push(this.#txnIndex.sync());
      }
    }
    await Promise.all(pending);
  }

  indexIsFull(segmentIndexBytes: number): boolean {
    return (this.offsetIndex.count + 1) * OFFSET_INDEX_ENTRY_SIZE > segmentIndexBytes;
  }

  async close(): Promise<void> {
    this.persistIndexes();
    await Promise.all([
      this.log.close(),
      this.offsetIndex.store?.close(),
      this.timeIndex.store?.close(),
      this.#txnIndex?.close(),
    ]);
  }

  /** Closes and removes its files. */
  async delete(): Promise<void> {
    this.dir.remove(logFileName(this.baseOffset));
    this.dir.remove(indexFileName(this.baseOffset));
    this.dir.remove(timeIndexFileName(this.baseOffset));
    if (this.#txnIndex || this.dir.exists(txnIndexFileName(this.baseOffset))) {
      this.dir.remove(txnIndexFileName(this.baseOffset));
    }
    await Promise.all([
      this.log.close(),
      this.offsetIndex.store?.close(),
      this.timeIndex.store?.close(),
      this.#txnIndex?.close(),
    ]);
  }
}
