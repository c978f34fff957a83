/**
 * Classic-protocol members inside a consumer group (Kafka's classicGroup*ToConsumerGroup in
 * GroupMetadataManager): during a rolling upgrade or downgrade, members still on
 * group.protocol=classic keep sending JoinGroup/SyncGroup/Heartbeat/LeaveGroup, and the consumer
 * group serves them. Their subscription and owned partitions come from the JoinGroup metadata,
 * their assignment is the coordinator's (SyncGroup hands it out; no leader assigns), and a
 * heartbeat answers REBALANCE_IN_PROGRESS whenever they must rejoin to give partitions up or
 * to take new ones. A member that then does not rejoin (or sync) within its rebalance timeout
 * is fenced.
 */
import { randomUUID } from 'node:crypto';
import { ErrorCode } from '@kilgore/protocol';
import {
  type ConsumerGroup,
  type ConsumerGroups,
  type ConsumerMember,
  emptyConsumerMember,
  fromKeys,
  toKeys,
} from './consumer-group.js';
import { decodeSubscription, encodeAssignment, subscriptionVersion } from './consumer-protocol.js';
import type { JoinRequest, MemberIdentity, SyncRequest } from './coordinator.js';
import type { JoinResult, SyncResult } from './group.js';

export const CONSUMER_PROTOCOL_TYPE = 'consumer';

const failedJoin = (errorCode: number, memberId = ''): JoinResult => ({
  errorCode,
  generationId: -1,
  protocolType: null,
  protocolName: null,
  leader: '',
  skipAssignment: false,
  memberId,
  members: [],
});

const failedSync = (errorCode: number): SyncResult => ({
  errorCode,
  protocolType: null,
  protocolName: null,
  assignment: Buffer.alloc(0),
});

type Found = { member: ConsumerMember } | { error: number };

export class ClassicMembers {
  /**
   * Asked after a classic static member replaced `replaced`: true when the group became classic
   * (conversion.ts: it was the last consumer-protocol member).
   */
  convertsOnReplacement: (group: ConsumerGroup, replaced: ConsumerMember) => boolean = () => false;

  constructor(
    private readonly groups: ConsumerGroups,
    private readonly maxSize: number,
  ) {}

  /** The consumer group that answers classic requests for this id: one with members (Kafka: non-empty). */
  serving(groupId: string): ConsumerGroup | undefined {
    const g = this.groups.get(groupId);
    return g !== undefined && g.members.size > 0 ? g : undefined;
  }

  join(group: ConsumerGroup, req: JoinRequest): JoinResult {
    if (!this.supportsProtocols(group, req))
      return failedJoin(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, req.memberId);
    const memberId = req.memberId === '' ? randomUUID() : req.memberId;
    const known = group.members.has(memberId);
    if (!known && group.members.size >= this.maxSize)
      return failedJoin(ErrorCode.GROUP_MAX_SIZE_REACHED, memberId);
    if (req.memberId === '' && req.requireKnownMemberId)
      return failedJoin(ErrorCode.MEMBER_ID_REQUIRED, memberId);
    let subscription: ReturnType<typeof decodeSubscription>;
    try {
      subscription = decodeSubscription(req.protocols[0]!.metadata);
    } catch {
      return failedJoin(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, memberId);
    }
    let member = group.members.get(memberId);
    let changed = false;
    let replaced: ConsumerMember | undefined;
    if (member !== undefined && member.classic === null)
      return failedJoin(ErrorCode.UNKNOWN_MEMBER_ID, memberId);
    if (member === undefined) {
      const previous =
        req.groupInstanceId === null
          ? undefined
          : [...group.members.values()].find((m) => m.instanceId === req.groupInstanceId);
      // A static member's new incarnation takes the old one's place; a stale one is fenced.
      if (previous !== undefined && req.memberId !== '')
        return failedJoin(ErrorCode.FENCED_INSTANCE_ID, memberId);
      member = { ...emptyConsumerMember(memberId), instanceId: req.groupInstanceId };
      if (previous !== undefined) {
        replaced = previous;
        const target = group.target.get(previous.memberId) ?? new Map();
        this.groups.removeMember(group, previous);
        // Its copy at epoch 0 (Kafka): same partitions and subscription, so no new group epoch
        // unless the topics differ; the reconciliation below gives it the current epoch.
        member.assigned = previous.assigned;
        member.subscribedTopicNames = previous.subscribedTopicNames;
        member.rackId = previous.rackId;
        group.target.set(memberId, target);
      }
      group.members.set(memberId, member);
      changed = previous === undefined;
    }
    member.clientId = req.clientId;
    member.clientHost = req.clientHost;
    if (req.rebalanceTimeoutMs > 0) member.rebalanceTimeoutMs = req.rebalanceTimeoutMs;
    if (subscription.rackId !== null) member.rackId = subscription.rackId;
    member.serverAssignor = null;
    const topics = [...new Set(subscription.topics)].sort();
    if (topics.join('\u0000') !== member.subscribedTopicNames.join('\u0000')) {
      member.subscribedTopicNames = topics;
      changed = true;
    }
    member.classic = {
      sessionTimeoutMs: req.sessionTimeoutMs,
      protocols: req.protocols,
      joinTimer: member.classic?.joinTimer ?? null,
      syncTimer: member.classic?.syncTimer ?? null,
    };
    if (changed || this.groups.partitionsChanged(group)) this.groups.bump(group);
    this.settleRevocations(group, member, toKeys(subscription.ownedPartitions));
    this.groups.reconcile(group, member);
    const classic = member.classic;
    if (classic.joinTimer) clearTimeout(classic.joinTimer);
    classic.joinTimer = null;
    this.groups.touch(group, member);
    // The SyncGroup must follow within the rebalance timeout.
    if (classic.syncTimer) clearTimeout(classic.syncTimer);
    const joined = member;
    classic.syncTimer = setTimeout(
      () => this.groups.expire(group, joined),
      this.rebalanceTimeoutOf(member, req),
    );
    classic.syncTimer.unref();
    // Its timers stop if the group becomes classic: the classic coordinator serves it from here.
    if (replaced !== undefined) this.convertsOnReplacement(group, replaced);
    return {
      errorCode: ErrorCode.NONE,
      generationId: member.memberEpoch,
      protocolType: CONSUMER_PROTOCOL_TYPE,
      protocolName: req.protocols[0]!.name,
      leader: '',
      skipAssignment: false,
      memberId,
      members: [],
    };
  }

  sync(group: ConsumerGroup, req: SyncRequest): SyncResult {
    const found = this.find(group, req.memberId, req.groupInstanceId);
    if ('error' in found) return failedSync(found.error);
    const { member } = found;
    const classic = member.classic!;
    if (req.generationId !== member.memberEpoch) return failedSync(ErrorCode.ILLEGAL_GENERATION);
    if (
      (req.protocolType !== null && req.protocolType !== CONSUMER_PROTOCOL_TYPE) ||
      (req.protocolName !== null && req.protocolName !== classic.protocols[0]?.name)
    ) {
      return failedSync(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    }
    // A newer epoch means a rejoin first, unless the member is still giving partitions up.
    if (group.groupEpoch > member.memberEpoch && member.revoking.size === 0) {
      this.awaitRejoin(group, member);
      return failedSync(ErrorCode.REBALANCE_IN_PROGRESS);
    }
    if (classic.syncTimer) clearTimeout(classic.syncTimer);
    classic.syncTimer = null;
    this.groups.touch(group, member);
    return {
      errorCode: ErrorCode.NONE,
      protocolType: CONSUMER_PROTOCOL_TYPE,
      protocolName: classic.protocols[0]?.name ?? null,
      assignment: encodeAssignment(
        member.assigned,
        subscriptionVersion(classic.protocols[0]?.metadata ?? Buffer.alloc(0)),
      ),
    };
  }

  heartbeat(
    group: ConsumerGroup,
    generationId: number,
    memberId: string,
    groupInstanceId: string | null,
  ): number {
    const found = this.find(group, memberId, groupInstanceId);
    if ('error' in found) return found.error;
    const { member } = found;
    if (generationId !== member.memberEpoch) return ErrorCode.ILLEGAL_GENERATION;
    this.groups.touch(group, member);
    // Rejoin to catch up with a new epoch, to give partitions up, or to take ones now released.
    if (
      member.memberEpoch < group.groupEpoch ||
      member.revoking.size > 0 ||
      (this.unreleased(group, member).length > 0 && !this.waitingOnOthers(group, member))
    ) {
      this.awaitRejoin(group, member);
      return ErrorCode.REBALANCE_IN_PROGRESS;
    }
    return ErrorCode.NONE;
  }

  leave(group: ConsumerGroup, members: readonly MemberIdentity[]): { errorCode: number; members: number[] } {
    const results = members.map((id) => {
      const found = this.find(group, id.memberId, id.groupInstanceId, true);
      if ('error' in found) return found.error;
      this.groups.fence(group, found.member);
      return ErrorCode.NONE;
    });
    return { errorCode: ErrorCode.NONE, members: results };
  }

  /**
   * Kafka's validateConsumerGroupMember + throwIfMemberDoesNotUseClassicProtocol. An admin
   * removing a static member sends its instance id alone (`byInstanceOnly`).
   */
  private find(
    group: ConsumerGroup,
    memberId: string,
    instanceId: string | null,
    byInstanceOnly = false,
  ): Found {
    let member: ConsumerMember | undefined;
    if (instanceId === null) {
      member = group.members.get(memberId);
    } else {
      member = [...group.members.values()].find((m) => m.instanceId === instanceId);
      if (member !== undefined && member.memberId !== memberId && !(byInstanceOnly && memberId === '')) {
        return { error: ErrorCode.FENCED_INSTANCE_ID };
      }
    }
    if (member === undefined || member.classic === null) return { error: ErrorCode.UNKNOWN_MEMBER_ID };
    return { member };
  }

  /** Classic members must share one protocol (assignor name); with none there yet, any offer goes. */
  private supportsProtocols(group: ConsumerGroup, req: JoinRequest): boolean {
    if (req.protocolType !== CONSUMER_PROTOCOL_TYPE || req.protocols.length === 0) return false;
    const others = [...group.members.values()].filter(
      (m) => m.classic !== null && m.memberId !== req.memberId,
    );
    return req.protocols.some((p) =>
      others.every((m) => m.classic!.protocols.some((q) => q.name === p.name)),
    );
  }

  /**
   * A classic member rejoins owning what its JoinGroup lists (nothing, after an eager revoke):
   * partitions it had to give up and no longer owns count as given up (Kafka's
   * CurrentAssignmentBuilder does the same with the owned partitions it is told).
   */
  private settleRevocations(group: ConsumerGroup, member: ConsumerMember, owned: Set<string>): void {
    const target = toKeys(group.target.get(member.memberId) ?? new Map());
    const assigned = toKeys(member.assigned);
    const pending = [...toKeys(member.revoking), ...[...assigned].filter((k) => !target.has(k))];
    if (pending.some((k) => owned.has(k))) return;
    member.revoking = new Map();
    member.assigned = fromKeys([...assigned].filter((k) => target.has(k)));
  }

  /** Target partitions the member does not have yet. */
  private unreleased(group: ConsumerGroup, member: ConsumerMember): string[] {
    const assigned = toKeys(member.assigned);
    return [...toKeys(group.target.get(member.memberId) ?? new Map())].filter((k) => !assigned.has(k));
  }

  /** Some partition the member waits for is still owned (or being given up) by another member. */
  private waitingOnOthers(group: ConsumerGroup, member: ConsumerMember): boolean {
    const wanted = new Set(this.unreleased(group, member));
    for (const m of group.members.values()) {
      if (m === member) continue;
      for (const k of toKeys(m.assigned)) if (wanted.has(k)) return true;
      for (const k of toKeys(m.revoking)) if (wanted.has(k)) return true;
    }
    return false;
  }

  /** Told to rejoin: a member not back within its rebalance timeout is fenced (kept if already running). */
  private awaitRejoin(group: ConsumerGroup, member: ConsumerMember): void {
    const classic = member.classic!;
    if (classic.joinTimer !== null) return;
    classic.joinTimer = setTimeout(() => this.groups.expire(group, member), this.rebalanceTimeoutOf(member));
    classic.joinTimer.unref();
  }

  private rebalanceTimeoutOf(member: ConsumerMember, req?: JoinRequest): number {
    const ms =
      req !== undefined && req.rebalanceTimeoutMs > 0 ? req.rebalanceTimeoutMs : member.rebalanceTimeoutMs;
    return ms > 0 ? ms : (member.classic?.sessionTimeoutMs ?? 45_000);
  }
}
