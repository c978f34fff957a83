import { LOG_CONFIG_NAMES } from '@kilgore/storage';
import { type BrokerConfig, configValueText } from '../config/broker-config.js';

/** Kafka's DescribeConfigs config types (ConfigEntry.ConfigType). */
export const ConfigType = {
  BOOLEAN: 1,
  STRING: 2,
  INT: 3,
  LONG: 5,
  DOUBLE: 6,
  LIST: 7,
  PASSWORD: 9,
} as const;

type ValueType = 'boolean' | 'string' | 'int' | 'long' | 'double' | 'list';

/** One topic-level config, under Kafka's name (TopicConfig / LogConfig). */
export interface TopicConfigDef {
  name: string;
  type: ValueType;
  /** The value when neither the topic nor the broker sets it (Kilgore's, which is Kafka's but for flush.ms). */
  default: string;
  /** The broker setting it falls back to (Kafka's LogConfig synonyms), e.g. log.retention.ms. */
  brokerSynonym: string;
  min?: number;
  max?: number;
  /** For string and list configs: the accepted values. */
  oneOf?: readonly string[];
  doc: string;
}

const LONG_MAX = '9223372036854775807';
const INT_MAX = 2 ** 31 - 1;

/**
 * The topic configs Kilgore accepts. Those in storage's LOG_CONFIG_NAMES change how the partition
 * logs behave; the rest (replication, cleaner tuning, preallocation) are accepted, kept and
 * reported as Kafka would, but have no effect on one node, so tools that set them keep working.
 */
export const TOPIC_CONFIG_DEFS: readonly TopicConfigDef[] = [
  {
    name: 'cleanup.policy',
    type: 'list',
    default: 'delete',
    brokerSynonym: 'log.cleanup.policy',
    oneOf: ['delete', 'compact'],
    doc: 'delete, compact, or both: what happens to old segments.',
  },
  {
    name: 'compression.type',
    type: 'string',
    default: 'producer',
    brokerSynonym: 'compression.type',
    oneOf: ['uncompressed', 'zstd', 'lz4', 'snappy', 'gzip', 'producer'],
    doc: "The codec batches are stored under; 'producer' keeps them as sent, others recompress those that differ.",
  },
  {
    name: 'compression.gzip.level',
    type: 'int',
    default: '-1',
    brokerSynonym: 'compression.gzip.level',
    min: -1,
    max: 9,
    doc: "gzip level when the broker compresses: -1 (zlib's default) or 1-9.",
  },
  {
    name: 'compression.lz4.level',
    type: 'int',
    default: '9',
    brokerSynonym: 'compression.lz4.level',
    min: 1,
    max: 17,
    doc: "Accepted as Kafka's; Kilgore's lz4 has one level.",
  },
  {
    name: 'compression.zstd.level',
    type: 'int',
    default: '3',
    brokerSynonym: 'compression.zstd.level',
    min: -131072,
    max: 22,
    doc: 'zstd level when the broker compresses: -131072 to 22.',
  },
  long(
    'delete.retention.ms',
    '86400000',
    'log.cleaner.delete.retention.ms',
    0,
    'How long tombstones are kept.',
  ),
  long(
    'file.delete.delay.ms',
    '60000',
    'log.segment.delete.delay.ms',
    0,
    'Accepted; Kilgore deletes at once.',
  ),
  long('flush.messages', LONG_MAX, 'log.flush.interval.messages', 1, 'fsync after this many messages.'),
  // Kilgore's default differs from Kafka's (never): see storage's DEFAULT_LOG_CONFIG.
  long('flush.ms', '1000', 'log.flush.interval.ms', 0, 'fsync at least this often.'),
  int('index.interval.bytes', '4096', 'log.index.interval.bytes', 0, 'Bytes between offset-index entries.'),
  long('max.compaction.lag.ms', LONG_MAX, 'log.cleaner.max.compaction.lag.ms', 1, 'Accepted; no effect.'),
  int('max.message.bytes', '1048588', 'message.max.bytes', 0, 'Largest record batch accepted.'),
  bool('message.downconversion.enable', 'true', 'log.message.downconversion.enable'),
  long(
    'message.timestamp.after.max.ms',
    '3600000',
    'log.message.timestamp.after.max.ms',
    0,
    'How far in the future a CreateTime timestamp may be.',
  ),
  long(
    'message.timestamp.before.max.ms',
    LONG_MAX,
    'log.message.timestamp.before.max.ms',
    0,
    'How far in the past a CreateTime timestamp may be.',
  ),
  {
    name: 'message.timestamp.type',
    type: 'string',
    default: 'CreateTime',
    brokerSynonym: 'log.message.timestamp.type',
    oneOf: ['CreateTime', 'LogAppendTime'],
    doc: "The producer's timestamps, or the broker's append time.",
  },
  {
    name: 'min.cleanable.dirty.ratio',
    type: 'double',
    default: '0.5',
    brokerSynonym: 'log.cleaner.min.cleanable.ratio',
    min: 0,
    max: 1,
    doc: 'Accepted; no effect.',
  },
  long(
    'min.compaction.lag.ms',
    '0',
    'log.cleaner.min.compaction.lag.ms',
    0,
    'Records younger are not compacted.',
  ),
  int('min.insync.replicas', '1', 'min.insync.replicas', 1, 'Accepted; one node is the whole ISR.'),
  bool('preallocate', 'false', 'log.preallocate'),
  long(
    'retention.bytes',
    '-1',
    'log.retention.bytes',
    Number.NEGATIVE_INFINITY,
    'Partition size limit; -1: none.',
  ),
  long('retention.ms', '604800000', 'log.retention.ms', -1, 'Age limit of segments; -1: keep forever.'),
  int('segment.bytes', '1073741824', 'log.segment.bytes', 14, 'Size at which a segment is rolled.'),
  int('segment.index.bytes', '10485760', 'log.index.size.max.bytes', 4, 'Size limit of an offset index.'),
  long('segment.jitter.ms', '0', 'log.roll.jitter.ms', 0, 'Accepted; no effect.'),
  long('segment.ms', '604800000', 'log.roll.ms', 1, 'Age at which a segment is rolled.'),
  bool('unclean.leader.election.enable', 'false', 'unclean.leader.election.enable'),
  {
    name: 'follower.replication.throttled.replicas',
    type: 'list',
    default: '',
    brokerSynonym: 'follower.replication.throttled.replicas',
    doc: 'Accepted; no effect.',
  },
  {
    name: 'leader.replication.throttled.replicas',
    type: 'list',
    default: '',
    brokerSynonym: 'leader.replication.throttled.replicas',
    doc: 'Accepted; no effect.',
  },
];

function long(name: string, def: string, brokerSynonym: string, min: number, doc: string): TopicConfigDef {
  return { name, type: 'long', default: def, brokerSynonym, min, doc };
}

function int(name: string, def: string, brokerSynonym: string, min: number, doc: string): TopicConfigDef {
  return { name, type: 'int', default: def, brokerSynonym, min, max: INT_MAX, doc };
}

function bool(name: string, def: string, brokerSynonym: string): TopicConfigDef {
  return { name, type: 'boolean', default: def, brokerSynonym, doc: 'Accepted; no effect on one node.' };
}

const BY_NAME = new Map(TOPIC_CONFIG_DEFS.map((d) => [d.name, d]));

export function topicConfigDef(name: string): TopicConfigDef | undefined {
  return BY_NAME.get(name);
}

/** The names storage acts on (the rest are kept and reported only). */
export const STORAGE_CONFIG_NAMES: ReadonlySet<string> = new Set(LOG_CONFIG_NAMES);

/** DescribeConfigs' config_type of a definition. */
export function describeType(def: TopicConfigDef): number {
  switch (def.type) {
    case 'boolean':
      return ConfigType.BOOLEAN;
    case 'int':
      return ConfigType.INT;
    case 'long':
      return ConfigType.LONG;
    case 'double':
      return ConfigType.DOUBLE;
    case 'list':
      return ConfigType.LIST;
    default:
      return ConfigType.STRING;
  }
}

/**
 * Why `value` is not a valid value of `def`, in Kafka's words, or null when it is.
 */
export function invalidValueReason(def: TopicConfigDef, value: string): string | null {
  const bad = (why: string) => `Invalid value ${value} for configuration ${def.name}: ${why}`;
  const v = value.trim();
  switch (def.type) {
    case 'boolean':
      return /^(true|false)$/i.test(v) ? null : bad('Expected value to be either true or false');
    case 'int':
    case 'long': {
      if (!/^[+-]?\d+$/.test(v)) return bad(`Not a number of type ${def.type.toUpperCase()}`);
      const n = BigInt(v);
      const [lo, hi] = def.type === 'int' ? [-(2n ** 31n), 2n ** 31n - 1n] : [-(2n ** 63n), 2n ** 63n - 1n];
      if (n < lo || n > hi) return bad(`Not a number of type ${def.type.toUpperCase()}`);
      // zlib's level 0 stores without compressing: Kafka takes -1 or 1-9.
      if (def.name === 'compression.gzip.level' && n === 0n)
        return bad('Value must be between 1 and 9 or equal to -1');
      return rangeReason(def, Number(n), bad);
    }
    case 'double': {
      const n = Number(v);
      if (v === '' || !Number.isFinite(n)) return bad('Not a number of type DOUBLE');
      return rangeReason(def, n, bad);
    }
    case 'list': {
      if (!def.oneOf) return null;
      for (const item of splitList(v)) {
        if (!def.oneOf.includes(item)) return bad(`String must be one of: ${def.oneOf.join(', ')}`);
      }
      return null;
    }
    default:
      if (def.oneOf && !def.oneOf.includes(v)) return bad(`String must be one of: ${def.oneOf.join(', ')}`);
      return null;
  }
}

function rangeReason(def: TopicConfigDef, n: number, bad: (why: string) => string): string | null {
  if (def.min !== undefined && n < def.min) return bad(`Value must be at least ${def.min}`);
  if (def.max !== undefined && n > def.max) return bad(`Value must be no more than ${def.max}`);
  return null;
}

/** A list config's items: comma-separated, trimmed, empty items dropped. */
export function splitList(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/**
 * What a topic config falls back to when the topic does not set it: the broker's setting when
 * Kilgore has one under the synonym (set explicitly or not), else the default above.
 */
export function brokerDefault(
  def: TopicConfigDef,
  config: BrokerConfig,
): { value: string; explicit: boolean } {
  const s = config.settings.get(def.brokerSynonym);
  if (!s || s.value === null) return { value: def.default, explicit: false };
  const value = configValueText(s.value);
  return { value, explicit: s.source !== 'default' };
}
