import type { BrokerConfig } from '../config/broker-config.js';

/** Share-group settings by their Kafka names (config/share-definitions.ts). */
export interface ShareSettings {
  recordLockDurationMs: number;
  deliveryCountLimit: number;
  maxInFlight: number;
  heartbeatIntervalMs: number;
  sessionTimeoutMs: number;
  autoOffsetReset: 'latest' | 'earliest';
}

/** From the resolved settings map, with Kafka's defaults for a config built by hand. */
export function shareSettings(config: BrokerConfig): ShareSettings {
  const num = (name: string, fallback: number): number => {
    const v = config.settings?.get(name)?.value;
    return typeof v === 'number' ? v : fallback;
  };
  const reset = String(
    config.settings?.get('group.share.auto.offset.reset')?.value ?? 'latest',
  ).toLowerCase();
  return {
    recordLockDurationMs: num('group.share.record.lock.duration.ms', 30_000),
    deliveryCountLimit: num('group.share.delivery.count.limit', 5),
    maxInFlight: num('group.share.partition.max.record.locks', 2000),
    heartbeatIntervalMs: num('group.share.heartbeat.interval.ms', 5000),
    sessionTimeoutMs: num('group.share.session.timeout.ms', 45_000),
    autoOffsetReset: reset === 'earliest' ? 'earliest' : 'latest',
  };
}
