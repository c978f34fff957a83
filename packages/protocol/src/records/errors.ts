import { DecodeError, type DecodeErrorReason } from '../primitives/decode-error.js';

/**
 * Why record bytes failed to decode. The first five are DecodeError's reasons; the last two are
 * specific to batches. The broker maps 'crc-mismatch' to CORRUPT_MESSAGE (2) and the rest to
 * INVALID_RECORD (87) or CORRUPT_MESSAGE, as Kafka does.
 */
export type RecordDecodeReason = DecodeErrorReason | 'crc-mismatch' | 'unsupported-magic';

const AS_DECODE_REASON: Record<RecordDecodeReason, DecodeErrorReason> = {
  truncated: 'truncated',
  'negative-length': 'negative-length',
  'length-past-end': 'length-past-end',
  'varint-too-long': 'varint-too-long',
  'invalid-value': 'invalid-value',
  'crc-mismatch': 'invalid-value',
  'unsupported-magic': 'invalid-value',
};

/**
 * The only exception the record decoders throw for bad bytes (codec failures are
 * CompressionError). It is a DecodeError, so one catch covers requests and records; `reason` is
 * the nearest DecodeError reason and `recordReason` the precise one.
 */
export class RecordDecodeError extends DecodeError {
  readonly recordReason: RecordDecodeReason;
  constructor(recordReason: RecordDecodeReason, message: string, offset = -1) {
    super(AS_DECODE_REASON[recordReason], message, offset);
    this.recordReason = recordReason;
  }
}
