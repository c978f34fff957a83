/**
 * Why record bytes failed to decode. The first five mirror DecodeError's reasons in
 * primitives/ (not exported yet when this was written, so records/ has its own class); the last
 * two are specific to batches. The broker maps 'crc-mismatch' to CORRUPT_MESSAGE (2) and the rest
 * to INVALID_RECORD (87) or CORRUPT_MESSAGE, as Kafka does.
 */
export type RecordDecodeReason =
  | 'truncated'
  | 'negative-length'
  | 'length-past-end'
  | 'varint-too-long'
  | 'invalid-value'
  | 'crc-mismatch'
  | 'unsupported-magic';

/** The only exception the record decoders throw for bad bytes (codec failures are CompressionError). */
export class RecordDecodeError extends Error {
  override readonly name: string = 'RecordDecodeError';
  constructor(
    readonly reason: RecordDecodeReason,
    message: string,
    /** Byte offset in the input where the bad value starts, when known. */
    readonly offset = -1,
  ) {
    super(message);
  }
}
