/**
 * The records each client produces during a capture. They go into the manifest next to the
 * Produce fixtures, so the tests can check that decoding the captured batch gives them back.
 */

export interface GoldenHeader {
  key: string;
  value: string | null;
}

/** A record as text: keys, values and header values are UTF-8 here (null = absent). */
export interface GoldenRecord {
  key: string | null;
  value: string | null;
  headers: GoldenHeader[];
}

export type Codec = 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd';

export interface GoldenBatch {
  compression: Codec;
  /** Fixed record timestamp (kafkajs lets us set it; librdkafka stamps the current time). */
  timestamp?: string;
  records: GoldenRecord[];
}

export const KAFKAJS_BATCHES: GoldenBatch[] = [
  {
    compression: 'none',
    timestamp: '1700000000000',
    records: [
      { key: 'kafkajs-0', value: 'plain value 0', headers: [{ key: 'trace', value: 'abc' }] },
      { key: 'kafkajs-1', value: 'plain value 1', headers: [] },
    ],
  },
  {
    compression: 'gzip',
    timestamp: '1700000001000',
    records: [
      { key: 'kafkajs-2', value: 'gzip value 2 '.repeat(8), headers: [] },
      { key: 'kafkajs-3', value: 'gzip value 3 '.repeat(8), headers: [{ key: 'h', value: 'v' }] },
    ],
  },
];

const KCAT_CODECS: Codec[] = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];

/**
 * kcat reads `key:value` lines (`-K:`), one record each. Values repeat a lot: librdkafka sends a
 * batch uncompressed when compressing does not make it smaller (LZ4's frame overhead on short
 * values did exactly that), and the fixture must really be compressed.
 */
export const KCAT_BATCHES: GoldenBatch[] = KCAT_CODECS.map((compression) => ({
  compression,
  records: [0, 1, 2].map((i) => ({
    key: `kcat-${compression}-${i}`,
    value: `${compression} value ${i} `.repeat(24).trim(),
    headers: [],
  })),
}));
