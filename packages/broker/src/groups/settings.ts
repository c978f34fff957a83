import type { BrokerConfig } from '../config/broker-config.js';

/** The group coordinator's settings, by their Kafka names. */
export interface GroupSettings {
  /** group.initial.rebalance.delay.ms: the first rebalance of an empty group waits this long. */
  initialRebalanceDelayMs: number;
  minSessionTimeoutMs: number;
  maxSessionTimeoutMs: number;
  /** offsets.retention.minutes, in ms. */
  offsetsRetentionMs: number;
  offsetsRetentionCheckIntervalMs: number;
  offsetMetadataMaxBytes: number;
  /** group.consumer.session.timeout.ms, .heartbeat.interval.ms, .max.size: KIP-848 groups. */
  consumerSessionTimeoutMs: number;
  consumerHeartbeatIntervalMs: number;
  consumerMaxSize: number;
  /** group.consumer.migration.policy: which online conversions between classic and consumer groups run. */
  migrationPolicy: MigrationPolicy;
}

export type MigrationPolicy = 'bidirectional' | 'upgrade' | 'downgrade' | 'disabled';

export const upgradeEnabled = (p: MigrationPolicy): boolean => p === 'bidirectional' || p === 'upgrade';
export const downgradeEnabled = (p: MigrationPolicy): boolean => p === 'bidirectional' || p === 'downgrade';

/**
 * Read from the resolved settings map rather than typed BrokerConfig fields, so a config built
 * before these settings existed (or by hand in a test) still gets Kafka's defaults.
 */
export function groupSettings(config: BrokerConfig): GroupSettings {
  const num = (name: string, fallback: number): number => {
    const v = config.settings?.get(name)?.value;
    return typeof v === 'number' ? v : fallback;
  };
  return {
    initialRebalanceDelayMs: num('group.initial.rebalance.delay.ms', 3000),
    minSessionTimeoutMs: num('group.min.session.timeout.ms', 6000),
    maxSessionTimeoutMs: num('group.max.session.timeout.ms', 1_800_000),
    offsetsRetentionMs: num('offsets.retention.minutes', 10_080) * 60_000,
    offsetsRetentionCheckIntervalMs: num('offsets.retention.check.interval.ms', 600_000),
    offsetMetadataMaxBytes: num('offset.metadata.max.bytes', 4096),
    consumerSessionTimeoutMs: num('group.consumer.session.timeout.ms', 45_000),
    consumerHeartbeatIntervalMs: num('group.consumer.heartbeat.interval.ms', 5000),
    consumerMaxSize: num('group.consumer.max.size', 2_147_483_647),
    migrationPolicy: migrationPolicy(config.settings?.get('group.consumer.migration.policy')?.value),
  };
}

function migrationPolicy(v: unknown): MigrationPolicy {
  const s = typeof v === 'string' ? v.toLowerCase() : 'bidirectional';
  return s === 'upgrade' || s === 'downgrade' || s === 'disabled' ? s : 'bidirectional';
}
