import {
  BatchAttributes,
  BatchOffsets,
  compressionOf,
  DecompressionLimitError,
  ErrorCode,
  hasSyncCodec,
  inflateRecordsSync,
  patchMaxTimestamp,
  RecordDecodeError,
  type RecordProblem,
  type RecordRules,
  scanRecords,
} from '@kilgore/protocol';
import { isCompacted, type LogConfig } from './config.js';
import { corruptMessage, invalidRecord, StorageError } from './errors.js';
import { readInt64 } from './int64.js';
import type { ValidatedBatch, ValidatedSet } from './validate.js';

/** One refused record of a produce batch: Produce v8+'s record_errors entry (KIP-467). */
export interface RecordError {
  batchIndex: number;
  message: string;
}

/**
 * A batch refused because of some of its records. `code` is INVALID_RECORD, or INVALID_TIMESTAMP
 * when any record's timestamp is out of bounds; `recordErrors` names each record, so a client fails
 * only those and retries the rest. Messages are Kafka's (LogValidator).
 */
export class RecordValidationError extends StorageError {
  constructor(
    code: typeof ErrorCode.INVALID_RECORD | typeof ErrorCode.INVALID_TIMESTAMP,
    message: string,
    readonly recordErrors: readonly RecordError[],
  ) {
    super(code, message);
  }
}

/** The rules of `config` for records of a CreateTime topic, or of a LogAppendTime one (no bounds). */
export function recordRules(config: LogConfig, now: number, baseTimestamp: number): RecordRules {
  const createTime = config.messageTimestampType === 'CreateTime';
  return {
    requireKey: isCompacted(config),
    baseTimestamp,
    minTimestamp: createTime ? now - config.messageTimestampBeforeMaxMs : Number.NEGATIVE_INFINITY,
    maxTimestamp: createTime ? now + config.messageTimestampAfterMaxMs : Number.POSITIVE_INFINITY,
  };
}

/**
 * Whether the records of a batch stored under `codec` must be read to apply `config`'s rules.
 * Uncompressed records always are (a walk without copies: framing, count and offsets against the
 * header, keys, timestamps). Compressed ones are inflated only when a header cannot stand for them:
 * keys on a compacted topic, or a lower timestamp bound (the header has the first and the largest
 * timestamp, not the smallest). Otherwise its first and largest timestamps are checked.
 */
export function mustReadRecords(codec: number, config: LogConfig): boolean {
  return (
    codec === 0 ||
    isCompacted(config) ||
    (config.messageTimestampType === 'CreateTime' &&
      config.messageTimestampBeforeMaxMs !== Number.POSITIVE_INFINITY)
  );
}

/**
 * Kafka's per-record validation of producer batches (LogValidator.validateRecord), after
 * validateBatches has checked their headers. Throws RecordValidationError naming the refused
 * records, or INVALID_RECORD / CORRUPT_MESSAGE when a batch cannot be read. A CreateTime batch
 * whose header overstates or understates its largest timestamp gets the true one, as Kafka sets it.
 *
 * zstd batches (which only inflate asynchronously) whose records must be read never reach here:
 * PartitionLog.append sends them through prepareBatches first, and passes `recordsChecked`.
 */
export function checkRecords(
  buf: Buffer,
  set: ValidatedSet,
  config: LogConfig,
  now: number,
  partitionName: string,
  recordsChecked = false,
): void {
  if (recordsChecked) return;
  for (const b of set.batches) {
    const codec = compressionOf(buf.readInt16BE(b.position + BatchOffsets.attributes));
    let records: Buffer | undefined;
    if (mustReadRecords(codec, config) && hasSyncCodec(codec)) {
      try {
        records = inflateRecordsSync(buf, b.position, INFLATE_LIMIT);
      } catch (err) {
        throw inflateError(err);
      }
    }
    checkBatchRecords(buf, b, records, config, now, partitionName);
  }
}

/**
 * The checks of one batch: on its `records` (inflated) when they were read, else on the
 * header's first and largest timestamps. Patches the header's largest timestamp when the records
 * say otherwise (CreateTime topics).
 */
export function checkBatchRecords(
  buf: Buffer,
  b: ValidatedBatch,
  records: Buffer | undefined,
  config: LogConfig,
  now: number,
  partitionName: string,
): void {
  const attributes = buf.readInt16BE(b.position + BatchOffsets.attributes);
  const baseTimestamp = readInt64(buf, b.position + BatchOffsets.baseTimestamp);
  const rules = recordRules(config, now, baseTimestamp);
  if (records === undefined) {
    checkHeaderTimestamps(baseTimestamp, b.maxTimestamp, rules);
    return;
  }
  const count = buf.readInt32BE(b.position + BatchOffsets.recordsCount);
  const scan = scanChecked(records, count, rules);
  throwRecordErrors(scan.problems, rules, partitionName);
  const logAppend = (attributes & BatchAttributes.timestampTypeLogAppend) !== 0;
  if (!logAppend && config.messageTimestampType === 'CreateTime' && scan.maxTimestamp !== b.maxTimestamp) {
    patchMaxTimestamp(buf, b.position, BigInt(scan.maxTimestamp));
    b.maxTimestamp = scan.maxTimestamp;
  }
}

/** An inflate failure in Kafka's terms: a bomb is INVALID_RECORD, garbage CORRUPT_MESSAGE. */
export function inflateError(err: unknown): StorageError {
  if (err instanceof DecompressionLimitError) return invalidRecord(err.message);
  return corruptMessage(`undecodable batch: ${(err as Error).message}`);
}

/** A ceiling on what one batch may inflate to while it is checked: a compression bomb stops here. */
export const INFLATE_LIMIT = 64 * 1024 * 1024;

/** scanRecords, with unreadable records turned into INVALID_RECORD (Kafka: InvalidRecordException). */
export function scanChecked(records: Buffer, count: number, rules: RecordRules) {
  try {
    return scanRecords(records, 0, records.length, count, rules);
  } catch (err) {
    if (err instanceof RecordDecodeError) throw invalidRecord(`invalid record batch: ${err.message}`);
    throw err;
  }
}

/** Kafka's processRecordErrors: one error for the batch, with every refused record listed. */
export function throwRecordErrors(
  problems: readonly RecordProblem[],
  rules: RecordRules,
  partitionName: string,
): void {
  if (problems.length === 0) return;
  const errors: RecordError[] = problems.map((p) => ({
    batchIndex: p.index,
    message:
      p.kind === 'no-key'
        ? `Compacted topic cannot accept message without key in topic partition ${partitionName}.`
        : `Timestamp ${p.timestamp} of message with offset ${p.index} is out of range. The timestamp should be within [${bound(rules.minTimestamp)}, ${bound(rules.maxTimestamp)}]`,
  }));
  if (problems.some((p) => p.kind === 'timestamp')) {
    throw new RecordValidationError(
      ErrorCode.INVALID_TIMESTAMP,
      'One or more records have been rejected due to invalid timestamp',
      errors,
    );
  }
  const shown = errors
    .slice(0, 3)
    .map((e) => `RecordError(batchIndex=${e.batchIndex}, message='${e.message}')`)
    .join(', ');
  throw new RecordValidationError(
    ErrorCode.INVALID_RECORD,
    `One or more records have been rejected due to ${errors.length} record errors in total, and only showing the first three errors at most: [${shown}]`,
    errors,
  );
}

/** Kafka prints now -/+ Long.MAX_VALUE as overflowed longs; the bounds read better as they are. */
function bound(n: number): string {
  return Number.isFinite(n) ? String(n) : n > 0 ? '9223372036854775807' : '-9223372036854775808';
}

/**
 * For a compressed batch whose records are not read: its first and largest timestamps stand for
 * them (what an honest producer writes covers its records against the upper bound).
 */
function checkHeaderTimestamps(baseTimestamp: number, maxTimestamp: number, rules: RecordRules): void {
  for (const ts of [baseTimestamp, maxTimestamp]) {
    if (ts !== -1 && (ts < rules.minTimestamp || ts > rules.maxTimestamp)) {
      throw new StorageError(
        ErrorCode.INVALID_TIMESTAMP,
        `Timestamp ${ts} of the batch is out of range. The timestamp should be within [${bound(rules.minTimestamp)}, ${bound(rules.maxTimestamp)}]`,
      );
    }
  }
}
