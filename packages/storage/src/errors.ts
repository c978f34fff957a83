import { ErrorCode } from '@kilgore/protocol';

/** The Kafka error codes storage can raise; the broker copies `code` into its response. */
export type StorageErrorCode =
  | typeof ErrorCode.OFFSET_OUT_OF_RANGE
  | typeof ErrorCode.CORRUPT_MESSAGE
  | typeof ErrorCode.UNKNOWN_TOPIC_OR_PARTITION
  | typeof ErrorCode.MESSAGE_TOO_LARGE
  | typeof ErrorCode.RECORD_LIST_TOO_LARGE
  | typeof ErrorCode.INVALID_TIMESTAMP
  | typeof ErrorCode.INVALID_TOPIC_EXCEPTION
  | typeof ErrorCode.KAFKA_STORAGE_ERROR
  | typeof ErrorCode.INVALID_RECORD;

/**
 * Every error storage throws on purpose. `code` is the Kafka error code a client should get,
 * so a produce or fetch handler never has to guess.
 */
export class StorageError extends Error {
  override readonly name = 'StorageError';
  constructor(
    readonly code: StorageErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export const invalidRecord = (msg: string) => new StorageError(ErrorCode.INVALID_RECORD, msg);
export const corruptMessage = (msg: string) => new StorageError(ErrorCode.CORRUPT_MESSAGE, msg);
export const offsetOutOfRange = (msg: string) => new StorageError(ErrorCode.OFFSET_OUT_OF_RANGE, msg);
export const storageError = (msg: string) => new StorageError(ErrorCode.KAFKA_STORAGE_ERROR, msg);
