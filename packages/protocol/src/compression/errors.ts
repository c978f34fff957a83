import { codecName } from './codec.js';

/** Compressed bytes that cannot be decoded: bad framing, bad checksum, corrupt stream. */
export class CompressionError extends Error {
  override readonly name: string = 'CompressionError';
  constructor(
    readonly codec: number,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${codecName(codec)}: ${message}`, options);
  }
}

/** The decompressed output would exceed the caller's maxBytes (a decompression bomb, or just too big). */
export class DecompressionLimitError extends CompressionError {
  override readonly name: string = 'DecompressionLimitError';
  constructor(
    codec: number,
    readonly maxBytes: number,
    detail = '',
  ) {
    super(codec, `decompressed size exceeds the limit of ${maxBytes} bytes${detail ? ` (${detail})` : ''}`);
  }
}

/** The codec number is not one Kafka defines, or the operation needs an async API. */
export class UnsupportedCodecError extends CompressionError {
  override readonly name: string = 'UnsupportedCodecError';
}
