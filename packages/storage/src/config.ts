/**
 * Per-topic log settings, under Kafka's names (`segment.bytes`, ...) so the broker can pass the
 * strings of CreateTopics / AlterConfigs straight through. Kafka's "Long.MAX_VALUE = never" is
 * `Infinity` here; `-1` keeps Kafka's meaning ("unlimited") where Kafka uses it.
 */
export interface LogConfig {
  /** Roll the active segment before it would exceed this size. Kafka: 1 GiB. */
  segmentBytes: number;
  /** Roll the active segment once it spans this much time. Kafka: 7 days. */
  segmentMs: number;
  /** Roll when the offset index would hold more than this many bytes (8 per entry). */
  segmentIndexBytes: number;
  /** Delete segments whose newest record is older than this; -1 keeps them forever. */
  retentionMs: number;
  /** Delete old segments while the partition is larger than this; -1 = no limit. */
  retentionBytes: number;
  cleanupPolicy: CleanupPolicy[];
  /** How long a tombstone survives after the cleaner first sees it. */
  deleteRetentionMs: number;
  /** Records younger than this are never compacted. */
  minCompactionLagMs: number;
  /** Largest batch accepted (whole batch, header included). */
  maxMessageBytes: number;
  messageTimestampType: 'CreateTime' | 'LogAppendTime';
  messageTimestampBeforeMaxMs: number;
  messageTimestampAfterMaxMs: number;
  /** Bytes between two offset-index entries. */
  indexIntervalBytes: number;
  /** fsync once this many offsets are unflushed; 1 = before every append returns. */
  flushMessages: number;
  /** fsync at least this often (background); Infinity = leave it to the OS. */
  flushMs: number;
  /**
   * The codec batches are stored under: 'producer' keeps each batch as sent; any other value
   * recompresses the batches whose codec differs (Kafka's broker-side compression).
   */
  compressionType: CompressionType;
  /** KIP-390 levels used when recompressing: gzip -1 (zlib's default) or 1-9, zstd -131072..22. */
  compressionGzipLevel: number;
  /** Accepted and reported as Kafka does; the lz4 library here has one level. */
  compressionLz4Level: number;
  compressionZstdLevel: number;
}

export const COMPRESSION_TYPES = ['producer', 'uncompressed', 'gzip', 'snappy', 'lz4', 'zstd'] as const;
export type CompressionType = (typeof COMPRESSION_TYPES)[number];

export type CleanupPolicy = 'delete' | 'compact';

/**
 * Kafka's defaults, except flush.ms (Kafka: never). Kilgore often runs as one node with no
 * replica to fall back on, so it bounds what a power loss can take to about one second of
 * acknowledged writes, at the price of one fdatasync per second per busy partition, off the
 * append path. `kill -9` loses nothing either way: writes reach the page cache before
 * `append` resolves. See README "Durability".
 */
export const DEFAULT_LOG_CONFIG: Readonly<LogConfig> = Object.freeze({
  segmentBytes: 1024 * 1024 * 1024,
  segmentMs: 7 * 24 * 3600 * 1000,
  segmentIndexBytes: 10 * 1024 * 1024,
  retentionMs: 7 * 24 * 3600 * 1000,
  retentionBytes: -1,
  cleanupPolicy: ['delete'] as CleanupPolicy[],
  deleteRetentionMs: 24 * 3600 * 1000,
  minCompactionLagMs: 0,
  maxMessageBytes: 1048588,
  messageTimestampType: 'CreateTime',
  messageTimestampBeforeMaxMs: Number.POSITIVE_INFINITY,
  messageTimestampAfterMaxMs: 3_600_000,
  indexIntervalBytes: 4096,
  flushMessages: Number.POSITIVE_INFINITY,
  flushMs: 1000,
  compressionType: 'producer',
  compressionGzipLevel: -1,
  compressionLz4Level: 9,
  compressionZstdLevel: 3,
});

/** Kafka property name -> LogConfig key. */
const KAFKA_NAMES: Record<string, keyof LogConfig> = {
  'segment.bytes': 'segmentBytes',
  'segment.ms': 'segmentMs',
  'segment.index.bytes': 'segmentIndexBytes',
  'retention.ms': 'retentionMs',
  'retention.bytes': 'retentionBytes',
  'cleanup.policy': 'cleanupPolicy',
  'delete.retention.ms': 'deleteRetentionMs',
  'min.compaction.lag.ms': 'minCompactionLagMs',
  'max.message.bytes': 'maxMessageBytes',
  'message.timestamp.type': 'messageTimestampType',
  'message.timestamp.before.max.ms': 'messageTimestampBeforeMaxMs',
  'message.timestamp.after.max.ms': 'messageTimestampAfterMaxMs',
  'index.interval.bytes': 'indexIntervalBytes',
  'flush.messages': 'flushMessages',
  'flush.ms': 'flushMs',
  'compression.type': 'compressionType',
  'compression.gzip.level': 'compressionGzipLevel',
  'compression.lz4.level': 'compressionLz4Level',
  'compression.zstd.level': 'compressionZstdLevel',
};

export const LOG_CONFIG_NAMES: readonly string[] = Object.keys(KAFKA_NAMES);

const LONG_MAX = 9223372036854775807n;

function parseLong(name: string, value: string): number {
  const big = BigInt(value.trim());
  if (big >= LONG_MAX) return Number.POSITIVE_INFINITY;
  const n = Number(big);
  if (!Number.isSafeInteger(n)) throw new RangeError(`${name}: ${value} is out of range`);
  return n;
}

/**
 * Builds a LogConfig from Kafka-named string properties (unknown names are ignored, so a
 * topic's whole config map can be passed). Throws RangeError/SyntaxError on a bad value.
 */
export function logConfigFromProperties(
  props: Record<string, string>,
  base: Partial<LogConfig> = {},
): LogConfig {
  const out: LogConfig = { ...DEFAULT_LOG_CONFIG, ...base };
  const target = out as unknown as Record<string, unknown>;
  for (const [name, raw] of Object.entries(props)) {
    const key = KAFKA_NAMES[name];
    if (key === undefined) continue;
    if (key === 'cleanupPolicy') {
      const parts = raw
        .split(',')
        .map((p) => p.trim())
        .filter((p) => p.length > 0);
      for (const p of parts) if (p !== 'delete' && p !== 'compact') throw new RangeError(`${name}: ${raw}`);
      out.cleanupPolicy = parts as CleanupPolicy[];
    } else if (key === 'messageTimestampType') {
      if (raw !== 'CreateTime' && raw !== 'LogAppendTime') throw new RangeError(`${name}: ${raw}`);
      out.messageTimestampType = raw;
    } else if (key === 'compressionType') {
      const type = raw.trim() as CompressionType;
      if (!COMPRESSION_TYPES.includes(type)) throw new RangeError(`${name}: ${raw}`);
      out.compressionType = type;
    } else {
      target[key] = parseLong(name, raw);
    }
  }
  return out;
}

export function resolveLogConfig(...parts: Array<Partial<LogConfig> | undefined>): LogConfig {
  const out: LogConfig = { ...DEFAULT_LOG_CONFIG };
  for (const p of parts) if (p) Object.assign(out, p);
  return out;
}

export const isCompacted = (c: LogConfig): boolean => c.cleanupPolicy.includes('compact');
export const isDeleteEnabled = (c: LogConfig): boolean => c.cleanupPolicy.includes('delete');
