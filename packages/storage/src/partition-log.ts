import {
  BATCH_HEADER_SIZE,
  BatchAttributes,
  BatchOffsets,
  decodeRecordBatch,
  encodeRecordBatchSync,
  patchLeaderEpoch,
  patchMaxTimestamp,
} from '@kilgore/protocol';
import { headerProblem, scanBatches } from './batch-scan.js';
import type { LogConfig } from './config.js';
import type { Directory } from './directory.js';
import { offsetOutOfRange, type StorageError, storageError } from './errors.js';
import { readInt64, writeInt64 } from './int64.js';
import {
  type EpochEndOffset,
  type EpochEntry,
  LEADER_EPOCH_CHECKPOINT,
  LeaderEpochCache,
} from './leader-epoch-cache.js';
import {
  CLEANED_SUFFIX,
  DELETED_SUFFIX,
  INDEX_SUFFIX,
  LOG_SUFFIX,
  logFileName,
  parseSegmentFileName,
  TIME_INDEX_SUFFIX,
  TRANSACTIONAL_MARKER,
  TXN_INDEX_SUFFIX,
} from './names.js';
import { type StorageLogger, type StorageMetrics, silentLogger } from './observe.js';
import { needsPreparation, prepareBatches } from './prepare-batches.js';
import { checkRecords } from './record-checks.js';
import { loadSegment, rebuildSegment } from './recovery.js';
import { segmentsToDelete } from './retention.js';
import { Segment } from './segment.js';
import { type AbortedTxn, ControlType, PartitionTransactions } from './transactions.js';
import { type ValidatedSet, validateBatches } from './validate.js';

export interface AppendOptions {
  /** Stamped into each batch's partitionLeaderEpoch (bytes 12-15); left as sent when absent. */
  leaderEpoch?: number;
  /**
   * Accept several batches in one call. Kafka refuses that from producers (one batch per
   * partition per request); internal writers may batch.
   */
  allowMultipleBatches?: boolean;
  /**
   * `append` only: queue the bytes and write them with those of every other coalesced append
   * of the same tick in one writev (pipelined produce requests), before the promise settles.
   * `batches` must not change until then.
   */
  coalesce?: boolean;
  /**
   * The caller has read and checked every record against this log's rules already (the broker
   * does so for zstd batches, which inflate only asynchronously): only headers are checked here.
   */
  recordsChecked?: boolean;
  /** @internal A control batch the broker itself writes (appendMarker). */
  control?: boolean;
}

/** A commit or abort marker for one producer's transaction. */
export interface TxnMarker {
  producerId: bigint;
  producerEpoch: number;
  commit: boolean;
  coordinatorEpoch?: number;
}

export interface AppendResult {
  baseOffset: number;
  lastOffset: number;
  /** The broker time written into LogAppendTime batches; -1 for CreateTime topics. */
  logAppendTime: number;
  logStartOffset: number;
  /** Largest maxTimestamp among the appended batches. */
  maxTimestamp: number;
  batchCount: number;
  bytes: number;
  /**
   * The bytes written, offsets patched: the caller's buffer (or its first `bytes`), unless the
   * topic's compression.type had them recompressed. Replication forwards exactly these.
   */
  stored: Buffer;
}

export interface ReadResult {
  /** Whole batches, back to back, exactly as stored. Empty when there is nothing to return. */
  records: Buffer;
  /** One past the last offset returned; `offset` when nothing was. */
  nextOffset: number;
}

export interface TimestampOffset {
  offset: number;
  timestamp: number;
  /** partitionLeaderEpoch of the batch holding the record. */
  leaderEpoch: number;
}

export interface PartitionLogOptions {
  topic: string;
  partition: number;
  dir: Directory;
  config: LogConfig;
  /** Whether the previous shutdown was clean; otherwise segments past the recovery point are scanned. */
  cleanShutdown?: boolean;
  recoveryPoint?: number;
  logStartOffset?: number;
  highWatermark?: number;
  /**
   * Let the high watermark follow the log end offset once data is durable under the flush
   * policy (a single node). Replication turns this off and sets `highWatermark` itself.
   */
  highWatermarkFollowsLog?: boolean;
  logger?: StorageLogger;
  metrics?: StorageMetrics;
  now?: () => number;
}

interface SyncWaiter {
  upTo: number;
  resolve: () => void;
  reject: (err: unknown) => void;
}

const INT32_MAX = 0x7fffffff;

/**
 * Under a timed flush (flush.ms finite), the log is also fdatasynced in the background each time
 * this many bytes were appended since the last sync began. The same bytes reach the disk as with
 * one flush per flush.ms, but in small steps: one flush of a second's worth of appends (~200 MB
 * at half load) stalls the writes that meet it in the kernel for tens of milliseconds, during
 * which the event loop serves nothing; an 8 MiB step stalls them for a few. Appends never wait
 * for it, and it only moves durability earlier.
 */
export const WRITEBACK_STEP_BYTES = 8 * 1024 * 1024;

/**
 * One topic-partition's log: the segments, offsets, append, read, truncation and retention.
 * Writes are synchronous into the page cache (one write per append); fsync is asynchronous and
 * grouped, so concurrent appends waiting for durability share one fdatasync.
 */
export class PartitionLog {
  readonly topic: string;
  readonly partition: number;
  readonly dir: Directory;
  highWatermarkFollowsLog: boolean;
  #config: LogConfig;
  #segments: Segment[] = [];
  #logStartOffset = 0;
  #highWatermark = 0;
  /** Everything below is in synced files, indexes included: recovery starts here. */
  #recoveryPoint = 0;
  /** Everything below is in fsynced log files (the indexes may lag). */
  #durableOffset = 0;
  #lastFlushMs: number;
  #syncWaiters: SyncWaiter[] = [];
  #coalesced: Array<{
    result: AppendResult;
    resolve: (r: AppendResult) => void;
    reject: (err: unknown) => void;
  }> = [];
  /** Appends on the slow path (prepareBatches) not settled yet, and the tail of their queue. */
  #preparing = 0;
  #prepared: Promise<void> = Promise.resolve();
  #syncing = false;
  /** Bytes appended since the log was opened, and that count when the last sync began. */
  #appendedBytes = 0;
  #appendedAtLastSync = 0;
  #hwListeners = new Set<(hw: number) => void>();
  /** Pending waitForData calls, each ending its wait with false (releaseWaiters). */
  readonly #waiting = new Set<() => void>();
  #closed = false;
  /** First offset of each leader epoch (leader-epoch-checkpoint), fed by every append. */
  #epochs!: LeaderEpochCache;
  /** Open and aborted transactions (last stable offset, aborted_transactions of read_committed). */
  #txns = new PartitionTransactions();
  /** The partition has held transactional batches (TRANSACTIONAL_MARKER is on disk). */
  #transactional = false;
  readonly #logger: StorageLogger;
  readonly #metrics: StorageMetrics | undefined;
  readonly #now: () => number;

  private constructor(opts: PartitionLogOptions) {
    this.topic = opts.topic;
    this.partition = opts.partition;
    this.dir = opts.dir;
    this.#config = opts.config;
    this.highWatermarkFollowsLog = opts.highWatermarkFollowsLog ?? true;
    this.#logger = opts.logger ?? silentLogger;
    this.#metrics = opts.metrics;
    this.#now = opts.now ?? Date.now;
    this.#lastFlushMs = this.#now();
  }

  /** Opens (or creates) the log in `opts.dir`, recovering it if the last shutdown was not clean. */
  static open(opts: PartitionLogOptions): PartitionLog {
    const log = new PartitionLog(opts);
    log.#load(opts);
    return log;
  }

  // ---- state ----

  get config(): LogConfig {
    return this.#config;
  }
  /** Replaces the config; takes effect on the next append, roll or retention pass. */
  set config(c: LogConfig) {
    this.#config = c;
  }
  get logStartOffset(): number {
    return this.#logStartOffset;
  }
  get logEndOffset(): number {
    return this.#active.nextOffset;
  }
  get recoveryPoint(): number {
    return this.#recoveryPoint;
  }
  /** Offsets below this are in fsynced log files. */
  get durableOffset(): number {
    return this.#durableOffset;
  }
  get highWatermark(): number {
    return this.#highWatermark;
  }
  /** Replication sets this; it is clamped to [logStartOffset, logEndOffset]. Raising it wakes waiting fetches. */
  set highWatermark(hw: number) {
    const v = Math.max(this.#logStartOffset, Math.min(hw, this.logEndOffset));
    const raised = v > this.#highWatermark;
    this.#highWatermark = v;
    if (raised) for (const l of this.#hwListeners) l(v);
  }
  get segmentCount(): number {
    return this.#segments.length;
  }
  get sizeInBytes(): number {
    let n = 0;
    for (const s of this.#segments) n += s.size;
    return n;
  }
  /** Base offsets of the segments, oldest first. */
  get segmentBaseOffsets(): number[] {
    return this.#segments.map((s) => s.baseOffset);
  }
  /** @internal For compaction, retention and tests inside the package. */
  get segments(): readonly Segment[] {
    return this.#segments;
  }

  get #active(): Segment {
    return this.#segments[this.#segments.length - 1]!;
  }

  // ---- loading ----

  #load(opts: PartitionLogOptions): void {
    const dir = this.dir;
    const names = dir.list();
    const bases: number[] = [];
    const logs = new Set<number>();
    for (const name of names) {
      // Leftovers of an interrupted compaction or deletion: the originals are still in place.
      if (name.endsWith(CLEANED_SUFFIX) || name.endsWith(DELETED_SUFFIX) || name.endsWith('.swap')) {
        dir.remove(name);
        continue;
      }
      const base = parseSegmentFileName(name, LOG_SUFFIX);
      if (base !== undefined) {
        bases.push(base);
        logs.add(base);
      }
    }
    for (const name of names) {
      const base =
        parseSegmentFileName(name, INDEX_SUFFIX) ??
        parseSegmentFileName(name, TIME_INDEX_SUFFIX) ??
        parseSegmentFileName(name, TXN_INDEX_SUFFIX);
      if (base !== undefined && !logs.has(base)) dir.remove(name); // index without its log
    }
    bases.sort((a, b) => a - b);
    const clean = opts.cleanShutdown ?? false;
    const recoveryPoint = opts.recoveryPoint ?? 0;
    const interval = this.#config.indexIntervalBytes;
    for (let i = 0; i < bases.length; i++) {
      const base = bases[i]!;
      const nextBase = bases[i + 1] ?? Number.POSITIVE_INFINITY;
      const recover = !clean && nextBase > recoveryPoint;
      const r = loadSegment(dir, base, {
        indexIntervalBytes: interval,
        recover,
        isLast: i === bases.length - 1,
      });
      this.#segments.push(r.segment);
      if (r.indexRebuilt && !recover) {
        this.#count('index_rebuilt');
        this.#logger.warn(
          { ...this.#labels, segment: base },
          'index missing or inconsistent; rebuilt from the log',
        );
      }
      if (r.problem) {
        this.#count('corruption');
        this.#logger.error(
          {
            ...this.#labels,
            segment: base,
            position: r.problem.position,
            reason: 'reason' in r.problem ? r.problem.reason : 'short',
          },
          r.truncatedBytes > 0
            ? 'truncated a torn or corrupt tail'
            : 'corrupt batch in an old segment; reads stop before it',
        );
      }
      if (r.truncatedBytes > 0) this.#count('recovery_truncated_bytes', r.truncatedBytes);
      // Recovery cut this segment short: whatever follows it cannot be trusted (Kafka deletes it).
      if (recover && r.problem && i < bases.length - 1) {
        for (const later of bases.slice(i + 1)) {
          const s = new Segment(dir, later, 0);
          void s.delete();
        }
        this.#logger.warn(
          { ...this.#labels, deleted: bases.length - i - 1 },
          'deleted segments after a truncation',
        );
        break;
      }
    }
    if (this.#segments.length === 0) {
      this.#segments.push(new Segment(dir, opts.logStartOffset ?? 0, this.#now()));
    }
    const leo = this.logEndOffset;
    this.#logStartOffset = Math.min(Math.max(opts.logStartOffset ?? 0, this.#segments[0]!.baseOffset), leo);
    this.#recoveryPoint = clean ? leo : Math.min(recoveryPoint, leo);
    this.#durableOffset = this.#recoveryPoint;
    // What was recovered may still sit only in the page cache of the crashed run.
    if (!clean) for (const s of this.#segments) if (s.nextOffset > this.#recoveryPoint) s.unsyncedLog = true;
    const hw = this.highWatermarkFollowsLog ? leo : (opts.highWatermark ?? leo);
    this.#highWatermark = Math.max(this.#logStartOffset, Math.min(hw, leo));
    this.#loadEpochs(clean);
    this.#transactional = dir.exists(TRANSACTIONAL_MARKER);
    if (this.#transactional) this.#rebuildTransactions();
  }

  /**
   * Rebuilds the transaction state and every segment's `.txnindex` from the batch headers (and
   * the control records) of the whole log: Kilgore keeps no producer-state snapshots, so a
   * transactional partition pays one header scan when it is opened or truncated.
   */
  #rebuildTransactions(): void {
    this.#txns = new PartitionTransactions();
    for (const seg of this.#segments) {
      seg.resetTxnIndex();
      scanBatches(seg.log, 0, seg.readableSize, false, (b) => {
        const aborted = this.#txns.observe(b.buf, b.offsetInBuf, b.baseOffset);
        if (aborted) seg.appendAbortedTxn(aborted);
        return true;
      });
    }
    this.#txns.trimBefore(this.#logStartOffset);
  }

  /**
   * The epoch cache is trusted after a clean shutdown (trimmed to the log end); otherwise, or
   * when the checkpoint is missing or unreadable, it is rebuilt from the batch headers.
   */
  #loadEpochs(clean: boolean): void {
    this.#epochs = new LeaderEpochCache(this.dir);
    if (clean && this.#epochs.load()) {
      this.#epochs.truncateFromEnd(this.logEndOffset);
      return;
    }
    const entries: EpochEntry[] = [];
    for (const seg of this.#segments) {
      scanBatches(seg.log, 0, seg.readableSize, false, (b) => {
        const epoch = b.buf.readInt32BE(b.offsetInBuf + BatchOffsets.partitionLeaderEpoch);
        const last = entries.at(-1);
        if (epoch >= 0 && (last === undefined || epoch > last.epoch)) {
          entries.push({ epoch, startOffset: b.baseOffset });
        }
        return true;
      });
    }
    const before = this.#epochs.entries;
    const same =
      before.length === entries.length &&
      before.every((e, i) => e.epoch === entries[i]!.epoch && e.startOffset === entries[i]!.startOffset);
    if (!same || (entries.length === 0 && this.dir.exists(LEADER_EPOCH_CHECKPOINT))) {
      if (entries.length === 0) this.#epochs.remove();
      else this.#epochs.reset(entries);
    }
  }

  /** The leader-epoch cache (replication reads it; appends and truncations keep it current). */
  get epochs(): LeaderEpochCache {
    return this.#epochs;
  }

  /** The newest leader epoch in this log's batches (-1 when none has one). */
  get latestEpoch(): number {
    return this.#epochs.latestEpoch;
  }

  /** OffsetForLeaderEpoch for this log. */
  endOffsetForEpoch(epoch: number): EpochEndOffset {
    return this.#epochs.endOffsetForEpoch(epoch, this.logEndOffset);
  }

  get #labels(): { topic: string; partition: number } {
    return { topic: this.topic, partition: this.partition };
  }

  #count(event: Parameters<StorageMetrics['count']>[0], value?: number): void {
    this.#metrics?.count(event, this.#labels, value);
  }

  // ---- append ----

  /**
   * Appends producer batches: validates them as Kafka does (CRC, magic, counts, sizes,
   * timestamps; errors carry Kafka codes), assigns offsets from the log end by patching
   * baseOffset (and the leader epoch, and maxTimestamp for LogAppendTime topics) in `batches`
   * itself, and writes those bytes with one write. Resolves once the flush policy is met.
   */
  append(batches: Buffer, opts: AppendOptions = {}): Promise<AppendResult> {
    try {
      // Once one append waits on asynchronous work, later ones queue behind it: the log keeps
      // the order of its callers (producer sequences depend on it).
      if (this.#preparing > 0 || (!opts.recordsChecked && needsPreparation(batches, this.#config))) {
        return this.#appendPrepared(batches, opts);
      }
      if (opts.coalesce) {
        const result = this.#append(batches, opts, true);
        return new Promise<AppendResult>((resolve, reject) => {
          if (this.#coalesced.length === 0) queueMicrotask(() => this.#writeCoalesced());
          this.#coalesced.push({ result, resolve, reject });
        });
      }
      return this.#afterWrite(this.#append(batches, opts, false));
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /**
   * The slow path of `append`, in call order: headers checked first (a corrupt batch is refused
   * before anything is inflated), then records read and recompressed off the event loop where
   * the codec allows (prepare-batches.ts), then the synchronous append of the result.
   */
  #appendPrepared(batches: Buffer, opts: AppendOptions): Promise<AppendResult> {
    this.#preparing++;
    const run = this.#prepared.then(async () => {
      this.#checkOpen();
      let prepared = batches;
      if (!opts.recordsChecked) {
        const now = this.#now();
        const set = validateBatches(batches, this.#config, now, true, opts.allowMultipleBatches ?? false);
        prepared = await prepareBatches(batches, set, this.#config, now, `${this.topic}-${this.partition}`);
      }
      return this.#afterWrite(this.#append(prepared, { ...opts, recordsChecked: true }, false));
    });
    const settled = run.finally(() => {
      this.#preparing--;
    });
    this.#prepared = settled.then(
      () => undefined,
      () => undefined,
    );
    return settled;
  }

  /** Writes the bytes of this tick's coalesced appends (one writev), then settles them in order. */
  #writeCoalesced(): void {
    const waiting = this.#coalesced;
    this.#coalesced = [];
    try {
      // A roll in between already wrote the old segment's queue (its sync flushes first).
      this.#active.log.flushPending?.();
    } catch (err) {
      // Offsets were handed out for bytes that are not in the file: as Kafka takes a log dir
      // offline on an I/O error, this log refuses everything from now on.
      this.#closed = true;
      this.#logger.error({ ...this.#labels, err }, 'write failed; log closed');
      const e = storageError(`write failed: ${String(err)}`);
      for (const w of waiting) w.reject(e);
      return;
    }
    // All of them are in the file now, so one flush-policy decision covers them all; without a
    // flush to wait for they settle here, one promise hop sooner than through #afterWrite.
    const leo = this.logEndOffset;
    if (leo - this.#durableOffset >= this.#config.flushMessages) {
      const durable = this.waitDurable(leo);
      for (const w of waiting) durable.then(() => w.resolve(w.result), w.reject);
      return;
    }
    this.#moveHighWatermarkAndWriteBack();
    for (const w of waiting) w.resolve(w.result);
  }

  /**
   * The synchronous part of `append`: validated and in the page cache, not necessarily durable.
   * Use `waitDurable(result.lastOffset + 1)` when the flush policy matters.
   */
  appendNoWait(batches: Buffer, opts: AppendOptions = {}): AppendResult {
    return this.#append(batches, opts, false);
  }

  #append(batches: Buffer, opts: AppendOptions, deferred: boolean): AppendResult {
    this.#checkOpen();
    const now = this.#now();
    const set = validateBatches(
      batches,
      this.#config,
      now,
      !opts.control,
      opts.allowMultipleBatches ?? false,
    );
    checkRecords(batches, set, this.#config, now, `${this.topic}-${this.partition}`, opts.recordsChecked);
    const logAppend = this.#config.messageTimestampType === 'LogAppendTime';
    let next = this.logEndOffset;
    const baseOffset = next;
    let maxTimestamp = -1;
    for (const b of set.batches) {
      writeInt64(batches, next, b.position); // baseOffset, outside the CRC
      if (opts.leaderEpoch !== undefined) patchLeaderEpoch(batches, b.position, opts.leaderEpoch);
      if (logAppend) {
        patchMaxTimestamp(batches, b.position, BigInt(now), true);
        b.maxTimestamp = now;
      }
      b.baseOffset = next;
      b.lastOffset = next + b.lastOffsetDelta;
      next = b.lastOffset + 1;
      if (b.maxTimestamp > maxTimestamp) maxTimestamp = b.maxTimestamp;
    }
    this.#write(batches, set, maxTimestamp, now, deferred);
    return {
      baseOffset,
      lastOffset: next - 1,
      logAppendTime: logAppend ? now : -1,
      logStartOffset: this.#logStartOffset,
      maxTimestamp,
      batchCount: set.batches.length,
      bytes: set.validBytes,
      stored: set.validBytes === batches.length ? batches : batches.subarray(0, set.validBytes),
    };
  }

  /**
   * Appends batches that already carry their offsets (replication forwards the exact bytes).
   * Checks framing, CRC and sizes, and that offsets continue the log: the first base offset
   * must be at or past the log end offset (gaps are allowed, as compacted logs have them) and
   * offsets must increase. Nothing is reassigned.
   */
  appendReplicated(batches: Buffer): Promise<AppendResult> {
    try {
      this.#checkOpen();
      const now = this.#now();
      const set = validateBatches(batches, this.#config, now, false, true);
      let expected = this.logEndOffset;
      let maxTimestamp = -1;
      for (const b of set.batches) {
        if (b.baseOffset < expected) {
          throw offsetOutOfRange(
            `replicated batch at offset ${b.baseOffset} does not continue the log at ${expected}`,
          );
        }
        b.lastOffset = b.baseOffset + b.lastOffsetDelta;
        expected = b.lastOffset + 1;
        if (b.maxTimestamp > maxTimestamp) maxTimestamp = b.maxTimestamp;
      }
      const first = set.batches[0]!;
      const result: AppendResult = {
        baseOffset: first.baseOffset,
        lastOffset: expected - 1,
        logAppendTime: -1,
        logStartOffset: this.#logStartOffset,
        maxTimestamp,
        batchCount: set.batches.length,
        bytes: set.validBytes,
        stored: set.validBytes === batches.length ? batches : batches.subarray(0, set.validBytes),
      };
      // A leading gap (a compacted source) would leave the segment's nextOffset behind.
      if (first.baseOffset > this.logEndOffset && this.#active.isEmpty) this.#rollTo(first.baseOffset);
      this.#write(batches, set, maxTimestamp, now);
      return this.#afterWrite(result);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  #write(buf: Buffer, set: ValidatedSet, maxTs: number, now: number, deferred = false): void {
    const first = set.batches[0]!;
    const last = set.batches[set.batches.length - 1]!;
    this.#maybeRoll(set.validBytes, maxTs, first.baseOffset, last.lastOffset, now);
    const bytes = set.validBytes === buf.length ? buf : buf.subarray(0, set.validBytes);
    this.#active.append(bytes, set.batches, this.#config.indexIntervalBytes, deferred);
    this.#appendedBytes += bytes.length;
    for (const b of set.batches) {
      this.#epochs.assign(buf.readInt32BE(b.position + BatchOffsets.partitionLeaderEpoch), b.baseOffset);
      if ((buf.readInt16BE(b.position + BatchOffsets.attributes) & BatchAttributes.transactional) !== 0) {
        this.#observeTransactional(buf, b.position, b.baseOffset);
      }
    }
  }

  #observeTransactional(buf: Buffer, pos: number, baseOffset: number): void {
    if (!this.#transactional) {
      // Before the first transactional batch is acknowledged, so that a restart rebuilds its state.
      this.dir.open(TRANSACTIONAL_MARKER).close();
      this.dir.syncDir();
      this.#transactional = true;
    }
    const aborted = this.#txns.observe(buf, pos, baseOffset);
    if (aborted) this.#active.appendAbortedTxn(aborted);
  }

  // ---- transactions ----

  /**
   * The last stable offset: read_committed consumers read below it. The first offset of the
   * oldest open transaction, or the high watermark when none is open.
   */
  get lastStableOffset(): number {
    return this.#txns.lastStableOffset(this.#highWatermark);
  }

  /** Aborted transactions overlapping offsets `from`..`upTo` (Fetch's aborted_transactions). */
  abortedTransactions(from: number, upTo: number): AbortedTxn[] {
    return this.#txns.abortedBetween(from, upTo);
  }

  /** Producer ids with an open transaction here, and the offset each began at. */
  get openTransactions(): ReadonlyMap<bigint, number> {
    return this.#txns.ongoing;
  }

  /**
   * Writes a transaction marker (a control batch, as Kafka's WriteTxnMarkers does) that commits
   * or aborts `producerId`'s open transaction in this partition. Resolves with its offset.
   */
  appendMarker(marker: TxnMarker, opts: { leaderEpoch?: number } = {}): Promise<AppendResult> {
    const key = Buffer.alloc(4);
    key.writeInt16BE(0, 0);
    key.writeInt16BE(marker.commit ? ControlType.commit : ControlType.abort, 2);
    const value = Buffer.alloc(6);
    value.writeInt16BE(0, 0);
    value.writeInt32BE(marker.coordinatorEpoch ?? 0, 2);
    const batch = encodeRecordBatchSync({
      isControl: true,
      isTransactional: true,
      producerId: marker.producerId,
      producerEpoch: marker.producerEpoch,
      baseSequence: -1,
      records: [{ key, value, timestamp: this.#now() }],
    });
    return this.append(batch, { ...opts, recordsChecked: true, control: true });
  }

  /** Applies the flush policy and moves the high watermark; resolves to `result`. */
  #afterWrite(result: AppendResult): Promise<AppendResult> {
    const leo = this.logEndOffset;
    if (leo - this.#durableOffset >= this.#config.flushMessages) {
      return this.waitDurable(leo).then(() => result);
    }
    this.#moveHighWatermarkAndWriteBack();
    return Promise.resolve(result);
  }

  /** After a write the flush policy does not wait on: consumers may see it; write back in steps. */
  #moveHighWatermarkAndWriteBack(): void {
    this.#autoHighWatermark();
    this.#maybeWriteBack();
  }

  /** Starts a background fdatasync once WRITEBACK_STEP_BYTES were appended under a timed flush. */
  #maybeWriteBack(): void {
    if (this.#syncing || !Number.isFinite(this.#config.flushMs)) return;
    if (this.#appendedBytes - this.#appendedAtLastSync < WRITEBACK_STEP_BYTES) return;
    // A failure is logged by #runSyncs (and the next flush tries again); nobody waits on this.
    this.waitDurable(this.logEndOffset).catch(() => undefined);
  }

  #autoHighWatermark(): void {
    if (!this.highWatermarkFollowsLog) return;
    // With a per-message flush policy, consumers only see what a crash cannot take back.
    const target = Number.isFinite(this.#config.flushMessages) ? this.#durableOffset : this.logEndOffset;
    if (target > this.#highWatermark) this.highWatermark = target;
  }

  #maybeRoll(
    incomingBytes: number,
    incomingMaxTs: number,
    firstOffset: number,
    lastOffset: number,
    now: number,
  ): void {
    const seg = this.#active;
    if (seg.isEmpty) return;
    const c = this.#config;
    const age =
      seg.firstBatchTimestamp >= 0 && incomingMaxTs >= 0
        ? incomingMaxTs - seg.firstBatchTimestamp
        : now - seg.createdAtMs;
    if (
      seg.size > c.segmentBytes - incomingBytes ||
      age > c.segmentMs ||
      seg.indexIsFull(c.segmentIndexBytes) ||
      lastOffset - seg.baseOffset > INT32_MAX
    ) {
      this.#rollTo(firstOffset);
    }
  }

  /** Starts a new active segment at `baseOffset`; the old one is sealed and synced in the background. */
  #rollTo(baseOffset: number): void {
    const old = this.#active;
    if (old.isEmpty) {
      // Nothing to keep: replace it (a gap at the start of a replicated log).
      this.#segments.pop();
      void old.delete();
    } else {
      old.sealTimeIndex();
      old.persistIndexes();
    }
    const seg = new Segment(this.dir, baseOffset, this.#now());
    this.#segments.push(seg);
    this.dir.syncDir();
    if (!old.isEmpty) {
      // Kafka flushes a rolled segment asynchronously; the recovery point follows once it is on disk.
      old.sync(true).then(
        () => {
          if (this.#recoveryPoint < baseOffset && this.#segments.includes(seg)) {
            if (
              this.#segments.every(
                (s) => s.baseOffset >= baseOffset || (!s.unsyncedLog && !s.unsyncedIndexes),
              )
            ) {
              this.#recoveryPoint = baseOffset;
              if (this.#durableOffset < baseOffset) this.#durableOffset = baseOffset;
            }
          }
        },
        (err: unknown) => this.#logger.error({ ...this.#labels, err }, 'sync of a rolled segment failed'),
      );
    }
  }

  // ---- durability ----

  /** Resolves once every offset below `upTo` is in fsynced log files (grouped fdatasync). */
  waitDurable(upTo: number): Promise<void> {
    if (this.#durableOffset >= upTo) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.#syncWaiters.push({ upTo, resolve, reject });
      if (!this.#syncing) void this.#runSyncs();
    });
  }

  async #runSyncs(): Promise<void> {
    this.#syncing = true;
    try {
      while (this.#syncWaiters.length > 0) {
        const target = this.logEndOffset;
        this.#appendedAtLastSync = this.#appendedBytes;
        await Promise.all(this.#segments.filter((s) => s.unsyncedLog).map((s) => s.sync(false)));
        this.#count('fsync');
        this.#markDurable(target);
      }
    } catch (err) {
      const waiters = this.#syncWaiters;
      this.#syncWaiters = [];
      this.#logger.error({ ...this.#labels, err }, 'fsync failed');
      for (const w of waiters) w.reject(storageError(`fsync failed: ${String(err)}`));
    } finally {
      this.#syncing = false;
    }
  }

  #markDurable(target: number): void {
    const t = Math.min(target, this.logEndOffset);
    if (t > this.#durableOffset) this.#durableOffset = t;
    const still: SyncWaiter[] = [];
    for (const w of this.#syncWaiters) {
      if (w.upTo <= this.#durableOffset) w.resolve();
      else still.push(w);
    }
    this.#syncWaiters = still;
    this.#autoHighWatermark();
  }

  /**
   * Writes pending index entries and fsyncs every segment with unsynced data (log and
   * indexes), then moves the recovery point to what was the log end offset.
   */
  async flush(): Promise<void> {
    const target = this.logEndOffset;
    this.#lastFlushMs = this.#now();
    this.#appendedAtLastSync = this.#appendedBytes;
    const dirty = this.#segments.filter((s) => s.unsyncedLog || s.unsyncedIndexes);
    for (const s of this.#segments) s.persistIndexes();
    await Promise.all(dirty.map((s) => s.sync(true)));
    if (dirty.length > 0) this.#count('fsync');
    const t = Math.min(target, this.logEndOffset);
    if (t > this.#recoveryPoint) this.#recoveryPoint = t;
    this.#markDurable(t);
  }

  /** Flushes when flush.ms has passed since the last flush and something is unflushed. */
  async maybeFlushOnTimer(): Promise<void> {
    if (this.#closed || !Number.isFinite(this.#config.flushMs)) return;
    if (this.#recoveryPoint >= this.logEndOffset && this.#durableOffset >= this.logEndOffset) return;
    if (this.#now() - this.#lastFlushMs < this.#config.flushMs) return;
    await this.flush();
  }

  // ---- long polling ----

  /** Calls `listener` whenever the high watermark rises. Returns the unsubscribe function. */
  onHighWatermark(listener: (hw: number) => void): () => void {
    this.#hwListeners.add(listener);
    return () => this.#hwListeners.delete(listener);
  }

  /**
   * Resolves true as soon as the high watermark is above `offset` (there is something to
   * fetch there), false after `timeoutMs` or when `signal` aborts. No polling: it waits on the
   * high-watermark event.
   */
  waitForData(offset: number, timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
    if (this.#highWatermark > offset) return Promise.resolve(true);
    if (timeoutMs <= 0 || signal?.aborted) return Promise.resolve(false);
    return new Promise<boolean>((resolve) => {
      const done = (v: boolean) => {
        clearTimeout(timer);
        off();
        this.#waiting.delete(onAbort);
        signal?.removeEventListener('abort', onAbort);
        resolve(v);
      };
      const onAbort = () => done(false);
      const off = this.onHighWatermark((hw) => {
        if (hw > offset) done(true);
      });
      const timer = setTimeout(() => done(false), timeoutMs);
      this.#waiting.add(onAbort);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /**
   * Ends every pending waitForData with false now: the partition is no longer served here (a
   * replicated partition moved to other nodes), so the high watermark they wait for will not come.
   */
  releaseWaiters(): void {
    for (const release of [...this.#waiting]) release();
  }

  // ---- reads ----

  #segmentIndexFor(offset: number): number {
    let lo = 0;
    let hi = this.#segments.length - 1;
    let found = 0;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.#segments[mid]!.baseOffset <= offset) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  }

  /**
   * A fetch: whole batches starting with the one that contains `offset`, stopping before any
   * batch that reaches `limitOffset` (the high watermark by default) and before `maxBytes`
   * would be exceeded, except that the first batch is returned whole even when larger
   * (`minOneBatch`, KIP-74). One segment per call and usually one file read: an index lookup,
   * then a scan of at most index.interval.bytes within the same read.
   *
   * Throws OFFSET_OUT_OF_RANGE below the log start offset or above the log end offset, and
   * KAFKA_STORAGE_ERROR when `offset` sits at a corrupt batch.
   */
  read(offset: number, maxBytes: number, limitOffset = this.#highWatermark, minOneBatch = true): ReadResult {
    this.#checkOpen();
    if (offset < this.#logStartOffset || offset > this.logEndOffset) {
      throw offsetOutOfRange(
        `offset ${offset} is outside [${this.#logStartOffset}, ${this.logEndOffset}] of ${this.topic}-${this.partition}`,
      );
    }
    const empty: ReadResult = { records: Buffer.alloc(0), nextOffset: offset };
    const limit = Math.min(limitOffset, this.logEndOffset);
    if (offset >= limit) return empty;
    for (let i = this.#segmentIndexFor(offset); i < this.#segments.length; i++) {
      const seg = this.#segments[i]!;
      if (offset >= seg.nextOffset && seg.corruptAt === undefined) continue;
      const r = this.#readSegment(seg, offset, maxBytes, limit, minOneBatch);
      if (r) return r;
    }
    return empty;
  }

  #readSegment(
    seg: Segment,
    offset: number,
    maxBytes: number,
    limit: number,
    minOneBatch: boolean,
  ): ReadResult | undefined {
    const readable = seg.readableSize;
    const interval = this.#config.indexIntervalBytes;
    let pos = seg.offsetIndex.lookup(offset - seg.baseOffset);
    // The batch holding `offset` starts at or before the next index entry: reading that far
    // plus maxBytes makes this one read cover the scan and the answer (with batches larger than
    // index.interval.bytes, a fixed `interval` of slack meant a second read of every fetch).
    const next = seg.offsetIndex.nextPosition(offset - seg.baseOffset);
    const span = next > pos ? next - pos : interval;
    let chunk = seg.log.read(
      pos,
      Math.min(readable - pos, Math.max(maxBytes, 0) + span + 2 * BATCH_HEADER_SIZE),
    );
    let chunkStart = pos;
    // Find the first batch whose last offset reaches `offset`.
    let size = 0;
    for (;;) {
      if (pos >= readable) {
        if (seg.corruptAt !== undefined && offset < this.#nextSegmentBase(seg))
          throw this.#corruptRead(seg, offset);
        return undefined;
      }
      let off = pos - chunkStart;
      if (off + BATCH_HEADER_SIZE > chunk.length) {
        chunk = seg.log.read(
          pos,
          Math.min(readable - pos, Math.max(maxBytes, 0) + interval + 2 * BATCH_HEADER_SIZE),
        );
        chunkStart = pos;
        off = 0;
        if (chunk.length < BATCH_HEADER_SIZE) {
          this.#markCorrupt(seg, pos, 'partial batch header');
          throw this.#corruptRead(seg, offset);
        }
      }
      const problem = headerProblem(chunk, off);
      if (problem) {
        this.#markCorrupt(seg, pos, problem);
        throw this.#corruptRead(seg, offset);
      }
      size = chunk.readInt32BE(off + BatchOffsets.batchLength) + 12;
      const last = readInt64(chunk, off) + chunk.readInt32BE(off + BatchOffsets.lastOffsetDelta);
      if (last >= offset) break;
      pos += size;
    }
    // Collect batches from `pos`, reusing the chunk when it already covers them.
    const want = Math.min(readable - pos, Math.max(maxBytes, minOneBatch ? size : 0));
    let buf: Buffer;
    if (pos - chunkStart + want <= chunk.length)
      buf = chunk.subarray(pos - chunkStart, pos - chunkStart + want);
    else buf = seg.log.read(pos, want);
    let end = 0;
    while (end + BATCH_HEADER_SIZE <= buf.length) {
      if (headerProblem(buf, end)) {
        this.#markCorrupt(seg, pos + end, headerProblem(buf, end)!);
        break;
      }
      const s = buf.readInt32BE(end + BatchOffsets.batchLength) + 12;
      const last = readInt64(buf, end) + buf.readInt32BE(end + BatchOffsets.lastOffsetDelta);
      if (last >= limit || end + s > buf.length) break;
      if (end > 0 && end + s > maxBytes) break;
      end += s;
      if (end >= maxBytes) break;
    }
    if (end === 0) return { records: Buffer.alloc(0), nextOffset: offset };
    const lastOff = this.#lastOffsetIn(buf, end);
    return { records: buf.subarray(0, end), nextOffset: lastOff + 1 };
  }

  #lastOffsetIn(buf: Buffer, end: number): number {
    let p = 0;
    let last = -1;
    while (p < end) {
      last = readInt64(buf, p) + buf.readInt32BE(p + BatchOffsets.lastOffsetDelta);
      p += buf.readInt32BE(p + BatchOffsets.batchLength) + 12;
    }
    return last;
  }

  #nextSegmentBase(seg: Segment): number {
    const i = this.#segments.indexOf(seg);
    return this.#segments[i + 1]?.baseOffset ?? this.logEndOffset;
  }

  #markCorrupt(seg: Segment, position: number, reason: string): void {
    if (seg.corruptAt !== undefined && seg.corruptAt <= position) return;
    seg.corruptAt = position;
    this.#count('corruption');
    this.#logger.error(
      { ...this.#labels, segment: seg.baseOffset, position, reason },
      'corrupt batch found while reading; reads stop before it',
    );
  }

  #corruptRead(seg: Segment, offset: number): StorageError {
    return storageError(
      `${this.topic}-${this.partition}: offset ${offset} is in a corrupt part of segment ${seg.baseOffset} (from byte ${seg.corruptAt})`,
    );
  }

  /**
   * The first record with timestamp >= `timestamp` (Kafka's ListOffsets by time), or undefined
   * when every record is older. Uses the time index, scans batch headers from there, and
   * decodes only the one batch that holds the answer.
   */
  async offsetForTimestamp(timestamp: number): Promise<TimestampOffset | undefined> {
    this.#checkOpen();
    for (const seg of this.#segments) {
      if (seg.maxTimestamp < timestamp || seg.nextOffset <= this.#logStartOffset) continue;
      const before = seg.timeIndex.lookupBefore(timestamp);
      const startRel = before ? before.relativeOffset + 1 : 0;
      const start = seg.offsetIndex.lookup(startRel - 1);
      let found: { buf: Buffer; off: number; size: number } | undefined;
      scanBatches(seg.log, start, seg.readableSize, false, (b) => {
        if (b.maxTimestamp >= timestamp && b.lastOffset >= this.#logStartOffset) {
          found = { buf: b.buf, off: b.offsetInBuf, size: b.size };
          return false;
        }
        return true;
      });
      if (!found) continue;
      const { buf, off, size } = found;
      const batch = await decodeRecordBatch(buf.subarray(off, off + size), { verifyCrc: false });
      for (const r of batch.records) {
        const o = Number(r.offset);
        if (Number(r.timestamp) >= timestamp && o >= this.#logStartOffset) {
          return {
            offset: o,
            timestamp: Number(r.timestamp),
            leaderEpoch: batch.header.partitionLeaderEpoch,
          };
        }
      }
    }
    return undefined;
  }

  // ---- truncation and deletion ----

  /**
   * Removes every record at `offset` and above (replication: a follower drops what the leader
   * does not have). Cuts at a batch boundary; a batch that contains `offset` goes whole. Below
   * the log start offset the log is emptied and restarts at `offset`.
   */
  async truncateTo(offset: number): Promise<void> {
    this.#checkOpen();
    if (offset >= this.logEndOffset) return;
    if (offset <= this.#logStartOffset) {
      await this.truncateFullyAndStartAt(offset);
      return;
    }
    while (this.#segments.length > 1 && this.#active.baseOffset >= offset) {
      const gone = this.#segments.pop()!;
      await gone.delete();
    }
    const seg = this.#active;
    // The first batch whose last offset reaches `offset` and everything after it go.
    let cut = seg.size;
    let newEnd = offset;
    scanBatches(seg.log, seg.offsetIndex.lookup(offset - seg.baseOffset), seg.size, false, (b) => {
      if (b.lastOffset >= offset) {
        cut = b.position;
        newEnd = Math.min(offset, b.baseOffset);
        return false;
      }
      return true;
    });
    seg.log.truncate(cut);
    seg.unsyncedLog = true;
    if (seg.corruptAt !== undefined && seg.corruptAt >= cut) seg.corruptAt = undefined;
    rebuildTail(seg, this.#config.indexIntervalBytes);
    seg.nextOffset = Math.max(seg.nextOffset, Math.min(newEnd, offset));
    this.#afterTruncation();
  }

  /** Deletes every segment and starts an empty log at `offset`. */
  async truncateFullyAndStartAt(offset: number): Promise<void> {
    this.#checkOpen();
    const old = this.#segments;
    this.#segments = [];
    for (const s of old) await s.delete();
    this.#segments.push(new Segment(this.dir, offset, this.#now()));
    this.dir.syncDir();
    this.#logStartOffset = offset;
    this.#afterTruncation();
  }

  #afterTruncation(): void {
    if (this.#transactional) this.#rebuildTransactions();
    const leo = this.logEndOffset;
    this.#epochs.truncateFromEnd(leo);
    if (this.#highWatermark > leo) this.#highWatermark = leo;
    if (this.#recoveryPoint > leo) this.#recoveryPoint = leo;
    if (this.#durableOffset > leo) this.#durableOffset = leo;
    if (this.#logStartOffset > leo) this.#logStartOffset = leo;
  }

  /**
   * DeleteRecords: moves the log start offset to `offset` (at most the high watermark) and
   * deletes the segments that lie wholly below it. Returns the new log start offset.
   */
  async deleteRecordsBefore(offset: number): Promise<number> {
    this.#checkOpen();
    if (offset > this.#highWatermark) {
      throw offsetOutOfRange(
        `cannot move the log start offset to ${offset}, above the high watermark ${this.#highWatermark}`,
      );
    }
    if (offset > this.#logStartOffset) this.#logStartOffset = offset;
    await this.#deleteOldest(this.#countBelowStart(), 'log-start-offset');
    return this.#logStartOffset;
  }

  #countBelowStart(): number {
    let n = 0;
    while (n < this.#segments.length - 1 && this.#segments[n + 1]!.baseOffset <= this.#logStartOffset) n++;
    return n;
  }

  /** One retention pass (retention.ms, retention.bytes, log start offset). Never the active segment. */
  async applyRetention(): Promise<{ deletedSegments: number; deletedBytes: number }> {
    if (this.#closed) return { deletedSegments: 0, deletedBytes: 0 };
    const infos = this.#segments.map((s) => ({
      baseOffset: s.baseOffset,
      size: s.size,
      maxTimestamp: s.maxTimestamp,
      mtimeMs: s.createdAtMs,
    }));
    const { count, reasons } = segmentsToDelete(
      infos,
      this.#config,
      this.#now(),
      this.#highWatermark,
      this.#logStartOffset,
    );
    let bytes = 0;
    for (let i = 0; i < count; i++) bytes += this.#segments[i]!.size;
    await this.#deleteOldest(count, reasons.join(','));
    return { deletedSegments: count, deletedBytes: bytes };
  }

  async #deleteOldest(count: number, reason: string): Promise<void> {
    if (count <= 0) return;
    const gone = this.#segments.splice(0, count);
    const newStart = this.#segments[0]!.baseOffset;
    if (newStart > this.#logStartOffset) this.#logStartOffset = newStart;
    this.#txns.trimBefore(this.#logStartOffset);
    for (const s of gone) {
      await s.delete();
      this.#count('segment_deleted');
      this.#logger.info({ ...this.#labels, segment: s.baseOffset, reason }, 'deleted segment');
    }
    this.dir.syncDir();
  }

  /**
   * Replaces `old` with a rewritten segment (compaction). The new log file was written as
   * `<base>.log.cleaned` and is renamed over the old one: a crash leaves either.
   * @internal
   */
  async replaceSegment(old: Segment, cleanedName: string): Promise<Segment | undefined> {
    const i = this.#segments.indexOf(old);
    if (i < 0 || old === this.#active) {
      this.dir.remove(cleanedName);
      return undefined;
    }
    await old.close();
    // Indexes first: a crash after this point finds no index and rebuilds it from whichever log is there.
    this.dir.remove(logFileName(old.baseOffset).replace(LOG_SUFFIX, INDEX_SUFFIX));
    this.dir.remove(logFileName(old.baseOffset).replace(LOG_SUFFIX, TIME_INDEX_SUFFIX));
    this.dir.rename(cleanedName, logFileName(old.baseOffset));
    this.dir.syncDir();
    const seg = new Segment(this.dir, old.baseOffset, old.createdAtMs);
    rebuildSegment(seg, this.#config.indexIntervalBytes, false);
    // Compaction keeps offsets: the segment still ends where the old one did.
    seg.nextOffset = Math.max(seg.nextOffset, old.nextOffset);
    await seg.sync(true);
    this.#segments[i] = seg;
    return seg;
  }

  // ---- verification and shutdown ----

  /**
   * Reads every segment with CRC checks and reports problems, without changing anything
   * (an operator's or a test's deep check; the append and read paths never do this).
   */
  verify(): Array<{ segment: number; position: number; reason: string }> {
    const problems: Array<{ segment: number; position: number; reason: string }> = [];
    for (const seg of this.#segments) {
      const stop = scanBatches(seg.log, 0, seg.size, true, () => true, seg.baseOffset);
      if (stop.kind !== 'end' || stop.position !== seg.size) {
        problems.push({
          segment: seg.baseOffset,
          position: stop.position,
          reason: 'reason' in stop ? stop.reason : 'short',
        });
      }
    }
    return problems;
  }

  #checkOpen(): void {
    if (this.#closed) throw storageError(`${this.topic}-${this.partition} is closed`);
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Seals and flushes everything, then closes the files. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#active.sealTimeIndex();
    await this.flush();
    this.#closed = true;
    for (const w of this.#syncWaiters) w.reject(storageError('log closed'));
    this.#syncWaiters = [];
    for (const s of this.#segments) await s.close();
  }

  /** Closes and removes every file of this partition (DeleteTopics). */
  async deleteAll(): Promise<void> {
    this.#closed = true;
    for (const s of this.#segments) await s.delete();
    this.#segments = [];
    this.#epochs.remove();
  }
}

/** After a truncation: drop index entries past the cut and recompute the tail state. */
function rebuildTail(seg: Segment, interval: number): void {
  seg.offsetIndex.truncateToPosition(seg.size);
  // Time entries for offsets that are gone must go; recompute from the surviving tail.
  const lastEntry = seg.offsetIndex.last();
  const start = lastEntry?.position ?? 0;
  let lastOffsetBeforeStart = seg.baseOffset - 1;
  if (lastEntry) lastOffsetBeforeStart = seg.baseOffset + lastEntry.relativeOffset;
  // Batches before `start` end at or before lastOffsetBeforeStart (the entry's batch included).
  seg.timeIndex.truncateToOffset(lastOffsetBeforeStart - seg.baseOffset);
  if (lastEntry) seg.offsetIndex.truncateToPosition(lastEntry.position);
  const t = seg.timeIndex.last();
  seg.maxTimestamp = t?.timestamp ?? -1;
  seg.offsetOfMaxTimestamp = t ? seg.baseOffset + t.relativeOffset : -1;
  seg.nextOffset = seg.baseOffset;
  seg.bytesSinceLastIndexEntry = lastEntry ? interval + 1 : 0;
  if (!lastEntry) seg.firstBatchTimestamp = -1;
  scanBatches(seg.log, start, seg.size, false, (b) => {
    seg.indexBatch(b.position, b.size, b.lastOffset, b.maxTimestamp, interval);
    return true;
  });
  seg.unsyncedIndexes = true;
}
