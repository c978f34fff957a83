/**
 * Why a decode failed. Callers map every one of these to "malformed request": answer with an
 * error or close the connection, never crash.
 */
export type DecodeErrorReason =
  /** The input ended before a fixed-size value or a varint was complete. */
  | 'truncated'
  /** A length or count was negative where only -1 (null) or >= 0 is allowed. */
  | 'negative-length'
  /** A length or count claims more bytes than remain in the input. */
  | 'length-past-end'
  /** A varint ran past 5 bytes (int32) or 10 bytes (int64), or overflowed its width. */
  | 'varint-too-long'
  /** A well-formed value that the field does not allow (null where not nullable, bad UUID...). */
  | 'invalid-value';

/** The only exception a decoder throws for bad input. */
export class DecodeError extends Error {
  override readonly name = 'DecodeError';
  readonly reason: DecodeErrorReason;
  /** Byte offset in the input where the bad value starts, when known. */
  readonly offset: number;

  constructor(reason: DecodeErrorReason, message: string, offset = -1) {
    super(message);
    this.reason = reason;
    this.offset = offset;
  }
}

/** Thrown by encoders for values that cannot be put on the wire (a programming error upstream). */
export class EncodeError extends Error {
  override readonly name = 'EncodeError';
}
