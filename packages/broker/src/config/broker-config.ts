import type { ChainConfig } from './chain.js';
import type { Listener } from './listeners.js';
import type { SecurityConfig } from './security.js';

/** Where a setting's value came from, lowest priority first. */
export type ConfigSource = 'default' | 'file' | 'env' | 'flag';

/** Long settings at Kafka's Long.MAX_VALUE ("never", "unbounded") are Infinity. */
export type ConfigValue = number | boolean | string | string[] | null;

/** A setting's value as Kafka prints it (lists comma-joined, Infinity as Long.MAX_VALUE). */
export function configValueText(value: Exclude<ConfigValue, null>): string {
  if (Array.isArray(value)) return value.join(',');
  if (value === Number.POSITIVE_INFINITY) return '9223372036854775807';
  return String(value);
}

/** One resolved setting, kept for logging and for DescribeConfigs. */
export interface ResolvedSetting {
  name: string;
  value: ConfigValue;
  source: ConfigSource;
  /** Human-readable origin: `--log-dir`, `KILGORE_LOG_DIRS`, `server.properties:12`, `default`. */
  origin: string;
}

/** The broker's configuration, typed. Every field corresponds to a Kafka broker setting. */
export interface BrokerConfig {
  nodeId: number;
  listeners: Listener[];
  /** Same names as `listeners`; port 0 means "the port the listener of that name was bound to". */
  advertisedListeners: Listener[];
  logDir: string;
  numPartitions: number;
  defaultReplicationFactor: number;
  autoCreateTopicsEnable: boolean;
  deleteTopicEnable: boolean;
  /** The most partitions all topics together may have; more are refused with POLICY_VIOLATION. */
  maxPartitions: number;
  logSegmentBytes: number;
  logRollMs: number;
  logRetentionMs: number;
  logRetentionBytes: number;
  logRetentionCheckIntervalMs: number;
  logIndexIntervalBytes: number;
  messageMaxBytes: number;
  /** CreateTime bounds of record timestamps around the broker's clock; Infinity = unbounded. */
  logMessageTimestampBeforeMaxMs: number;
  logMessageTimestampAfterMaxMs: number;
  /** Broker-side compression (compression.type and its KIP-390 levels), the topics' default. */
  compressionType: string;
  compressionGzipLevel: number;
  compressionLz4Level: number;
  compressionZstdLevel: number;
  socketRequestMaxBytes: number;
  connectionsMaxIdleMs: number;
  queuedMaxRequests: number;
  loggerLevel: string;
  /** Listener protocols, TLS, SASL and connection limits; absent means every listener is PLAINTEXT. */
  security?: SecurityConfig;
  /** Chain replication (kilgore.chains and friends); absent in hand-built configs. */
  chain?: ChainConfig;
  /** Every setting with its source, by Kafka name. */
  settings: ReadonlyMap<string, ResolvedSetting>;
}

/** Raised for a bad setting; `setting` is the Kafka name, `origin` where the value came from. */
export class ConfigError extends Error {
  constructor(
    readonly setting: string,
    readonly origin: string,
    reason: string,
  ) {
    super(`Invalid configuration ${setting}${origin === 'default' ? '' : ` (from ${origin})`}: ${reason}`);
    this.name = 'ConfigError';
  }
}
