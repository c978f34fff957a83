import {
  BATCH_HEADER_SIZE,
  BatchAttributes,
  BatchOffsets,
  ErrorCode,
  isBatchCrcValid,
  LOG_OVERHEAD,
} from '@kilgore/protocol';
import type { LogConfig } from './config.js';
import { corruptMessage, invalidRecord, StorageError } from './errors.js';
import { readInt64 } from './int64.js';
import type { BatchMeta } from './segment.js';

export interface ValidatedBatch extends BatchMeta {
  /** lastOffsetDelta: the batch spans offsetDelta 0..this. */
  lastOffsetDelta: number;
  /** The batch's stored base offset (only meaningful for replicated batches). */
  baseOffset: number;
}

export interface ValidatedSet {
  batches: ValidatedBatch[];
  /** Bytes of whole batches; a trailing partial batch is left out, as Kafka trims it. */
  validBytes: number;
}

/**
 * Walks the framing of `buf` and checks each batch in the order of Kafka's
 * UnifiedLog.analyzeAndValidateRecords and LogValidator.validateBatch, reading headers only:
 * nothing is decompressed and no record is parsed. Throws StorageError with Kafka's code.
 *
 * `client` is true for producer batches (offsets must be 0, counts must agree, no control
 * batches) and false for replicated batches, which carry their final offsets.
 */
export function validateBatches(
  buf: Buffer,
  config: LogConfig,
  _now: number,
  client: boolean,
  allowMultipleBatches: boolean,
): ValidatedSet {
  const batches: ValidatedBatch[] = [];
  let pos = 0;
  while (buf.length - pos >= LOG_OVERHEAD) {
    const size = buf.readInt32BE(pos + BatchOffsets.batchLength) + LOG_OVERHEAD;
    if (size > buf.length - pos && size >= BATCH_HEADER_SIZE) break; // trailing partial batch
    const baseOffset = readInt64(buf, pos);
    if (
      client &&
      baseOffset !== 0 &&
      buf.length - pos > BatchOffsets.magic &&
      buf[pos + BatchOffsets.magic] === 2
    ) {
      throw invalidRecord(`batch base offset must be 0 from a producer, got ${baseOffset}`);
    }
    if (size > config.maxMessageBytes) {
      throw new StorageError(
        ErrorCode.MESSAGE_TOO_LARGE,
        `batch of ${size} bytes exceeds max.message.bytes ${config.maxMessageBytes}`,
      );
    }
    if (size < BATCH_HEADER_SIZE)
      throw corruptMessage(`batch size ${size} is below the minimum ${BATCH_HEADER_SIZE}`);
    const magic = buf.readInt8(pos + BatchOffsets.magic);
    if (magic === 0 || magic === 1) throw invalidRecord(`magic ${magic}: storage keeps RecordBatch v2 only`);
    if (magic !== 2) throw corruptMessage(`unknown magic ${magic}`);
    if (!isBatchCrcValid(buf, pos)) throw corruptMessage('batch CRC does not match its contents');
    const lastOffsetDelta = buf.readInt32BE(pos + BatchOffsets.lastOffsetDelta);
    const count = buf.readInt32BE(pos + BatchOffsets.recordsCount);
    const attributes = buf.readInt16BE(pos + BatchOffsets.attributes);
    if (client) {
      if (batches.length > 0 && !allowMultipleBatches) {
        throw invalidRecord('a produce request carries one batch per partition');
      }
      if (lastOffsetDelta < 0 || count <= 0 || lastOffsetDelta + 1 !== count) {
        throw invalidRecord(`record count ${count} does not match lastOffsetDelta ${lastOffsetDelta}`);
      }
      if ((attributes & BatchAttributes.control) !== 0)
        throw invalidRecord('producers may not write control batches');
      // producerId >= 0: the sign is in the high word.
      if (
        buf.readInt32BE(pos + BatchOffsets.producerId) >= 0 &&
        buf.readInt32BE(pos + BatchOffsets.baseSequence) < 0
      ) {
        throw invalidRecord('idempotent batch without a base sequence');
      }
    } else if (lastOffsetDelta < 0) {
      throw corruptMessage(`negative lastOffsetDelta ${lastOffsetDelta}`);
    }
    const maxTimestamp = readInt64(buf, pos + BatchOffsets.maxTimestamp);
    // Timestamp bounds are per record (record-checks.ts). As Kafka's validateTimestamp: the
    // LogAppendTime flag is refused unless a CreateTime topic has timestamps to check instead.
    const logAppendFlag = (attributes & BatchAttributes.timestampTypeLogAppend) !== 0;
    if (client && logAppendFlag && (config.messageTimestampType === 'LogAppendTime' || maxTimestamp === -1)) {
      throw new StorageError(
        ErrorCode.INVALID_TIMESTAMP,
        'Invalid timestamp type in message: producer should not set timestamp type to LogAppendTime.',
      );
    }
    batches.push({
      position: pos,
      size,
      lastOffset: lastOffsetDelta,
      lastOffsetDelta,
      maxTimestamp,
      baseOffset,
    });
    pos += size;
  }
  if (batches.length === 0) throw invalidRecord('no complete record batch');
  if (pos > config.segmentBytes) {
    throw new StorageError(
      ErrorCode.RECORD_LIST_TOO_LARGE,
      `${pos} bytes of batches exceed segment.bytes ${config.segmentBytes}`,
    );
  }
  return { batches, validBytes: pos };
}
