/**
 * The broker's LogStore under chain replication: only partitions of this node's chain have logs
 * here; a head's append stamps the chain epoch and hands the bytes to the forwarder; appends to
 * the coordinators' topics (`__consumer_offsets`, `__transaction_state`) and transaction markers
 * resolve only once the whole chain has them: a commit, a transaction's state change or its end
 * must not be answered before a head change could lose it.
 */
import type { ChainReplicator } from '@kilgore/chain';
import { ErrorCode } from '@kilgore/protocol';
import type { PartitionLog, TxnMarker } from '@kilgore/storage';
import { OFFSETS_TOPIC } from '../groups/offsets-log.js';
import type { LogStore, PartitionAppendResult, PartitionLogView } from '../logs/partition-log.js';
import type { StorageLogStore } from '../logs/storage-log-store.js';
import { SHARE_STATE_TOPIC } from '../share/share-state-log.js';
import { TRANSACTION_STATE_TOPIC } from '../transactions/coordinator.js';

/** A failure carrying a Kafka error code (the produce handler reads `code`). */
export class ReplicationError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
    this.name = 'ReplicationError';
  }
}

export class ReplicatedLogStore implements LogStore {
  readonly #views = new Map<PartitionLog, ReplicatedLogView>();

  constructor(
    readonly inner: StorageLogStore,
    private readonly replicator: ChainReplicator,
    private readonly commitTimeoutMs: () => number,
  ) {}

  /** The storage log of a hosted partition (the chain engine's view). */
  raw(topic: string, partition: number): PartitionLog | undefined {
    return this.inner.manager.get(topic, partition);
  }

  get(topic: string, partition: number): PartitionLogView | undefined {
    const log = this.inner.manager.get(topic, partition);
    if (!log) return undefined;
    let v = this.#views.get(log);
    if (!v) {
      const coordinatorTopic =
        topic === OFFSETS_TOPIC || topic === TRANSACTION_STATE_TOPIC || topic === SHARE_STATE_TOPIC;
      v = new ReplicatedLogView(log, this.replicator, this.commitTimeoutMs, coordinatorTopic);
      this.#views.set(log, v);
    }
    return v;
  }

  /** Creates only the partitions this node's chain owns. */
  create(topic: string, from: number, to: number): void {
    for (let p = from; p < to; p++) {
      if (this.replicator.hosts(topic, p)) this.inner.manager.createPartition(topic, p);
    }
  }

  async drop(topic: string, partitions: number): Promise<void> {
    for (let p = 0; p < partitions; p++) {
      const log = this.inner.manager.get(topic, p);
      if (log) this.#views.delete(log);
    }
    await this.inner.drop(topic, partitions);
  }

  /** Closes and deletes one partition's log (a replica a reassignment removed from this node). */
  async dropPartition(topic: string, partition: number): Promise<boolean> {
    const log = this.inner.manager.get(topic, partition);
    if (log) this.#views.delete(log);
    return this.inner.manager.deletePartition(topic, partition);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

class ReplicatedLogView implements PartitionLogView {
  constructor(
    private readonly log: PartitionLog,
    private readonly replicator: ChainReplicator,
    private readonly commitTimeoutMs: () => number,
    /** A coordinator's partition: every append waits for the chain's ack (markers always do). */
    private readonly waitsForChain: boolean,
  ) {}

  get sizeInBytes(): number {
    return this.log.sizeInBytes;
  }
  get logStartOffset(): number {
    return this.log.logStartOffset;
  }
  get logEndOffset(): number {
    return this.log.logEndOffset;
  }
  get highWatermark(): number {
    return this.log.highWatermark;
  }
  get lastStableOffset(): number {
    return this.log.lastStableOffset;
  }
  get openTransactions(): ReadonlyMap<bigint, number> {
    return this.log.openTransactions;
  }
  abortedTransactions(from: number, upTo: number) {
    return this.log.abortedTransactions(from, upTo);
  }

  async append(
    batches: Buffer,
    opts?: { leaderEpoch?: number; coalesce?: boolean },
  ): Promise<PartitionAppendResult> {
    const { topic, partition } = this.log;
    const refused = this.replicator.writable(topic, partition);
    if (refused !== ErrorCode.NONE) {
      throw new ReplicationError(refused, `this node is not the open head of ${topic}-${partition}'s chain`);
    }
    const r = await this.log.append(batches, {
      coalesce: opts?.coalesce,
      leaderEpoch: this.replicator.currentEpoch,
    });
    // The stored bytes (`batches` itself with offsets and epoch patched in place, unless the
    // topic's compression.type rewrote them): forwarded as they are on disk.
    this.replicator.appended(topic, partition, {
      buf: r.stored,
      base: r.baseOffset,
      end: r.lastOffset + 1,
    });
    if (this.waitsForChain) await this.#chainHas(r.lastOffset);
    return r;
  }

  /** Resolves once the tail has `offset` (the high watermark passed it), or throws on timeout. */
  async #chainHas(offset: number): Promise<void> {
    if (await this.log.waitForData(offset, this.commitTimeoutMs())) return;
    const { topic, partition } = this.log;
    throw new ReplicationError(
      ErrorCode.REQUEST_TIMED_OUT,
      `the chain did not acknowledge ${topic}-${partition} in time`,
    );
  }

  /**
   * A transaction marker, written at the head and forwarded down the chain like any batch;
   * resolves once the tail has it (Kafka's WriteTxnMarkers is answered at acks=all too).
   */
  async appendMarker(marker: TxnMarker): Promise<PartitionAppendResult> {
    const { topic, partition } = this.log;
    const refused = this.replicator.writable(topic, partition);
    if (refused !== ErrorCode.NONE) {
      throw new ReplicationError(refused, `this node is not the open head of ${topic}-${partition}'s chain`);
    }
    const r = await this.log.appendMarker(marker, { leaderEpoch: this.replicator.currentEpoch });
    this.replicator.appended(topic, partition, { buf: r.stored, base: r.baseOffset, end: r.lastOffset + 1 });
    await this.#chainHas(r.lastOffset);
    return r;
  }

  read(offset: number, maxBytes: number, limitOffset?: number, minOneBatch?: boolean) {
    return this.log.read(offset, maxBytes, limitOffset, minOneBatch);
  }

  waitForData(offset: number, timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
    return this.log.waitForData(offset, timeoutMs, signal);
  }

  offsetForTimestamp(timestamp: number) {
    return this.log.offsetForTimestamp(timestamp);
  }

  /**
   * DeleteRecords at the open head only (a middle or tail moving its own start offset would
   * diverge from the head's): moves the local log start offset, then waits until every member of
   * the chain has it too (it travels with ChainAppend), as Kafka's DelayedDeleteRecords waits for
   * every in-sync replica. Returns the chain's low watermark.
   */
  async deleteRecordsBefore(offset: number, timeoutMs?: number): Promise<number> {
    const { topic, partition } = this.log;
    const refused = this.replicator.writable(topic, partition);
    if (refused !== ErrorCode.NONE) {
      throw new ReplicationError(refused, `this node is not the open head of ${topic}-${partition}'s chain`);
    }
    const start = await this.log.deleteRecordsBefore(offset);
    const ok = await this.replicator.startOffsetReplicated(topic, partition, offset, timeoutMs ?? 30_000);
    if (!ok) {
      throw new ReplicationError(
        ErrorCode.REQUEST_TIMED_OUT,
        `the chain did not take log start offset ${offset} of ${topic}-${partition} in time`,
      );
    }
    const low = this.replicator.chainLogStartOffset(topic, partition);
    return low >= offset ? low : start;
  }

  endOffsetForEpoch(epoch: number): { epoch: number; endOffset: number } {
    return this.log.endOffsetForEpoch(epoch);
  }

  get latestEpoch(): number {
    return this.log.epochs.latestEpoch;
  }
}
