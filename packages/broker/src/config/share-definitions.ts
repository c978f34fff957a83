/**
 * Share-group settings (KIP-932), named and defaulted as Kafka 4.1's broker configs, except
 * `group.share.auto.offset.reset`: Kafka sets that per group (`share.auto.offset.reset` through
 * IncrementalAlterConfigs on a GROUP resource), Kilgore takes one default for every share group.
 */
import type { ConfigDef } from './definitions.js';

export const SHARE_CONFIG_DEFS: readonly ConfigDef[] = [
  {
    name: 'group.share.record.lock.duration.ms',
    type: 'int',
    default: '30000',
    min: 1000,
    max: 3_600_000,
    doc: 'How long a share consumer holds acquired records before they become available again.',
  },
  {
    name: 'group.share.delivery.count.limit',
    type: 'int',
    default: '5',
    min: 2,
    max: 10,
    doc: 'A record delivered this many times is archived instead of being made available again.',
  },
  {
    name: 'group.share.partition.max.record.locks',
    type: 'int',
    default: '2000',
    min: 100,
    max: 10_000,
    doc: 'Most in-flight records (between the share-partition start offset and the last fetched).',
  },
  {
    name: 'group.share.heartbeat.interval.ms',
    type: 'int',
    default: '5000',
    min: 1,
    doc: 'How often share consumers are told to heartbeat.',
  },
  {
    name: 'group.share.session.timeout.ms',
    type: 'int',
    default: '45000',
    min: 1,
    doc: 'A share consumer silent this long leaves its group and its acquired records are released.',
  },
  {
    name: 'group.share.auto.offset.reset',
    type: 'string',
    default: 'latest',
    oneOf: ['latest', 'earliest'],
    doc: 'Where a share group starts on a partition it has no state for (Kafka: per-group share.auto.offset.reset).',
  },
];
