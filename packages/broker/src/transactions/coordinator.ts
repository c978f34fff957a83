import { ErrorCode } from '@kilgore/protocol';
import type { Logger } from 'pino';
import type { KeyedRecord } from '../groups/offsets-log.js';
import { CoordinatorMovedError, type MarkerWriter } from './markers.js';
import {
  decodeTxnKey,
  decodeTxnValue,
  encodeTxnKey,
  encodeTxnValue,
  type TxnMetadata,
  TxnStatus,
} from './txn-records.js';

/** Kafka's internal topic for transaction coordinator state. */
export const TRANSACTION_STATE_TOPIC = '__transaction_state';

const MAX_EPOCH = 32767;

export interface TxnCoordinatorDeps {
  /** `__transaction_state`: appended in order, replayed whole at start. */
  stateLog: {
    append(records: readonly KeyedRecord[]): Promise<void>;
    replay(): AsyncGenerator<KeyedRecord>;
  };
  /** Puts a transaction's commit or abort marker on each of its partitions. */
  markers: MarkerWriter;
  allocateProducerId(): bigint;
  /** Called once the markers of a transaction are written (the group coordinator applies its offsets). */
  completed(producerId: bigint, commit: boolean): void;
  log: Logger;
  /** transaction.max.timeout.ms */
  maxTimeoutMs: number;
  now?: () => number;
}

export interface InitResult {
  errorCode: number;
  producerId: bigint;
  producerEpoch: number;
}

/**
 * The transaction coordinator (Kafka's TransactionCoordinator, on one node): the state of each
 * transactional id, kept in `__transaction_state`; the partitions (and consumer-offset
 * partitions) of its open transaction; and the end of each transaction, which writes a commit or
 * abort marker to every one of those partitions before it answers. Operations on one
 * transactional id run one at a time; a transaction left open past its timeout is aborted with
 * the epoch bumped, which fences the producer that opened it.
 */
export class TransactionCoordinator {
  readonly #txns = new Map<string, TxnMetadata>();
  readonly #queues = new Map<string, Promise<unknown>>();
  readonly #timers = new Map<string, NodeJS.Timeout>();
  readonly #now: () => number;
  #closed = false;
  /** Aborted when this node gives the role up: marker writes still retrying stop. */
  #role = new AbortController();

  constructor(private readonly deps: TxnCoordinatorDeps) {
    this.#now = deps.now ?? Date.now;
  }

  /**
   * Takes the coordinator role: replays the state log, finishes transactions caught between
   * prepare and complete, arms timeouts. On one node at start; under chains whenever this node
   * becomes the head of the coordinator's chain.
   */
  async load(): Promise<void> {
    this.unload();
    this.#closed = false;
    this.#role = new AbortController();
    for await (const r of this.deps.stateLog.replay()) {
      const id = decodeTxnKey(r.key);
      if (id === undefined) continue;
      if (r.value === null) {
        this.#txns.delete(id);
        continue;
      }
      try {
        this.#txns.set(id, decodeTxnValue(id, r.value));
      } catch (err) {
        this.deps.log.warn(
          { err, transactionalId: id },
          `skipping an unreadable ${TRANSACTION_STATE_TOPIC} record`,
        );
      }
    }
    for (const m of this.#txns.values()) {
      if (m.status === TxnStatus.PrepareCommit || m.status === TxnStatus.PrepareAbort) {
        const commit = m.status === TxnStatus.PrepareCommit;
        this.#serial(m.transactionalId, () => this.#complete(m, commit)).catch((err: unknown) =>
          this.#failedInBackground(err, m.transactionalId, 'finishing a prepared transaction'),
        );
      } else if (m.status === TxnStatus.Ongoing) {
        this.#armTimeout(m);
      }
    }
    this.deps.log.info({ transactionalIds: this.#txns.size }, 'transaction state loaded');
  }

  /** Gives the role up (another node coordinates now): timers stop, state is forgotten. */
  unload(): void {
    this.close();
    this.#txns.clear();
  }

  close(): void {
    this.#closed = true;
    this.#role.abort();
    for (const t of this.#timers.values()) clearTimeout(t);
    this.#timers.clear();
  }

  get(transactionalId: string): TxnMetadata | undefined {
    return this.#txns.get(transactionalId);
  }

  get all(): IterableIterator<TxnMetadata> {
    return this.#txns.values();
  }

  /** Whether `producerId`'s open transaction includes this partition (Produce checks it). */
  isInTransaction(producerId: bigint, topic: string, partition: number): boolean | undefined {
    for (const m of this.#txns.values()) {
      if (m.producerId !== producerId) continue;
      return m.status === TxnStatus.Ongoing && (m.partitions.get(topic)?.has(partition) ?? false);
    }
    return undefined;
  }

  /**
   * InitProducerId with a transactional id: a new producer id at epoch 0, or the same id at the
   * next epoch, aborting (and so fencing) a transaction the previous epoch left open. KIP-360:
   * a producer that names its current id and epoch gets the next epoch; another id is fenced.
   */
  initProducerId(
    transactionalId: string,
    timeoutMs: number,
    producerId: bigint,
    producerEpoch: number,
  ): Promise<InitResult> {
    const fail = (errorCode: number): InitResult => ({ errorCode, producerId: -1n, producerEpoch: -1 });
    if (timeoutMs <= 0 || timeoutMs > this.deps.maxTimeoutMs)
      return Promise.resolve(fail(ErrorCode.INVALID_TRANSACTION_TIMEOUT));
    return this.#serial(transactionalId, async () => {
      let m = this.#txns.get(transactionalId);
      const now = this.#now();
      if (!m) {
        m = {
          transactionalId,
          producerId: this.deps.allocateProducerId(),
          producerEpoch: 0,
          timeoutMs,
          status: TxnStatus.Empty,
          partitions: new Map(),
          lastUpdateMs: now,
          startMs: -1,
        };
        await this.#persist(m);
        return { errorCode: ErrorCode.NONE, producerId: m.producerId, producerEpoch: 0 };
      }
      if (producerId >= 0n && (producerId !== m.producerId || producerEpoch !== m.producerEpoch)) {
        // A retry after a successful bump names the epoch before it.
        const retried = producerId === m.producerId && producerEpoch === m.producerEpoch - 1;
        if (!retried) return fail(ErrorCode.PRODUCER_FENCED);
        return { errorCode: ErrorCode.NONE, producerId: m.producerId, producerEpoch: m.producerEpoch };
      }
      if (m.status === TxnStatus.PrepareCommit || m.status === TxnStatus.PrepareAbort) {
        return fail(ErrorCode.CONCURRENT_TRANSACTIONS);
      }
      if (m.status === TxnStatus.Ongoing) {
        // The previous producer's transaction: aborted under a bumped epoch, which fences it.
        this.#bump(m);
        if (!(await this.#endHere(m, false))) return fail(ErrorCode.NOT_COORDINATOR);
      }
      this.#bump(m);
      m.timeoutMs = timeoutMs;
      m.status = TxnStatus.Empty;
      m.partitions = new Map();
      m.startMs = -1;
      m.lastUpdateMs = this.#now();
      await this.#persist(m);
      return { errorCode: ErrorCode.NONE, producerId: m.producerId, producerEpoch: m.producerEpoch };
    });
  }

  /** AddPartitionsToTxn (and AddOffsetsToTxn, with the offsets partition): per-partition error codes. */
  addPartitions(
    transactionalId: string,
    producerId: bigint,
    producerEpoch: number,
    partitions: readonly { topic: string; partition: number }[],
    verifyOnly = false,
  ): Promise<number> {
    return this.#serial(transactionalId, async () => {
      const m = this.#txns.get(transactionalId);
      const problem = this.#check(m, producerId, producerEpoch);
      if (problem !== ErrorCode.NONE) return problem;
      const txn = m!;
      if (txn.status === TxnStatus.PrepareCommit || txn.status === TxnStatus.PrepareAbort) {
        return ErrorCode.CONCURRENT_TRANSACTIONS;
      }
      if (verifyOnly) {
        const all = partitions.every((p) => txn.partitions.get(p.topic)?.has(p.partition));
        return txn.status === TxnStatus.Ongoing && all ? ErrorCode.NONE : ErrorCode.INVALID_TXN_STATE;
      }
      const added = partitions.filter((p) => !txn.partitions.get(p.topic)?.has(p.partition));
      if (added.length === 0 && txn.status === TxnStatus.Ongoing) return ErrorCode.NONE;
      const now = this.#now();
      if (txn.status !== TxnStatus.Ongoing) {
        txn.status = TxnStatus.Ongoing;
        txn.startMs = now;
        txn.partitions = new Map();
      }
      for (const p of partitions) {
        let ids = txn.partitions.get(p.topic);
        if (!ids) {
          ids = new Set();
          txn.partitions.set(p.topic, ids);
        }
        ids.add(p.partition);
      }
      txn.lastUpdateMs = now;
      await this.#persist(txn);
      this.#armTimeout(txn);
      return ErrorCode.NONE;
    });
  }

  /** EndTxn: commit or abort, markers written to every partition of the transaction before it answers. */
  endTxn(
    transactionalId: string,
    producerId: bigint,
    producerEpoch: number,
    commit: boolean,
  ): Promise<number> {
    return this.#serial(transactionalId, async () => {
      const m = this.#txns.get(transactionalId);
      const problem = this.#check(m, producerId, producerEpoch);
      if (problem !== ErrorCode.NONE) return problem;
      const txn = m!;
      switch (txn.status) {
        case TxnStatus.Ongoing:
          return (await this.#endHere(txn, commit)) ? ErrorCode.NONE : ErrorCode.NOT_COORDINATOR;
        case TxnStatus.CompleteCommit:
          // A retry of the EndTxn that completed it.
          return commit ? ErrorCode.NONE : ErrorCode.INVALID_TXN_STATE;
        case TxnStatus.CompleteAbort:
          return commit ? ErrorCode.INVALID_TXN_STATE : ErrorCode.NONE;
        case TxnStatus.PrepareCommit:
        case TxnStatus.PrepareAbort:
          return ErrorCode.CONCURRENT_TRANSACTIONS;
        default:
          return ErrorCode.INVALID_TXN_STATE;
      }
    });
  }

  /** Why a request of `producerId`/`producerEpoch` may not act on `m`, or NONE. */
  #check(m: TxnMetadata | undefined, producerId: bigint, producerEpoch: number): number {
    if (!m) return ErrorCode.INVALID_PRODUCER_ID_MAPPING;
    if (m.producerId !== producerId) return ErrorCode.INVALID_PRODUCER_ID_MAPPING;
    if (producerEpoch < m.producerEpoch) return ErrorCode.PRODUCER_FENCED;
    if (producerEpoch > m.producerEpoch) return ErrorCode.INVALID_PRODUCER_EPOCH;
    return ErrorCode.NONE;
  }

  #bump(m: TxnMetadata): void {
    if (m.producerEpoch >= MAX_EPOCH - 1) {
      m.producerId = this.deps.allocateProducerId();
      m.producerEpoch = 0;
    } else {
      m.producerEpoch++;
    }
  }

  /** #end, false if this node stopped coordinating before the markers were all written. */
  async #endHere(m: TxnMetadata, commit: boolean): Promise<boolean> {
    try {
      await this.#end(m, commit);
      return true;
    } catch (err) {
      if (err instanceof CoordinatorMovedError) return false;
      throw err;
    }
  }

  /** Prepare (persisted), markers, complete (persisted). */
  async #end(m: TxnMetadata, commit: boolean): Promise<void> {
    this.#disarm(m.transactionalId);
    m.status = commit ? TxnStatus.PrepareCommit : TxnStatus.PrepareAbort;
    m.lastUpdateMs = this.#now();
    await this.#persist(m);
    await this.#complete(m, commit);
  }

  async #complete(m: TxnMetadata, commit: boolean): Promise<void> {
    const partitions = [...m.partitions].flatMap(([topic, ids]) =>
      [...ids].map((partition) => ({ topic, partition })),
    );
    const marker = { producerId: m.producerId, producerEpoch: m.producerEpoch, commit };
    await this.deps.markers(partitions, marker, this.#role.signal);
    this.deps.completed(m.producerId, commit);
    m.status = commit ? TxnStatus.CompleteCommit : TxnStatus.CompleteAbort;
    m.partitions = new Map();
    m.lastUpdateMs = this.#now();
    await this.#persist(m);
  }

  #armTimeout(m: TxnMetadata): void {
    if (this.#closed || this.#timers.has(m.transactionalId)) return;
    const due = m.startMs + m.timeoutMs - this.#now();
    const timer = setTimeout(
      () => {
        this.#timers.delete(m.transactionalId);
        void this.#serial(m.transactionalId, async () => {
          const current = this.#txns.get(m.transactionalId);
          if (!current || current.status !== TxnStatus.Ongoing) return;
          this.deps.log.info({ transactionalId: m.transactionalId }, 'transaction timed out; aborting it');
          // Bumped first: the producer that let it time out is fenced.
          this.#bump(current);
          await this.#end(current, false);
        }).catch((err: unknown) =>
          this.#failedInBackground(err, m.transactionalId, 'aborting a timed-out transaction'),
        );
      },
      Math.max(0, due),
    );
    timer.unref();
    this.#timers.set(m.transactionalId, timer);
  }

  /** A background end that failed: expected when the role moved (the next coordinator ends it). */
  #failedInBackground(err: unknown, transactionalId: string, what: string): void {
    if (err instanceof CoordinatorMovedError) {
      this.deps.log.info({ transactionalId }, `${what} stopped: this node no longer coordinates`);
    } else {
      this.deps.log.error({ err, transactionalId }, `${what} failed`);
    }
  }

  #disarm(transactionalId: string): void {
    const t = this.#timers.get(transactionalId);
    if (t) clearTimeout(t);
    this.#timers.delete(transactionalId);
  }

  async #persist(m: TxnMetadata): Promise<void> {
    await this.deps.stateLog.append([{ key: encodeTxnKey(m.transactionalId), value: encodeTxnValue(m) }]);
    this.#txns.set(m.transactionalId, m);
  }

  /** Runs `fn` after every earlier operation on the same transactional id. */
  #serial<T>(transactionalId: string, fn: () => Promise<T>): Promise<T> {
    const before = this.#queues.get(transactionalId) ?? Promise.resolve();
    const run = before.then(fn, fn);
    const tail = run.catch(() => undefined);
    this.#queues.set(transactionalId, tail);
    void tail.then(() => {
      if (this.#queues.get(transactionalId) === tail) this.#queues.delete(transactionalId);
    });
    return run;
  }
}
