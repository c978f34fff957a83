import { randomUUID } from 'node:crypto';
import { ErrorCode } from '@kilgore/protocol';
import type { Logger } from 'pino';
import {
  ClassicGroup,
  type JoinResult,
  type Member,
  type Protocol,
  type SyncResult,
  sameProtocols,
} from './group.js';
import type { GroupSettings } from './settings.js';

export interface JoinRequest {
  groupId: string;
  memberId: string;
  groupInstanceId: string | null;
  sessionTimeoutMs: number;
  /** -1 (JoinGroup v0) means "same as the session timeout". */
  rebalanceTimeoutMs: number;
  protocolType: string;
  protocols: Protocol[];
  clientId: string;
  clientHost: string;
  /** Member id required on first join from v4 (KIP-394). */
  requireKnownMemberId: boolean;
}

export interface SyncRequest {
  groupId: string;
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
  protocolType: string | null;
  protocolName: string | null;
  assignments: { memberId: string; assignment: Buffer }[];
}

export interface MemberIdentity {
  memberId: string;
  groupInstanceId: string | null;
}

/** Hooks the coordinator calls when a generation is settled or a group disappears (persistence). */
export interface GroupListener {
  onGroupChanged(group: ClassicGroup): void;
}

const EMPTY = Buffer.alloc(0);

function failedJoin(errorCode: number, memberId = ''): JoinResult {
  return {
    errorCode,
    generationId: -1,
    protocolType: null,
    protocolName: null,
    leader: '',
    skipAssignment: false,
    memberId,
    members: [],
  };
}

function failedSync(errorCode: number): SyncResult {
  return { errorCode, protocolType: null, protocolName: null, assignment: EMPTY };
}

/**
 * The classic group protocol (Kafka's ClassicGroup rules in GroupMetadataManager): JoinGroup,
 * SyncGroup, Heartbeat and LeaveGroup move groups through Empty -> PreparingRebalance ->
 * CompletingRebalance -> Stable, with session timers that evict silent members. Membership lives
 * in memory; generations are reported to the listener so they can be persisted.
 */
export class GroupCoordinator {
  readonly groups = new Map<string, ClassicGroup>();
  private closed = false;

  constructor(
    private readonly settings: GroupSettings,
    private readonly log: Logger,
    private readonly listener: GroupListener,
    private readonly now: () => number = Date.now,
  ) {}

  get(groupId: string): ClassicGroup | undefined {
    return this.groups.get(groupId);
  }

  /** The group, created Empty if it does not exist (offset commits of "simple" consumers). */
  getOrCreate(groupId: string): ClassicGroup {
    let g = this.groups.get(groupId);
    if (!g) {
      g = new ClassicGroup(groupId, this.now());
      this.groups.set(groupId, g);
    }
    return g;
  }

  // ---------------------------------------------------------------- JoinGroup

  join(req: JoinRequest): JoinResult | Promise<JoinResult> {
    if (this.closed) return failedJoin(ErrorCode.COORDINATOR_NOT_AVAILABLE, req.memberId);
    if (req.groupId === '') return failedJoin(ErrorCode.INVALID_GROUP_ID, req.memberId);
    if (
      req.sessionTimeoutMs < this.settings.minSessionTimeoutMs ||
      req.sessionTimeoutMs > this.settings.maxSessionTimeoutMs
    ) {
      return failedJoin(ErrorCode.INVALID_SESSION_TIMEOUT, req.memberId);
    }
    let group = this.groups.get(req.groupId);
    if (!group) {
      if (req.memberId !== '') return failedJoin(ErrorCode.UNKNOWN_MEMBER_ID, req.memberId);
      group = this.getOrCreate(req.groupId);
    }
    if (group.state === 'Dead') return failedJoin(ErrorCode.COORDINATOR_NOT_AVAILABLE, req.memberId);
    if (!group.supportsProtocols(req.protocolType, req.protocols, req.memberId)) {
      return failedJoin(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, req.memberId);
    }
    return req.memberId === '' ? this.joinUnknownMember(group, req) : this.joinKnownMember(group, req);
  }

  private joinUnknownMember(group: ClassicGroup, req: JoinRequest): JoinResult | Promise<JoinResult> {
    const memberId = `${req.groupInstanceId ?? req.clientId}-${randomUUID()}`;
    if (req.groupInstanceId !== null) {
      const existing = group.staticMembers.get(req.groupInstanceId);
      if (existing !== undefined) return this.replaceStaticMember(group, existing, memberId, req);
      return this.addMemberAndRebalance(group, memberId, req);
    }
    if (req.requireKnownMemberId) {
      // KIP-394: hand out the id and expect a second JoinGroup with it; a client that never
      // comes back is forgotten after its session timeout.
      const timer = setTimeout(() => {
        group.pendingMembers.delete(memberId);
        this.maybeCompleteJoin(group);
      }, req.sessionTimeoutMs);
      timer.unref();
      group.pendingMembers.set(memberId, timer);
      return failedJoin(ErrorCode.MEMBER_ID_REQUIRED, memberId);
    }
    return this.addMemberAndRebalance(group, memberId, req);
  }

  private joinKnownMember(group: ClassicGroup, req: JoinRequest): JoinResult | Promise<JoinResult> {
    const pending = group.pendingMembers.get(req.memberId);
    if (pending !== undefined) {
      clearTimeout(pending);
      group.pendingMembers.delete(req.memberId);
      return this.addMemberAndRebalance(group, req.memberId, req);
    }
    const error = this.validateMember(group, req.memberId, req.groupInstanceId);
    if (error !== ErrorCode.NONE) return failedJoin(error, req.memberId);
    const member = group.members.get(req.memberId)!;
    switch (group.state) {
      case 'PreparingRebalance':
        return this.updateMemberAndRebalance(group, member, req);
      case 'CompletingRebalance':
        // A retried JoinGroup whose answer was lost: answer it again.
        if (sameProtocols(member.protocols, req.protocols))
          return this.currentJoinResult(group, member, false);
        return this.updateMemberAndRebalance(group, member, req);
      case 'Stable':
        // The leader rejoining (say, to pick up new topics) or changed metadata both mean a rebalance.
        if (group.isLeader(member.memberId) || !sameProtocols(member.protocols, req.protocols)) {
          return this.updateMemberAndRebalance(group, member, req);
        }
        return this.currentJoinResult(group, member, false);
      default:
        return failedJoin(ErrorCode.UNKNOWN_MEMBER_ID, req.memberId);
    }
  }

  /**
   * UNKNOWN_MEMBER_ID for a member the group does not know; FENCED_INSTANCE_ID when a static
   * instance id now belongs to another member id (an older incarnation of a restarted client).
   */
  private validateMember(group: ClassicGroup, memberId: string, groupInstanceId: string | null): number {
    if (groupInstanceId !== null) {
      const owner = group.staticMembers.get(groupInstanceId);
      if (owner !== undefined && owner !== memberId) return ErrorCode.FENCED_INSTANCE_ID;
    }
    return group.members.has(memberId) ? ErrorCode.NONE : ErrorCode.UNKNOWN_MEMBER_ID;
  }

  private currentJoinResult(group: ClassicGroup, member: Member, skipAssignment: boolean): JoinResult {
    const leader = group.isLeader(member.memberId);
    return {
      errorCode: ErrorCode.NONE,
      generationId: group.generationId,
      protocolType: group.protocolType,
      protocolName: group.protocolName,
      leader: group.leaderId ?? '',
      skipAssignment: skipAssignment && leader,
      memberId: member.memberId,
      members: leader ? group.memberList() : [],
    };
  }

  private newMember(memberId: string, req: JoinRequest): Member {
    return {
      memberId,
      groupInstanceId: req.groupInstanceId,
      clientId: req.clientId,
      clientHost: req.clientHost,
      sessionTimeoutMs: req.sessionTimeoutMs,
      rebalanceTimeoutMs: req.rebalanceTimeoutMs < 0 ? req.sessionTimeoutMs : req.rebalanceTimeoutMs,
      protocolType: req.protocolType,
      protocols: req.protocols,
      assignment: EMPTY,
      joinWaiter: null,
      syncWaiter: null,
      timer: null,
    };
  }

  private addMemberAndRebalance(
    group: ClassicGroup,
    memberId: string,
    req: JoinRequest,
  ): Promise<JoinResult> {
    const member = this.newMember(memberId, req);
    if (group.members.size === 0) group.protocolType = req.protocolType;
    group.members.set(memberId, member);
    if (member.groupInstanceId !== null) group.staticMembers.set(member.groupInstanceId, memberId);
    group.leaderId ??= memberId;
    group.newMemberAdded = true;
    const answer = this.awaitJoin(member);
    this.scheduleSession(group, member);
    this.rebalanceOrComplete(group, `${memberId} joined`);
    return answer;
  }

  private updateMemberAndRebalance(
    group: ClassicGroup,
    member: Member,
    req: JoinRequest,
  ): Promise<JoinResult> {
    member.protocols = req.protocols;
    member.sessionTimeoutMs = req.sessionTimeoutMs;
    member.rebalanceTimeoutMs = req.rebalanceTimeoutMs < 0 ? req.sessionTimeoutMs : req.rebalanceTimeoutMs;
    member.clientId = req.clientId;
    member.clientHost = req.clientHost;
    const answer = this.awaitJoin(member);
    this.rebalanceOrComplete(group, `${member.memberId} rejoined`);
    return answer;
  }

  /** A JoinGroup that waits for the join phase; a repeated one shares the answer of the first. */
  private awaitJoin(member: Member): Promise<JoinResult> {
    return new Promise((resolve) => {
      const previous = member.joinWaiter;
      member.joinWaiter = previous
        ? (r) => {
            previous(r);
            resolve(r);
          }
        : resolve;
    });
  }

  private rebalanceOrComplete(group: ClassicGroup, reason: string): void {
    if (group.state === 'PreparingRebalance') this.maybeCompleteJoin(group);
    else this.prepareRebalance(group, reason);
  }

  /**
   * A static member restarted with a new member id (KIP-345): it takes the old member's place
   * and, when the group is Stable and would still select the same protocol, gets the current
   * generation back without a rebalance. The old incarnation is fenced.
   */
  private replaceStaticMember(
    group: ClassicGroup,
    oldMemberId: string,
    newMemberId: string,
    req: JoinRequest,
  ): JoinResult | Promise<JoinResult> {
    const old = group.members.get(oldMemberId)!;
    if (old.timer) clearTimeout(old.timer);
    old.joinWaiter?.(failedJoin(ErrorCode.FENCED_INSTANCE_ID, oldMemberId));
    old.syncWaiter?.(failedSync(ErrorCode.FENCED_INSTANCE_ID));
    const member = this.newMember(newMemberId, req);
    member.assignment = old.assignment;
    group.members.delete(oldMemberId);
    group.members.set(newMemberId, member);
    group.staticMembers.set(req.groupInstanceId!, newMemberId);
    if (group.leaderId === oldMemberId) group.leaderId = newMemberId;
    this.log.debug({ group: group.groupId, oldMemberId, newMemberId }, 'static member replaced');
    // As Kafka: only a change of the protocol the group would select forces a rebalance; the new
    // incarnation's metadata may differ (cooperative assignors put owned partitions there).
    if (group.state === 'Stable' && group.selectProtocol() === group.protocolName) {
      this.scheduleSession(group, member);
      this.listener.onGroupChanged(group);
      return this.currentJoinResult(group, member, true);
    }
    const answer = this.awaitJoin(member);
    this.scheduleSession(group, member);
    this.rebalanceOrComplete(group, `static member ${req.groupInstanceId} rejoined`);
    return answer;
  }

  private prepareRebalance(group: ClassicGroup, reason: string): void {
    if (group.state === 'CompletingRebalance') {
      // Members waiting in SyncGroup must rejoin: their generation is over.
      for (const m of group.members.values()) {
        m.assignment = EMPTY;
        const w = m.syncWaiter;
        m.syncWaiter = null;
        w?.(failedSync(ErrorCode.REBALANCE_IN_PROGRESS));
      }
    }
    if (group.syncTimer) clearTimeout(group.syncTimer);
    group.syncTimer = null;
    const initial = group.state === 'Empty';
    group.transition('PreparingRebalance', this.now());
    this.log.debug({ group: group.groupId, reason, generation: group.generationId }, 'preparing rebalance');
    if (group.joinTimer) clearTimeout(group.joinTimer);
    if (initial) {
      // group.initial.rebalance.delay.ms: let a fleet of consumers starting together land in one
      // generation. Each window that saw a new member is followed by another, up to the rebalance timeout.
      group.initialDelay = true;
      group.newMemberAdded = false;
      const delay = this.settings.initialRebalanceDelayMs;
      let remaining = Math.max(group.rebalanceTimeoutMs() - delay, 0);
      const wait = (ms: number): void => {
        group.joinTimer = setTimeout(() => {
          group.joinTimer = null;
          if (group.newMemberAdded && remaining > 0) {
            group.newMemberAdded = false;
            const next = Math.min(delay, remaining);
            remaining -= next;
            wait(next);
            return;
          }
          group.initialDelay = false;
          this.completeJoin(group);
        }, ms);
        group.joinTimer.unref();
      };
      wait(delay);
      return;
    }
    group.joinTimer = setTimeout(() => {
      group.joinTimer = null;
      this.completeJoin(group);
    }, group.rebalanceTimeoutMs());
    group.joinTimer.unref();
    this.maybeCompleteJoin(group);
  }

  private maybeCompleteJoin(group: ClassicGroup): void {
    if (group.state === 'PreparingRebalance' && !group.initialDelay && group.allMembersJoined()) {
      this.completeJoin(group);
    }
  }

  /** Ends the join phase: members that did not rejoin are dropped, the next generation begins. */
  private completeJoin(group: ClassicGroup): void {
    if (group.state !== 'PreparingRebalance') return;
    if (group.joinTimer) clearTimeout(group.joinTimer);
    group.joinTimer = null;
    group.initialDelay = false;
    for (const m of [...group.members.values()]) {
      if (m.joinWaiter === null) this.dropMember(group, m);
    }
    group.generationId++;
    if (group.members.size === 0) {
      group.protocolName = null;
      group.leaderId = null;
      group.transition('Empty', this.now());
      this.listener.onGroupChanged(group);
      return;
    }
    group.protocolName = group.selectProtocol();
    if (group.leaderId === null || !group.members.has(group.leaderId)) {
      group.leaderId = group.members.keys().next().value ?? null;
    }
    group.transition('CompletingRebalance', this.now());
    this.log.debug(
      { group: group.groupId, generation: group.generationId, members: group.members.size },
      'join phase complete',
    );
    for (const m of group.members.values()) {
      const w = m.joinWaiter;
      m.joinWaiter = null;
      w?.(this.currentJoinResult(group, m, false));
      this.scheduleSession(group, m);
    }
    // A leader that never sends its SyncGroup must not stall the group forever.
    const generation = group.generationId;
    group.syncTimer = setTimeout(() => {
      group.syncTimer = null;
      if (group.state !== 'CompletingRebalance' || group.generationId !== generation) return;
      for (const m of [...group.members.values()]) if (m.syncWaiter === null) this.dropMember(group, m);
      this.prepareRebalance(group, 'sync timeout');
    }, group.rebalanceTimeoutMs());
    group.syncTimer.unref();
  }

  // ---------------------------------------------------------------- SyncGroup

  sync(req: SyncRequest): SyncResult | Promise<SyncResult> {
    if (this.closed) return failedSync(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    const group = this.groups.get(req.groupId);
    if (!group) return failedSync(ErrorCode.UNKNOWN_MEMBER_ID);
    if (group.state === 'Dead') return failedSync(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    const error = this.validateMember(group, req.memberId, req.groupInstanceId);
    if (error !== ErrorCode.NONE) return failedSync(error);
    if (req.generationId !== group.generationId) return failedSync(ErrorCode.ILLEGAL_GENERATION);
    if (
      (req.protocolType !== null && req.protocolType !== group.protocolType) ||
      (req.protocolName !== null && req.protocolName !== group.protocolName)
    ) {
      return failedSync(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    }
    const member = group.members.get(req.memberId)!;
    switch (group.state) {
      case 'PreparingRebalance':
        return failedSync(ErrorCode.REBALANCE_IN_PROGRESS);
      case 'Stable':
        this.scheduleSession(group, member);
        return this.syncResult(group, member);
      case 'CompletingRebalance': {
        const answer = new Promise<SyncResult>((resolve) => {
          member.syncWaiter?.(failedSync(ErrorCode.REBALANCE_IN_PROGRESS));
          member.syncWaiter = resolve;
        });
        this.scheduleSession(group, member);
        if (group.isLeader(member.memberId)) {
          const byMember = new Map(req.assignments.map((a) => [a.memberId, a.assignment]));
          for (const m of group.members.values()) m.assignment = byMember.get(m.memberId) ?? EMPTY;
          if (group.syncTimer) clearTimeout(group.syncTimer);
          group.syncTimer = null;
          group.transition('Stable', this.now());
          this.listener.onGroupChanged(group);
          for (const m of group.members.values()) {
            const w = m.syncWaiter;
            m.syncWaiter = null;
            w?.(this.syncResult(group, m));
          }
        }
        return answer;
      }
      default:
        return failedSync(ErrorCode.UNKNOWN_MEMBER_ID);
    }
  }

  private syncResult(group: ClassicGroup, member: Member): SyncResult {
    return {
      errorCode: ErrorCode.NONE,
      protocolType: group.protocolType,
      protocolName: group.protocolName,
      assignment: member.assignment,
    };
  }

  // ---------------------------------------------------------------- Heartbeat

  heartbeat(groupId: string, generationId: number, memberId: string, groupInstanceId: string | null): number {
    if (this.closed) return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    const group = this.groups.get(groupId);
    if (!group) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (group.state === 'Dead') return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    const error = this.validateMember(group, memberId, groupInstanceId);
    if (error !== ErrorCode.NONE) return error;
    if (generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION;
    const member = group.members.get(memberId)!;
    this.scheduleSession(group, member);
    return group.state === 'PreparingRebalance' ? ErrorCode.REBALANCE_IN_PROGRESS : ErrorCode.NONE;
  }

  // ---------------------------------------------------------------- LeaveGroup

  /** Top-level error (group-wide) and one error per member. */
  leave(groupId: string, members: readonly MemberIdentity[]): { errorCode: number; members: number[] } {
    if (this.closed) return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, members: [] };
    const group = this.groups.get(groupId);
    if (!group) return { errorCode: ErrorCode.UNKNOWN_MEMBER_ID, members: [] };
    if (group.state === 'Dead') return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, members: [] };
    const results = members.map((id) => this.leaveOne(group, id));
    return { errorCode: ErrorCode.NONE, members: results };
  }

  private leaveOne(group: ClassicGroup, id: MemberIdentity): number {
    if (id.groupInstanceId !== null) {
      const owner = group.staticMembers.get(id.groupInstanceId);
      if (owner === undefined) return ErrorCode.UNKNOWN_MEMBER_ID;
      // An admin removing a static member by instance id sends no member id.
      if (id.memberId !== '' && id.memberId !== owner) return ErrorCode.FENCED_INSTANCE_ID;
      this.removeMember(group, group.members.get(owner)!, `static member ${id.groupInstanceId} left`);
      return ErrorCode.NONE;
    }
    const pending = group.pendingMembers.get(id.memberId);
    if (pending !== undefined) {
      clearTimeout(pending);
      group.pendingMembers.delete(id.memberId);
      this.maybeCompleteJoin(group);
      return ErrorCode.NONE;
    }
    const member = group.members.get(id.memberId);
    if (!member) return ErrorCode.UNKNOWN_MEMBER_ID;
    this.removeMember(group, member, `${id.memberId} left`);
    return ErrorCode.NONE;
  }

  // ---------------------------------------------------------------- sessions and removal

  /** (Re)starts the member's session timer; a member waiting in Join or Sync is kept alive. */
  private scheduleSession(group: ClassicGroup, member: Member): void {
    if (member.timer) clearTimeout(member.timer);
    member.timer = setTimeout(() => {
      member.timer = null;
      if (group.members.get(member.memberId) !== member) return;
      if (member.joinWaiter !== null || member.syncWaiter !== null) {
        this.scheduleSession(group, member);
        return;
      }
      this.log.info({ group: group.groupId, memberId: member.memberId }, 'member session expired');
      this.removeMember(group, member, `${member.memberId} session expired`);
    }, member.sessionTimeoutMs);
    member.timer.unref();
  }

  /** Forgets a member without touching the group's state. */
  private dropMember(group: ClassicGroup, member: Member): void {
    if (member.timer) clearTimeout(member.timer);
    member.timer = null;
    group.members.delete(member.memberId);
    if (
      member.groupInstanceId !== null &&
      group.staticMembers.get(member.groupInstanceId) === member.memberId
    ) {
      group.staticMembers.delete(member.groupInstanceId);
    }
    if (group.leaderId === member.memberId) group.leaderId = group.members.keys().next().value ?? null;
    const jw = member.joinWaiter;
    const sw = member.syncWaiter;
    member.joinWaiter = null;
    member.syncWaiter = null;
    jw?.(failedJoin(ErrorCode.UNKNOWN_MEMBER_ID, member.memberId));
    sw?.(failedSync(ErrorCode.UNKNOWN_MEMBER_ID));
  }

  private removeMember(group: ClassicGroup, member: Member, reason: string): void {
    this.dropMember(group, member);
    if (group.state === 'Stable' || group.state === 'CompletingRebalance')
      this.prepareRebalance(group, reason);
    else if (group.state === 'PreparingRebalance') this.maybeCompleteJoin(group);
  }

  // ---------------------------------------------------------------- conversion

  /**
   * Gives the group up to a consumer group (conversion.ts): members waiting in JoinGroup or
   * SyncGroup are told REBALANCE_IN_PROGRESS, as Kafka does, timers stop, the group is forgotten.
   */
  release(group: ClassicGroup): void {
    this.#stopAndAnswer(group, ErrorCode.REBALANCE_IN_PROGRESS);
    this.groups.delete(group.groupId);
  }

  /** Stops the group's and its members' timers and answers every waiting JoinGroup/SyncGroup. */
  #stopAndAnswer(group: ClassicGroup, errorCode: number): void {
    if (group.joinTimer) clearTimeout(group.joinTimer);
    if (group.syncTimer) clearTimeout(group.syncTimer);
    group.joinTimer = null;
    group.syncTimer = null;
    for (const t of group.pendingMembers.values()) clearTimeout(t);
    group.pendingMembers.clear();
    for (const m of group.members.values()) {
      if (m.timer) clearTimeout(m.timer);
      m.timer = null;
      const jw = m.joinWaiter;
      const sw = m.syncWaiter;
      m.joinWaiter = null;
      m.syncWaiter = null;
      jw?.(failedJoin(errorCode, m.memberId));
      sw?.(failedSync(errorCode));
    }
  }

  /**
   * Takes over a Stable group built from a consumer group (conversion.ts) and, unless told
   * otherwise, starts a rebalance so that its members rejoin and the leader assigns again.
   */
  adopt(group: ClassicGroup, rebalance = true): void {
    this.groups.set(group.groupId, group);
    for (const m of group.members.values()) this.scheduleSession(group, m);
    if (rebalance) this.prepareRebalance(group, 'converted from a consumer group');
  }

  // ---------------------------------------------------------------- admin

  /** Removes an Empty group (DeleteGroups, offset expiry). */
  delete(group: ClassicGroup): void {
    group.transition('Dead', this.now());
    this.groups.delete(group.groupId);
  }

  /** Stops every timer and answers every waiting request: the broker is stopping. */
  close(): void {
    this.closed = true;
    // NOT_COORDINATOR sends clients to FindCoordinator, which is right for a node going away.
    for (const g of this.groups.values()) this.#stopAndAnswer(g, ErrorCode.NOT_COORDINATOR);
  }
}
