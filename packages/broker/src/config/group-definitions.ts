/**
 * Settings of KIP-848 consumer groups (README "Consumer groups: the KIP-848 protocol"), named,
 * defaulted and bounded as in Kafka 4.1's GroupCoordinatorConfig. The classic groups' settings
 * (group.min/max.session.timeout.ms, group.initial.rebalance.delay.ms) sit in definitions.ts.
 */

import { ConfigError, type ResolvedSetting } from './broker-config.js';
import type { ConfigDef } from './definitions.js';

export const GROUP_CONSUMER_CONFIG_DEFS: readonly ConfigDef[] = [
  {
    name: 'group.consumer.session.timeout.ms',
    type: 'int',
    default: '45000',
    min: 1,
    doc: 'A member of a consumer group (group.protocol=consumer) that sends no heartbeat this long is removed and its partitions reassigned.',
  },
  {
    name: 'group.consumer.heartbeat.interval.ms',
    type: 'int',
    default: '5000',
    min: 1,
    doc: 'The heartbeat interval given to the members of a consumer group; must be below group.consumer.session.timeout.ms.',
  },
  {
    name: 'group.consumer.max.size',
    type: 'int',
    default: '2147483647',
    min: 1,
    doc: 'Members a consumer group may hold; one more gets GROUP_MAX_SIZE_REACHED.',
  },
  {
    name: 'group.consumer.migration.policy',
    type: 'string',
    default: 'bidirectional',
    oneOf: ['bidirectional', 'upgrade', 'downgrade', 'disabled'],
    doc: 'Which online conversions of non-empty groups are allowed: upgrade (a classic group becomes a consumer group when a group.protocol=consumer member joins), downgrade (a consumer group whose last consumer-protocol member leaves becomes classic again), both, or neither.',
  },
];

/** Kafka refuses a heartbeat interval that is not below the session timeout; so does Kilgore. */
export function checkGroupConsumerSettings(get: (name: string) => ResolvedSetting): void {
  const heartbeat = get('group.consumer.heartbeat.interval.ms');
  const session = get('group.consumer.session.timeout.ms');
  if ((heartbeat.value as number) >= (session.value as number)) {
    throw new ConfigError(
      heartbeat.name,
      heartbeat.origin,
      `${heartbeat.value} must be less than group.consumer.session.timeout.ms (${session.value})`,
    );
  }
}
