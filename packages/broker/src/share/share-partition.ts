/**
 * One share-partition (KIP-932): what a share group knows about one topic-partition. Records
 * below the share-partition start offset (SPSO) are done with; records from `nextOffset` on were
 * never handed out; the in-flight window between them holds a state per offset:
 *
 *   AVAILABLE -> (acquired by a ShareFetch, delivery count + 1) -> ACQUIRED
 *   ACQUIRED  -> accept -> ACKNOWLEDGED;  reject / gap -> ARCHIVED
 *   ACQUIRED  -> release, lock timeout, member gone -> AVAILABLE, or ARCHIVED once its delivery
 *                count has reached `group.share.delivery.count.limit`
 *
 * The SPSO moves past every leading ACKNOWLEDGED/ARCHIVED offset. The state machine follows
 * Kafka's SharePartition; the code is Kilgore's own.
 */
import { ErrorCode } from '@kilgore/protocol';

export const RecordState = { AVAILABLE: 0, ACQUIRED: 1, ACKNOWLEDGED: 2, ARCHIVED: 4 } as const;
export type RecordState = (typeof RecordState)[keyof typeof RecordState];

/** The AcknowledgeTypes of ShareFetch/ShareAcknowledge. */
export const AckType = { GAP: 0, ACCEPT: 1, RELEASE: 2, REJECT: 3 } as const;

interface Acquisition {
  timer: NodeJS.Timeout | null;
  /** Offsets of this acquisition still ACQUIRED. */
  outstanding: number;
}

interface InFlight {
  state: RecordState;
  deliveryCount: number;
  owner: string | null;
  acquisition: Acquisition | null;
}

/** One run of offsets with the same durable state, as persisted (Kafka's state batches). */
export interface StateRun {
  firstOffset: number;
  lastOffset: number;
  /** AVAILABLE, ACKNOWLEDGED or ARCHIVED: acquisitions are not durable, they end at a restart. */
  state: RecordState;
  deliveryCount: number;
}

export interface SharePartitionSnapshot {
  /** -1 until the first ShareFetch initialises it from `share.auto.offset.reset`. */
  startOffset: number;
  runs: StateRun[];
}

export interface SharePartitionLimits {
  recordLockDurationMs: number;
  deliveryCountLimit: number;
  /** group.share.partition.max.record.locks: the in-flight window never grows past this. */
  maxInFlight: number;
}

export interface AcquiredRange {
  firstOffset: number;
  lastOffset: number;
  deliveryCount: number;
}

/** A record batch's offsets, from its header: enough to acquire whole batches. */
export interface BatchSpan {
  baseOffset: number;
  lastOffset: number;
  /** Control batches (transaction markers) are never handed out: they are archived at once. */
  control: boolean;
  /** Byte offset just past the batch in the fetched buffer. */
  end: number;
}

export class AcknowledgeError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

export class SharePartition {
  startOffset: number;
  nextOffset: number;
  private readonly inFlight = new Map<number, InFlight>();
  /** Set by every change a restart must see; cleared by whoever persists it. */
  dirty = false;
  private readonly waiters = new Set<() => void>();

  constructor(
    private readonly limits: SharePartitionLimits,
    snapshot?: SharePartitionSnapshot,
  ) {
    this.startOffset = snapshot?.startOffset ?? -1;
    this.nextOffset = this.startOffset;
    for (const run of snapshot?.runs ?? []) {
      for (let o = run.firstOffset; o <= run.lastOffset; o++) {
        this.inFlight.set(o, {
          state: run.state,
          deliveryCount: run.deliveryCount,
          owner: null,
          acquisition: null,
        });
      }
      this.nextOffset = Math.max(this.nextOffset, run.lastOffset + 1);
    }
    this.advanceStart();
  }

  /** A write of this state failed: the next persist writes it again. */
  markDirty(): void {
    this.dirty = true;
  }

  get initialised(): boolean {
    return this.startOffset >= 0;
  }

  /** Sets the SPSO the first time the partition is fetched (or after the log lost its records). */
  initialise(offset: number): void {
    this.startOffset = offset;
    this.nextOffset = offset;
    this.inFlight.clear();
    this.dirty = true;
  }

  /**
   * AlterShareGroupOffsets: the start offset moves to `offset` and every in-flight record's state
   * (delivery counts included) is dropped, as Kafka's share coordinator re-initialises it.
   */
  reset(offset: number): void {
    this.close();
    this.initialise(offset);
    this.wake();
  }

  /** Records below the log start offset are gone (retention, DeleteRecords): forget their state. */
  skipTo(logStartOffset: number): void {
    if (this.startOffset >= logStartOffset) return;
    for (let o = this.startOffset; o < Math.min(logStartOffset, this.nextOffset); o++) this.drop(o);
    this.startOffset = logStartOffset;
    this.nextOffset = Math.max(this.nextOffset, logStartOffset);
    this.dirty = true;
  }

  /** The lowest offset a fetch could hand out now, or -1 when nothing is available below `hwm`. */
  firstCandidate(hwm: number): number {
    for (let o = this.startOffset; o < this.nextOffset; o++) {
      if (this.inFlight.get(o)?.state === RecordState.AVAILABLE) return o;
    }
    if (this.nextOffset < hwm && this.nextOffset - this.startOffset < this.limits.maxInFlight)
      return this.nextOffset;
    return -1;
  }

  /**
   * Acquires for `member` what the fetched batches cover: AVAILABLE records among them, then
   * records never delivered (whole batches, as Kafka's batch-optimised mode does, so the count
   * may pass `maxRecords` to end on a batch boundary). Returns the ranges and the bytes of the
   * fetched buffer they need (`from` to `bytes`: leading batches with nothing acquired left out).
   */
  acquire(
    member: string,
    batches: readonly BatchSpan[],
    maxRecords: number,
  ): { ranges: AcquiredRange[]; from: number; bytes: number } {
    const acquisition: Acquisition = { timer: null, outstanding: 0 };
    const ranges: AcquiredRange[] = [];
    let from = -1;
    let bytes = 0;
    let batchStart = 0;
    const take = (offset: number, entry: InFlight): void => {
      entry.state = RecordState.ACQUIRED;
      entry.deliveryCount++;
      entry.owner = member;
      entry.acquisition = acquisition;
      acquisition.outstanding++;
      const last = ranges[ranges.length - 1];
      if (last && last.lastOffset === offset - 1 && last.deliveryCount === entry.deliveryCount)
        last.lastOffset = offset;
      else ranges.push({ firstOffset: offset, lastOffset: offset, deliveryCount: entry.deliveryCount });
    };
    for (const batch of batches) {
      if (acquisition.outstanding >= maxRecords) break;
      let took = false;
      for (let o = Math.max(batch.baseOffset, this.startOffset); o <= batch.lastOffset; o++) {
        if (o < this.nextOffset) {
          const entry = this.inFlight.get(o);
          if (entry?.state !== RecordState.AVAILABLE) continue;
          if (batch.control) {
            this.archive(entry);
            continue;
          }
          if (acquisition.outstanding >= maxRecords) break;
          take(o, entry);
          took = true;
          continue;
        }
        // A record never delivered: take the rest of its batch whole.
        if (this.nextOffset - this.startOffset >= this.limits.maxInFlight) break;
        const entry: InFlight = {
          state: RecordState.AVAILABLE,
          deliveryCount: 0,
          owner: null,
          acquisition: null,
        };
        this.inFlight.set(o, entry);
        this.nextOffset = o + 1;
        if (batch.control) this.archive(entry);
        else {
          take(o, entry);
          took = true;
        }
      }
      if (took) {
        if (from < 0) from = batchStart;
        bytes = batch.end;
      }
      batchStart = batch.end;
      this.dirty = true;
    }
    if (acquisition.outstanding > 0) {
      acquisition.timer = setTimeout(() => this.lockExpired(acquisition), this.limits.recordLockDurationMs);
      acquisition.timer.unref();
    }
    this.advanceStart();
    return { ranges, from: Math.max(0, from), bytes };
  }

  /**
   * Applies one acknowledgement batch from `member`: one type for the whole run, or one per
   * offset. Every offset must be acquired by `member` (gaps: any acquired offset), or nothing is
   * applied and INVALID_RECORD_STATE answers.
   */
  acknowledge(member: string, firstOffset: number, lastOffset: number, types: readonly number[]): void {
    if (lastOffset < firstOffset || (types.length !== 1 && types.length !== lastOffset - firstOffset + 1)) {
      throw new AcknowledgeError(
        ErrorCode.INVALID_REQUEST,
        `bad acknowledgement batch ${firstOffset}-${lastOffset}`,
      );
    }
    for (let o = firstOffset; o <= lastOffset; o++) {
      const type = types.length === 1 ? types[0]! : types[o - firstOffset]!;
      if (type < AckType.GAP || type > AckType.REJECT) {
        throw new AcknowledgeError(ErrorCode.INVALID_REQUEST, `unknown acknowledge type ${type}`);
      }
      const entry = this.inFlight.get(o);
      if (entry === undefined || entry.state !== RecordState.ACQUIRED || entry.owner !== member) {
        throw new AcknowledgeError(
          ErrorCode.INVALID_RECORD_STATE,
          `offset ${o} is not acquired by this member`,
        );
      }
    }
    for (let o = firstOffset; o <= lastOffset; o++) {
      const type = types.length === 1 ? types[0]! : types[o - firstOffset]!;
      const entry = this.inFlight.get(o)!;
      if (type === AckType.ACCEPT) this.finish(entry, RecordState.ACKNOWLEDGED);
      else if (type === AckType.RELEASE) this.release(entry);
      else this.finish(entry, RecordState.ARCHIVED);
    }
    this.dirty = true;
    this.advanceStart();
    this.wake();
  }

  /** Everything `member` holds goes back (its share session closed, or it left the group). */
  releaseAll(member: string): void {
    let any = false;
    for (const entry of this.inFlight.values()) {
      if (entry.state === RecordState.ACQUIRED && entry.owner === member) {
        this.release(entry);
        any = true;
      }
    }
    if (!any) return;
    this.dirty = true;
    this.advanceStart();
    this.wake();
  }

  /** Calls `fn` once when records may have become available here (released, timed out). */
  onAvailable(fn: () => void): () => void {
    this.waiters.add(fn);
    return () => this.waiters.delete(fn);
  }

  /** Counts by state, for tests and DescribeShareGroupOffsets-style views. */
  counts(): Record<'available' | 'acquired' | 'acknowledged' | 'archived', number> {
    const c = { available: 0, acquired: 0, acknowledged: 0, archived: 0 };
    for (const e of this.inFlight.values()) {
      if (e.state === RecordState.AVAILABLE) c.available++;
      else if (e.state === RecordState.ACQUIRED) c.acquired++;
      else if (e.state === RecordState.ACKNOWLEDGED) c.acknowledged++;
      else c.archived++;
    }
    return c;
  }

  /** The durable view: acquired records count as AVAILABLE (a restart ends every lock). */
  snapshot(): SharePartitionSnapshot {
    const runs: StateRun[] = [];
    for (let o = this.startOffset; o < this.nextOffset; o++) {
      const e = this.inFlight.get(o);
      if (!e) continue;
      const state = e.state === RecordState.ACQUIRED ? RecordState.AVAILABLE : e.state;
      const last = runs[runs.length - 1];
      if (
        last &&
        last.lastOffset === o - 1 &&
        last.state === state &&
        last.deliveryCount === e.deliveryCount
      ) {
        last.lastOffset = o;
      } else runs.push({ firstOffset: o, lastOffset: o, state, deliveryCount: e.deliveryCount });
    }
    return { startOffset: this.startOffset, runs };
  }

  /** Stops every lock timer (the broker is stopping). */
  close(): void {
    for (const e of this.inFlight.values()) {
      if (e.acquisition?.timer) clearTimeout(e.acquisition.timer);
    }
  }

  private lockExpired(acquisition: Acquisition): void {
    acquisition.timer = null;
    let any = false;
    for (const entry of this.inFlight.values()) {
      if (entry.acquisition === acquisition && entry.state === RecordState.ACQUIRED) {
        this.release(entry);
        any = true;
      }
    }
    if (!any) return;
    this.dirty = true;
    this.advanceStart();
    this.wake();
  }

  /** Back to AVAILABLE, unless it has been delivered as often as allowed: then archived. */
  private release(entry: InFlight): void {
    this.finish(
      entry,
      entry.deliveryCount >= this.limits.deliveryCountLimit ? RecordState.ARCHIVED : RecordState.AVAILABLE,
    );
  }

  private archive(entry: InFlight): void {
    entry.state = RecordState.ARCHIVED;
  }

  private finish(entry: InFlight, state: RecordState): void {
    const acq = entry.acquisition;
    if (
      acq !== null &&
      entry.state === RecordState.ACQUIRED &&
      --acq.outstanding === 0 &&
      acq.timer !== null
    ) {
      clearTimeout(acq.timer);
      acq.timer = null;
    }
    entry.state = state;
    entry.owner = null;
    entry.acquisition = null;
  }

  private drop(offset: number): void {
    const e = this.inFlight.get(offset);
    if (e) this.finish(e, RecordState.ARCHIVED);
    this.inFlight.delete(offset);
  }

  private advanceStart(): void {
    while (this.startOffset < this.nextOffset) {
      const e = this.inFlight.get(this.startOffset);
      if (e !== undefined && e.state !== RecordState.ACKNOWLEDGED && e.state !== RecordState.ARCHIVED) break;
      this.inFlight.delete(this.startOffset);
      this.startOffset++;
    }
  }

  private wake(): void {
    const fns = [...this.waiters];
    this.waiters.clear();
    for (const fn of fns) fn();
  }
}
