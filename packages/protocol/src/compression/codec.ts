/**
 * The codec numbers Kafka stores in bits 0-2 of a batch's (or legacy message's) attributes.
 * Legacy MessageSet v0/v1 only ever uses 0-3; zstd needs RecordBatch v2 (Produce v7+, Fetch v10+).
 */
export const CompressionCodec = {
  none: 0,
  gzip: 1,
  snappy: 2,
  lz4: 3,
  zstd: 4,
} as const;

export type CompressionCodec = (typeof CompressionCodec)[keyof typeof CompressionCodec];

const NAMES: Record<number, string> = { 0: 'none', 1: 'gzip', 2: 'snappy', 3: 'lz4', 4: 'zstd' };

export function isCompressionCodec(n: number): n is CompressionCodec {
  return Number.isInteger(n) && n >= 0 && n <= 4;
}

export function codecName(codec: number): string {
  return NAMES[codec] ?? `unknown(${codec})`;
}

/**
 * Default cap on decompressed bytes when the caller gives none. The broker passes its configured
 * max message size instead; this default only keeps a forgotten option from becoming a bomb.
 */
export const DEFAULT_MAX_DECOMPRESSED_BYTES = 64 * 1024 * 1024;

export interface DecompressOptions {
  /** Fail with DecompressionLimitError once the output would exceed this many bytes. */
  maxBytes?: number;
  /**
   * LZ4 only: the frame comes from a magic-0 message, whose header checksum Kafka computed over
   * the wrong bytes (magic+FLG+BD). Kafka skips the check for magic 0, and so do we.
   */
  lz4LegacyHeaderChecksum?: boolean;
}

export interface CompressOptions {
  /** gzip 1-9 (default 6) or zstd 1-22 (default 3), as Kafka's defaults. Ignored by snappy/lz4. */
  level?: number;
  /** LZ4 only: write the broken magic-0 header checksum (for producing legacy v0 messages). */
  lz4LegacyHeaderChecksum?: boolean;
}
