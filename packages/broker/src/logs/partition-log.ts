/**
 * The part of a partition log the Produce, Fetch and ListOffsets handlers use. It is the shape of
 * @kilgore/storage's PartitionLog, written out here so the handlers depend on what they need
 * and can be tested against a small in-memory log.
 */
export interface PartitionLogView {
  /** Bytes of the log's segment files (absent for in-memory logs). */
  readonly sizeInBytes?: number;
  readonly logStartOffset: number;
  readonly logEndOffset: number;
  /** Only offsets below it are served to consumers. */
  readonly highWatermark: number;
  /**
   * read_committed consumers read below it: the first offset of the oldest open transaction,
   * or the high watermark. Logs without transactions leave it out (it is the high watermark).
   */
  readonly lastStableOffset?: number;
  /** Producer id -> first offset of its open transaction here (DescribeProducers). */
  readonly openTransactions?: ReadonlyMap<bigint, number>;
  /** Aborted transactions overlapping offsets `from`..`upTo` (Fetch's aborted_transactions). */
  abortedTransactions?(from: number, upTo: number): readonly { producerId: bigint; firstOffset: number }[];
  /**
   * Validates and appends producer batches, assigning offsets by patching them in place; resolves
   * once the flush policy is met. Rejections carry a Kafka error code in `code`. `coalesce`: the
   * bytes may be written with other appends of the same tick (one writev); `batches` must not
   * change until the promise settles.
   */
  append(
    batches: Buffer,
    opts?: { leaderEpoch?: number; coalesce?: boolean },
  ): Promise<PartitionAppendResult>;
  /**
   * Writes a transaction marker (a control batch) for `producerId`'s open transaction here.
   * Logs without transactions leave it out.
   */
  appendMarker?(marker: {
    producerId: bigint;
    producerEpoch: number;
    commit: boolean;
  }): Promise<PartitionAppendResult>;
  /** Whole stored batches from the one containing `offset`, cut at `limitOffset` and `maxBytes`. */
  read(
    offset: number,
    maxBytes: number,
    limitOffset?: number,
    minOneBatch?: boolean,
  ): { records: Buffer; nextOffset: number };
  /** True once the high watermark passes `offset`; false on timeout or abort. No polling. */
  waitForData(offset: number, timeoutMs: number, signal?: AbortSignal): Promise<boolean>;
  offsetForTimestamp(
    timestamp: number,
  ): Promise<{ offset: number; timestamp: number; leaderEpoch: number } | undefined>;
  /**
   * Moves the log start offset up to `offset` (at most the high watermark); resolves the new one.
   * Replicated logs resolve once every replica has it (the chain's low watermark), or fail with
   * REQUEST_TIMED_OUT after `timeoutMs`.
   */
  deleteRecordsBefore(offset: number, timeoutMs?: number): Promise<number>;
  /** OffsetForLeaderEpoch from the leader-epoch cache (logs without one leave it out). */
  endOffsetForEpoch?(epoch: number): { epoch: number; endOffset: number };
  /** The newest epoch in the leader-epoch cache, -1 if none. */
  readonly latestEpoch?: number;
}

export interface PartitionAppendResult {
  baseOffset: number;
  lastOffset: number;
  /** -1 for CreateTime topics. */
  logAppendTime: number;
  logStartOffset: number;
}

/** Finds, creates and drops partition logs for the broker. */
export interface LogStore {
  /** The log of an existing partition, opening it on first use; undefined if it is not hosted. */
  get(topic: string, partition: number): PartitionLogView | undefined;
  /** Opens (creating) the logs of partitions `from`..`to - 1` of a topic. */
  create(topic: string, from: number, to: number): void;
  /** Closes and deletes every log of a topic. */
  drop(topic: string, partitions: number): Promise<void>;
  /** Flushes and closes everything, marking a clean shutdown. */
  close(): Promise<void>;
}

/** A Kafka error code carried by a storage failure, or UNKNOWN_SERVER_ERROR (-1). */
export function errorCodeOf(err: unknown): number {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : -1;
}

/**
 * The records a failed append refused, by index in the batch (storage's RecordValidationError):
 * Produce v8+'s record_errors. Empty for every other failure.
 */
export function recordErrorsOf(err: unknown): readonly { batchIndex: number; message: string }[] {
  const errors = (err as { recordErrors?: unknown } | null)?.recordErrors;
  return Array.isArray(errors) ? errors : [];
}
