import type { Logger } from 'pino';
import type { BrokerConfig } from '../config/broker-config.js';
import type { PartitionLogView } from '../logs/partition-log.js';
import { ClassicMembers } from './classic-members.js';
import { ConsumerGroups } from './consumer-group.js';
import { ConsumerGroupStore, type TopicIds } from './consumer-group-store.js';
import { GroupConversion } from './conversion.js';
import { GroupCoordinator } from './coordinator.js';
import { OffsetManager } from './offsets.js';
import { OffsetsLog } from './offsets-log.js';
import { type GroupSettings, groupSettings } from './settings.js';

export { type ConsumerGroup, ConsumerGroups, type TopicPartitions } from './consumer-group.js';
export { checkConsumerGroupFetch } from './consumer-group-offsets.js';
export { GroupCoordinator } from './coordinator.js';
export { type ClassicGroup, GROUP_STATES, type GroupState } from './group.js';
export { OffsetManager } from './offsets.js';
export { OFFSETS_TOPIC } from './offsets-log.js';

export interface GroupsOptions {
  config: BrokerConfig;
  log: Logger;
  /** The `__consumer_offsets` partition, created when `create` is true and it does not exist. */
  offsetsPartition: (create: boolean) => PartitionLogView | undefined;
  /** Partition count of a topic, undefined if it does not exist (commits are checked against it). */
  partitionsOf: (topic: string) => number | undefined;
  /** Topic ids by name and back (consumer group records name topics by id). */
  topicIds: TopicIds;
  /** Every topic and its partition count (what consumer groups subscribe to). */
  listTopics: () => Iterable<[string, number]>;
  /**
   * Whether this node coordinates the groups now (on a chain: the loaded head). Offset expiry
   * writes tombstones only then: another node's memory of the groups may be stale.
   */
  coordinating?: () => boolean;
}

/** The group coordinator of this node: membership and committed offsets, kept in `__consumer_offsets`. */
export class Groups {
  readonly settings: GroupSettings;
  readonly coordinator: GroupCoordinator;
  /** KIP-848 groups (`group.protocol=consumer`), beside the classic ones. */
  readonly consumerGroups: ConsumerGroups;
  /** Writes and replays the consumer groups' records. */
  readonly consumerGroupStore: ConsumerGroupStore;
  readonly offsets: OffsetManager;
  /** Classic-protocol members of consumer groups (JoinGroup/SyncGroup/Heartbeat/LeaveGroup during a migration). */
  readonly classicMembers: ClassicMembers;
  /** Upgrades and downgrades between classic and consumer groups (group.consumer.migration.policy). */
  readonly conversion: GroupConversion;
  private expiryTimer: NodeJS.Timeout | null = null;
  private readonly coordinating: () => boolean;

  constructor(opts: GroupsOptions) {
    this.coordinating = opts.coordinating ?? (() => true);
    this.settings = groupSettings(opts.config);
    const log = opts.log.child({ component: 'groups' });
    const offsetsLog = new OffsetsLog(opts.offsetsPartition, log);
    let offsets: OffsetManager | undefined;
    this.consumerGroups = new ConsumerGroups(
      {
        sessionTimeoutMs: this.settings.consumerSessionTimeoutMs,
        heartbeatIntervalMs: this.settings.consumerHeartbeatIntervalMs,
        maxSize: this.settings.consumerMaxSize,
      },
      opts.listTopics,
    );
    this.consumerGroupStore = new ConsumerGroupStore(this.consumerGroups, offsetsLog, opts.topicIds, log);
    this.consumerGroups.onExpired = (groupId) => this.consumerGroupStore.persistInBackground(groupId);
    this.classicMembers = new ClassicMembers(this.consumerGroups, this.settings.consumerMaxSize);
    this.coordinator = new GroupCoordinator(this.settings, log, {
      onGroupChanged: (g) => offsets?.persistGroup(g),
    });
    offsets = new OffsetManager(this.coordinator, offsetsLog, this.settings, opts.partitionsOf, log);
    this.offsets = offsets;
    offsets.consumerGroups = this.consumerGroups;
    offsets.consumerGroupStore = this.consumerGroupStore;
    this.conversion = new GroupConversion(
      this.settings,
      this.coordinator,
      this.consumerGroups,
      this.consumerGroupStore,
      log,
    );
    this.classicMembers.convertsOnReplacement = (g, replaced) =>
      this.conversion.downgradeOnReplacement(g, replaced);
  }

  /**
   * A classic JoinGroup for the id of an empty consumer group: the consumer group goes (its
   * records are tombstoned) and a classic group takes the id, as in Kafka.
   */
  async dropEmptyConsumerGroup(groupId: string): Promise<void> {
    const g = this.consumerGroups.get(groupId);
    if (g === undefined || g.members.size > 0) return;
    this.consumerGroups.groups.delete(groupId);
    await this.consumerGroupStore.persist(groupId);
  }

  /** Reloads committed offsets and starts offset expiry. */
  async start(): Promise<void> {
    await this.offsets.load();
    const tick = (): void => {
      this.expiryTimer = setTimeout(() => {
        (this.coordinating() ? this.offsets.expire() : Promise.resolve(0))
          .catch(() => {})
          .finally(() => {
            if (this.expiryTimer !== null) tick();
          });
      }, this.settings.offsetsRetentionCheckIntervalMs);
      this.expiryTimer.unref();
    };
    tick();
  }

  /** Stops timers and answers parked JoinGroup/SyncGroup requests; call before connections drain. */
  close(): void {
    if (this.expiryTimer !== null) clearTimeout(this.expiryTimer);
    this.expiryTimer = null;
    this.coordinator.close();
    this.consumerGroups.close();
  }
}
