/**
 * Online conversion between classic and consumer groups (KIP-848 upgrade and downgrade, Kafka's
 * convertToConsumerGroup / convertToClassicGroup), as `group.consumer.migration.policy` allows.
 *
 * Upgrade: the first group.protocol=consumer member joining a non-empty classic group turns it
 * into a consumer group. Every classic member keeps its id, its last assignment (as its target)
 * and the generation (as its epoch); it stays a classic member, served by classic-members.ts.
 * The joiner bumps the epoch, so the classic members are told to rejoin and give partitions up.
 * Written: the classic group's GroupMetadata tombstone, then the consumer group's records.
 *
 * Downgrade: when the last consumer-protocol member leaves (or is fenced) and classic members
 * remain, they become a Stable classic group at the group epoch, each with its target
 * assignment, and a rebalance starts. Written: the consumer group's tombstones, then the
 * classic group's GroupMetadata.
 */
import type { Logger } from 'pino';
import { CONSUMER_PROTOCOL_TYPE } from './classic-members.js';
import {
  type ConsumerGroup,
  type ConsumerGroups,
  type ConsumerMember,
  emptyConsumerGroup,
  emptyConsumerMember,
  stopTimers,
} from './consumer-group.js';
import type { ConsumerGroupStore } from './consumer-group-store.js';
import {
  decodeAssignment,
  decodeSubscription,
  encodeAssignment,
  subscriptionVersion,
} from './consumer-protocol.js';
import type { GroupCoordinator } from './coordinator.js';
import { ClassicGroup, type Member } from './group.js';
import { encodeGroupMetadataKey } from './offset-records.js';
import { groupMetadataRecord } from './offsets.js';
import { downgradeEnabled, type GroupSettings, upgradeEnabled } from './settings.js';

export class GroupConversion {
  constructor(
    private readonly settings: GroupSettings,
    private readonly coordinator: GroupCoordinator,
    private readonly consumerGroups: ConsumerGroups,
    private readonly store: ConsumerGroupStore,
    private readonly log: Logger,
  ) {
    consumerGroups.convertsOnRemoval = (group, leaving) => this.maybeDowngrade(group, leaving);
  }

  /**
   * A classic static member took the place of the group's last consumer-protocol member (the
   * same group.instance.id restarted with group.protocol=classic): the group becomes classic
   * with no rebalance, the joiner keeping its predecessor's assignment, as in Kafka.
   */
  downgradeOnReplacement(group: ConsumerGroup, replaced: ConsumerMember): boolean {
    if (replaced.classic !== null || !downgradeEnabled(this.settings.migrationPolicy)) return false;
    if ([...group.members.values()].some((m) => m.classic === null)) return false;
    this.toClassicGroup(group, [...group.members.values()], false);
    return true;
  }

  /**
   * Before a ConsumerGroupHeartbeat: a classic group of that id with members is upgraded when a
   * new member (epoch 0) joins and the policy allows it. False: the heartbeat is refused with
   * GROUP_ID_NOT_FOUND, as Kafka refuses it ("not a consumer group").
   */
  maybeUpgrade(groupId: string, memberEpoch: number): boolean {
    const classic = this.coordinator.get(groupId);
    if (classic === undefined || classic.members.size === 0) return true;
    if (memberEpoch !== 0 || !upgradeEnabled(this.settings.migrationPolicy)) return false;
    if (classic.protocolType !== CONSUMER_PROTOCOL_TYPE) return false;
    if (classic.members.size > this.settings.consumerMaxSize) return false;
    let group: ConsumerGroup;
    try {
      group = this.fromClassicGroup(classic);
    } catch (err) {
      this.log.warn({ err, group: groupId }, 'cannot upgrade: malformed consumer protocol metadata');
      return false;
    }
    this.coordinator.release(classic);
    this.consumerGroups.groups.set(groupId, group);
    for (const m of group.members.values()) this.consumerGroups.touch(group, m);
    this.store.queue(groupId, { before: [{ key: encodeGroupMetadataKey(groupId), value: null }] });
    this.log.info(
      { group: groupId, members: group.members.size },
      'classic group upgraded to a consumer group',
    );
    return true;
  }

  /** Kafka's ConsumerGroup.fromClassicGroup: members at the generation, Stable, owning their last assignment. */
  private fromClassicGroup(classic: ClassicGroup): ConsumerGroup {
    const group = emptyConsumerGroup(classic.groupId);
    group.groupEpoch = classic.generationId;
    group.assignmentEpoch = classic.generationId;
    for (const cm of classic.members.values()) {
      const metadata =
        cm.protocols.find((p) => p.name === classic.protocolName)?.metadata ?? cm.protocols[0]?.metadata;
      if (metadata === undefined) throw new RangeError(`member ${cm.memberId} has no protocol`);
      const subscription = decodeSubscription(metadata);
      const assigned = decodeAssignment(cm.assignment);
      const member: ConsumerMember = {
        ...emptyConsumerMember(cm.memberId),
        instanceId: cm.groupInstanceId,
        rackId: subscription.rackId,
        clientId: cm.clientId,
        clientHost: cm.clientHost,
        rebalanceTimeoutMs: cm.rebalanceTimeoutMs,
        subscribedTopicNames: [...new Set(subscription.topics)].sort(),
        memberEpoch: classic.generationId,
        previousMemberEpoch: classic.generationId,
        assigned,
        classic: {
          sessionTimeoutMs: cm.sessionTimeoutMs,
          protocols: cm.protocols,
          joinTimer: null,
          syncTimer: null,
        },
      };
      group.members.set(member.memberId, member);
      group.target.set(member.memberId, assigned);
    }
    return group;
  }

  /**
   * The consumer-protocol member `leaving` is the last one and classic members remain: the group
   * becomes classic without it (true), if the policy allows.
   */
  private maybeDowngrade(group: ConsumerGroup, leaving: ConsumerMember): boolean {
    if (leaving.classic !== null || !downgradeEnabled(this.settings.migrationPolicy)) return false;
    const rest = [...group.members.values()].filter((m) => m !== leaving);
    if (rest.length === 0 || rest.some((m) => m.classic === null)) return false;
    this.toClassicGroup(group, rest, true);
    return true;
  }

  /** Kafka's ClassicGroup.fromConsumerGroup, then the classic coordinator takes the group over. */
  private toClassicGroup(group: ConsumerGroup, rest: ConsumerMember[], rebalance: boolean): void {
    const classic = new ClassicGroup(group.groupId, Date.now());
    classic.generationId = group.groupEpoch;
    classic.protocolType = CONSUMER_PROTOCOL_TYPE;
    for (const m of rest) {
      const c = m.classic!;
      const member: Member = {
        memberId: m.memberId,
        groupInstanceId: m.instanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        sessionTimeoutMs: c.sessionTimeoutMs,
        rebalanceTimeoutMs: m.rebalanceTimeoutMs > 0 ? m.rebalanceTimeoutMs : c.sessionTimeoutMs,
        protocolType: CONSUMER_PROTOCOL_TYPE,
        protocols: c.protocols,
        assignment: encodeAssignment(
          group.target.get(m.memberId) ?? new Map(),
          subscriptionVersion(c.protocols[0]?.metadata ?? Buffer.alloc(0)),
        ),
        joinWaiter: null,
        syncWaiter: null,
        timer: null,
      };
      classic.members.set(member.memberId, member);
      if (member.groupInstanceId !== null) classic.staticMembers.set(member.groupInstanceId, member.memberId);
    }
    classic.protocolName = classic.selectProtocol();
    classic.leaderId = rest[0]!.memberId;
    classic.transition('Stable', Date.now());
    for (const m of group.members.values()) stopTimers(m);
    this.consumerGroups.groups.delete(group.groupId);
    this.store.queue(group.groupId, { after: [groupMetadataRecord(classic)] });
    this.coordinator.adopt(classic, rebalance);
    this.log.info(
      { group: group.groupId, members: rest.length },
      'consumer group downgraded to a classic group',
    );
  }
}
