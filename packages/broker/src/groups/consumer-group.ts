/**
 * KIP-848 (`group.protocol=consumer`) groups: the coordinator owns the assignment. Each change of
 * membership, subscription or partition count bumps the group epoch and recomputes the target
 * assignment; each member then reconciles towards its target one heartbeat at a time: first it is
 * told to drop what it must give up (its epoch stays), and only once it has, it gets the new epoch
 * and those of its new partitions that no other member still holds. A partition is never owned by
 * two members at once. Membership is kept in `__consumer_offsets` (consumer-group-store.ts), so
 * members carry on at their epochs after a restart.
 */
import { randomUUID } from 'node:crypto';
import { ErrorCode } from '@kilgore/protocol';
import { ASSIGNORS, DEFAULT_ASSIGNOR } from './assignors.js';
import type { Protocol } from './group.js';

/** topic -> sorted partitions. */
export type TopicPartitions = Map<string, number[]>;

export interface ConsumerMember {
  readonly memberId: string;
  instanceId: string | null;
  rackId: string | null;
  clientId: string;
  clientHost: string;
  rebalanceTimeoutMs: number;
  subscribedTopicNames: string[];
  subscribedTopicRegex: string | null;
  serverAssignor: string | null;
  memberEpoch: number;
  previousMemberEpoch: number;
  /** What the member owns now (it may use these). */
  assigned: TopicPartitions;
  /** What it was told to give up and has not yet confirmed. */
  revoking: TopicPartitions;
  sessionTimer: NodeJS.Timeout | null;
  /**
   * Runs while the member has partitions to give up (consumer protocol only): a member that has not
   * revoked them within its rebalance timeout is fenced, so one stuck member cannot hold the
   * group's partitions for ever (Kafka's rebalance timeout).
   */
  revocationTimer: NodeJS.Timeout | null;
  /** Set for a member speaking the classic protocol (JoinGroup/SyncGroup) inside a consumer group. */
  classic: ClassicMemberMetadata | null;
}

/** Kafka's ClassicMemberMetadata (persisted), plus the member's join and sync deadlines (not persisted). */
export interface ClassicMemberMetadata {
  sessionTimeoutMs: number;
  protocols: Protocol[];
  /** Runs from a heartbeat answering REBALANCE_IN_PROGRESS until the member's JoinGroup. */
  joinTimer: NodeJS.Timeout | null;
  /** Runs from the member's JoinGroup answer until its SyncGroup. */
  syncTimer: NodeJS.Timeout | null;
}

export interface ConsumerGroup {
  readonly groupId: string;
  groupEpoch: number;
  assignmentEpoch: number;
  /** memberId -> target partitions. */
  target: Map<string, TopicPartitions>;
  members: Map<string, ConsumerMember>;
  /** Partition counts the current target was computed from (new partitions trigger a rebalance). */
  partitionCounts: Map<string, number>;
}

export interface HeartbeatInput {
  groupId: string;
  memberId: string;
  memberEpoch: number;
  instanceId: string | null;
  rackId: string | null;
  rebalanceTimeoutMs: number;
  subscribedTopicNames: string[] | null;
  subscribedTopicRegex: string | null;
  serverAssignor: string | null;
  /** Null when unchanged since the last heartbeat. */
  ownedPartitions: TopicPartitions | null;
  clientId: string;
  clientHost: string;
}

export interface HeartbeatOutput {
  errorCode: number;
  errorMessage: string | null;
  memberId: string | null;
  memberEpoch: number;
  assignment: TopicPartitions | null;
}

export interface ConsumerGroupSettings {
  sessionTimeoutMs: number;
  heartbeatIntervalMs: number;
  maxSize: number;
}

const key = (topic: string, p: number): string => `${topic}\u0000${p}`;

export function toKeys(tp: TopicPartitions): Set<string> {
  const s = new Set<string>();
  for (const [t, ps] of tp) for (const p of ps) s.add(key(t, p));
  return s;
}

export function fromKeys(keys: Iterable<string>): TopicPartitions {
  const out: TopicPartitions = new Map();
  for (const k of keys) {
    const i = k.lastIndexOf('\u0000');
    const t = k.slice(0, i);
    const p = Number(k.slice(i + 1));
    const list = out.get(t);
    if (list) list.push(p);
    else out.set(t, [p]);
  }
  for (const ps of out.values()) ps.sort((a, b) => a - b);
  return out;
}

/** A group as replay first meets it (its records then fill it in). */
export function emptyConsumerGroup(groupId: string): ConsumerGroup {
  return {
    groupId,
    groupEpoch: 0,
    assignmentEpoch: 0,
    target: new Map(),
    members: new Map(),
    partitionCounts: new Map(),
  };
}

/** A member as replay first meets it. */
export function emptyConsumerMember(memberId: string): ConsumerMember {
  return {
    memberId,
    instanceId: null,
    rackId: null,
    clientId: '',
    clientHost: '',
    rebalanceTimeoutMs: -1,
    subscribedTopicNames: [],
    subscribedTopicRegex: null,
    serverAssignor: null,
    memberEpoch: 0,
    previousMemberEpoch: 0,
    assigned: new Map(),
    revoking: new Map(),
    sessionTimer: null,
    revocationTimer: null,
    classic: null,
  };
}

const fail = (errorCode: number, errorMessage: string | null = null): HeartbeatOutput => ({
  errorCode,
  errorMessage,
  memberId: null,
  memberEpoch: -1,
  assignment: null,
});

export class ConsumerGroups {
  readonly groups = new Map<string, ConsumerGroup>();

  /** Told when a member's session ran out (nobody waits on that change: it is written in the background). */
  onExpired: (groupId: string) => void = () => {};

  /**
   * Names of existing topics and their partition counts: the broker's registry, given by each
   * heartbeat and at construction (a session expiring right after a restart needs it too).
   */
  constructor(
    private readonly settings: ConsumerGroupSettings,
    private topics: () => Iterable<[string, number]> = () => [],
  ) {}

  get(groupId: string): ConsumerGroup | undefined {
    return this.groups.get(groupId);
  }

  heartbeat(req: HeartbeatInput, topics: () => Iterable<[string, number]>): HeartbeatOutput {
    this.topics = topics;
    if (req.groupId === '') return fail(ErrorCode.INVALID_GROUP_ID);
    if (req.memberEpoch === 0 && req.subscribedTopicNames === null && req.subscribedTopicRegex === null) {
      return fail(ErrorCode.INVALID_REQUEST, 'SubscribedTopicNames must be set in first request.');
    }
    if (req.serverAssignor !== null && !ASSIGNORS.has(req.serverAssignor)) {
      return fail(ErrorCode.UNSUPPORTED_ASSIGNOR, `Assignor ${req.serverAssignor} is not supported.`);
    }
    if (req.subscribedTopicRegex !== null && req.subscribedTopicRegex !== '') {
      try {
        new RegExp(`^(?:${req.subscribedTopicRegex})$`);
      } catch {
        return fail(ErrorCode.INVALID_REGULAR_EXPRESSION, `Invalid regex ${req.subscribedTopicRegex}`);
      }
    }
    let group = this.groups.get(req.groupId);
    if (req.memberEpoch === -1 || req.memberEpoch === -2) return this.leave(group, req);
    if (!group) {
      if (req.memberEpoch !== 0) return fail(ErrorCode.UNKNOWN_MEMBER_ID);
      group = emptyConsumerGroup(req.groupId);
      this.groups.set(req.groupId, group);
    }
    let member = group.members.get(req.memberId);
    let changed = false;
    if (req.memberEpoch === 0) {
      if (member === undefined) {
        // A static member rejoining takes over its instance's partitions (KIP-848 static membership).
        const previous =
          req.instanceId === null
            ? undefined
            : [...group.members.values()].find((m) => m.instanceId === req.instanceId);
        if (previous !== undefined && previous.memberEpoch !== -2) {
          return fail(ErrorCode.UNRELEASED_INSTANCE_ID, `Static member ${req.instanceId} is still in use.`);
        }
        if (group.members.size >= this.settings.maxSize && previous === undefined) {
          return fail(ErrorCode.GROUP_MAX_SIZE_REACHED);
        }
        member = {
          ...emptyConsumerMember(req.memberId === '' ? randomUUID() : req.memberId),
          instanceId: req.instanceId,
          rackId: req.rackId,
          clientId: req.clientId,
          clientHost: req.clientHost,
          rebalanceTimeoutMs: req.rebalanceTimeoutMs,
        };
        if (previous !== undefined) {
          const target = group.target.get(previous.memberId) ?? new Map();
          this.removeMember(group, previous);
          member.assigned = previous.assigned;
          group.target.set(member.memberId, target);
        }
        group.members.set(member.memberId, member);
        changed = true;
      } else {
        // A member that lost its state rejoins with epoch 0 and the same id: start it over.
        member.assigned = new Map();
        member.revoking = new Map();
        member.memberEpoch = 0;
        changed = true;
      }
    } else {
      if (member === undefined) return fail(ErrorCode.UNKNOWN_MEMBER_ID);
      if (req.memberEpoch !== member.memberEpoch) {
        // The answer carrying the new epoch may have been lost: the previous epoch is accepted
        // as long as the member owns nothing it was not given.
        const owned = req.ownedPartitions === null ? null : toKeys(req.ownedPartitions);
        const assigned = toKeys(member.assigned);
        const subset = owned === null || [...owned].every((k) => assigned.has(k));
        if (req.memberEpoch !== member.previousMemberEpoch || !subset) {
          return fail(ErrorCode.FENCED_MEMBER_EPOCH, 'The consumer group member has a smaller member epoch.');
        }
      }
    }
    this.touch(group, member);
    if (req.subscribedTopicNames !== null) {
      const names = [...new Set(req.subscribedTopicNames)].sort();
      if (names.join('\u0000') !== member.subscribedTopicNames.join('\u0000')) {
        member.subscribedTopicNames = names;
        changed = true;
      }
    }
    if (req.subscribedTopicRegex !== null) {
      const r = req.subscribedTopicRegex === '' ? null : req.subscribedTopicRegex;
      if (r !== member.subscribedTopicRegex) {
        member.subscribedTopicRegex = r;
        changed = true;
      }
    }
    if (req.serverAssignor !== null && req.serverAssignor !== member.serverAssignor) {
      member.serverAssignor = req.serverAssignor;
      changed = true;
    }
    if (req.rebalanceTimeoutMs > 0) member.rebalanceTimeoutMs = req.rebalanceTimeoutMs;
    if (req.rackId !== null) member.rackId = req.rackId;
    if (changed || this.partitionsChanged(group)) this.bump(group);
    // What the member reports owning settles revocations it has completed.
    if (req.ownedPartitions !== null) {
      const owned = toKeys(req.ownedPartitions);
      const revoking = [...toKeys(member.revoking)].filter((k) => owned.has(k));
      member.revoking = fromKeys(revoking);
    }
    this.reconcile(group, member);
    return {
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      memberId: member.memberId,
      memberEpoch: member.memberEpoch,
      assignment: member.assigned,
    };
  }

  /** Kafka's state names for consumer groups: Empty, Reconciling (epochs catching up), Stable. */
  stateOf(group: ConsumerGroup): 'Empty' | 'Reconciling' | 'Stable' {
    const members = [...group.members.values()];
    if (members.length === 0) return 'Empty';
    return members.every((m) => m.memberEpoch === group.assignmentEpoch) ? 'Stable' : 'Reconciling';
  }

  /** The assignor the group uses: the one most members asked for, `uniform` by default. */
  assignorOf(group: ConsumerGroup): string {
    const votes = new Map<string, number>();
    for (const m of group.members.values()) {
      if (m.serverAssignor !== null) votes.set(m.serverAssignor, (votes.get(m.serverAssignor) ?? 0) + 1);
    }
    let best = DEFAULT_ASSIGNOR;
    let n = 0;
    for (const [name, v] of votes) if (v > n) [best, n] = [name, v];
    return best;
  }

  /** Subscribed topic names of a member, its regex resolved against the topics that exist now. */
  private subscriptionOf(m: ConsumerMember, existing: Map<string, number>): string[] {
    const names = m.subscribedTopicNames.filter((t) => existing.has(t));
    if (m.subscribedTopicRegex !== null) {
      let re: RegExp;
      try {
        re = new RegExp(`^(?:${m.subscribedTopicRegex})$`);
      } catch {
        return names;
      }
      for (const t of existing.keys())
        if (!t.startsWith('__') && re.test(t) && !names.includes(t)) names.push(t);
    }
    return names;
  }

  private existingTopics(): Map<string, number> {
    return new Map(this.topics());
  }

  /** New topics or partitions matching the group's subscriptions since the target was computed. */
  partitionsChanged(group: ConsumerGroup): boolean {
    const existing = this.existingTopics();
    const wanted = new Set<string>();
    for (const m of group.members.values()) for (const t of this.subscriptionOf(m, existing)) wanted.add(t);
    if (wanted.size !== group.partitionCounts.size) return true;
    for (const t of wanted) if (group.partitionCounts.get(t) !== existing.get(t)) return true;
    return false;
  }

  /** A new group epoch and target assignment. */
  bump(group: ConsumerGroup): void {
    const existing = this.existingTopics();
    group.groupEpoch += 1;
    const members = [...group.members.values()].map((m) => ({
      memberId: m.memberId,
      topics: this.subscriptionOf(m, existing),
    }));
    group.partitionCounts = new Map();
    for (const m of members) for (const t of m.topics) group.partitionCounts.set(t, existing.get(t) ?? 0);
    const assignor = ASSIGNORS.get(this.assignorOf(group))!;
    const result = assignor(members, (t) => existing.get(t) ?? 0);
    group.target = new Map();
    for (const [id, tp] of result) group.target.set(id, fromKeys(toKeys(tp)));
    group.assignmentEpoch = group.groupEpoch;
  }

  /** One reconciliation step of a member towards its target. */
  reconcile(group: ConsumerGroup, member: ConsumerMember): void {
    const target = toKeys(group.target.get(member.memberId) ?? new Map());
    const assigned = toKeys(member.assigned);
    {
      const revoke = [...assigned].filter((k) => !target.has(k));
      if (revoke.length > 0) {
        // First give up what moves elsewhere; the epoch stays until the member confirms.
        member.revoking = fromKeys([...toKeys(member.revoking), ...revoke]);
        member.assigned = fromKeys([...assigned].filter((k) => target.has(k)));
        this.startRevocationDeadline(group, member);
        return;
      }
      if (toKeys(member.revoking).size > 0) return;
      stopRevocationDeadline(member);
      // Take the target's partitions that nobody else owns or is still giving up.
      const held = new Set<string>();
      for (const m of group.members.values()) {
        if (m === member) continue;
        for (const k of toKeys(m.assigned)) held.add(k);
        for (const k of toKeys(m.revoking)) held.add(k);
      }
      const next = [...target].filter((k) => assigned.has(k) || !held.has(k));
      if (member.memberEpoch !== group.assignmentEpoch) {
        member.previousMemberEpoch = member.memberEpoch;
        member.memberEpoch = group.assignmentEpoch;
      }
      member.assigned = fromKeys(next);
    }
  }

  private leave(group: ConsumerGroup | undefined, req: HeartbeatInput): HeartbeatOutput {
    const member = group?.members.get(req.memberId);
    if (!group || !member)
      return { ...fail(ErrorCode.NONE), memberId: req.memberId, memberEpoch: req.memberEpoch };
    if (req.memberEpoch === -2 && member.instanceId !== null) {
      // A static member leaving temporarily keeps its partitions until its session expires.
      member.memberEpoch = -2;
      this.touch(group, member);
    } else {
      this.fence(group, member);
    }
    return {
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      memberId: req.memberId,
      memberEpoch: req.memberEpoch,
      assignment: null,
    };
  }

  /** Drops a member and its timers (its target goes with it: the caller bumps the epoch). */
  removeMember(group: ConsumerGroup, member: ConsumerMember): void {
    stopTimers(member);
    group.members.delete(member.memberId);
    group.target.delete(member.memberId);
  }

  /** Removes a member and recomputes the assignment, unless the group becomes classic instead. */
  fence(group: ConsumerGroup, member: ConsumerMember): void {
    if (this.convertsOnRemoval(group, member)) return;
    this.removeMember(group, member);
    this.bump(group);
  }

  /**
   * Asked before a member is removed (left, expired or fenced): true when the group was turned
   * into a classic one without it instead (conversion.ts: the last consumer-protocol member left).
   */
  convertsOnRemoval: (group: ConsumerGroup, leaving: ConsumerMember) => boolean = () => false;

  /**
   * Restarts the member's session; a member silent for the session timeout (its own, for a
   * classic member) is removed.
   */
  touch(group: ConsumerGroup, member: ConsumerMember): void {
    if (member.sessionTimer !== null) clearTimeout(member.sessionTimer);
    member.sessionTimer = setTimeout(
      () => this.expire(group, member),
      member.classic?.sessionTimeoutMs ?? this.settings.sessionTimeoutMs,
    );
    member.sessionTimer.unref();
  }

  /** A member that missed a deadline (session, or a classic member's join or sync) is fenced. */
  expire(group: ConsumerGroup, member: ConsumerMember): void {
    if (this.groups.get(group.groupId) !== group || group.members.get(member.memberId) !== member) return;
    this.fence(group, member);
    this.onExpired(group.groupId);
  }

  /**
   * Starts (again: a new revocation restarts it, as in Kafka) the member's rebalance timeout: if it
   * is still at this epoch when the timeout runs out, it never confirmed the revocation and is
   * fenced. Classic members inside the group have their join and sync deadlines instead.
   */
  startRevocationDeadline(group: ConsumerGroup, member: ConsumerMember): void {
    if (member.classic !== null) return;
    stopRevocationDeadline(member);
    const epoch = member.memberEpoch;
    const timeoutMs =
      member.rebalanceTimeoutMs > 0 ? member.rebalanceTimeoutMs : this.settings.sessionTimeoutMs;
    member.revocationTimer = setTimeout(() => {
      member.revocationTimer = null;
      if (member.memberEpoch === epoch && toKeys(member.revoking).size > 0) this.expire(group, member);
    }, timeoutMs);
    member.revocationTimer.unref();
  }

  /** After a load: every restored member gets a full session to come back in (and a member that
   * was giving up partitions a full rebalance timeout to finish). */
  resumeSessions(): void {
    for (const g of this.groups.values()) {
      for (const m of g.members.values()) {
        this.touch(g, m);
        if (toKeys(m.revoking).size > 0) this.startRevocationDeadline(g, m);
      }
    }
  }

  /** Drops every group (a chain node about to reload them from the replicated log). */
  clear(): void {
    this.close();
    this.groups.clear();
  }

  close(): void {
    for (const g of this.groups.values()) for (const m of g.members.values()) stopTimers(m);
  }
}

function stopRevocationDeadline(member: ConsumerMember): void {
  if (member.revocationTimer !== null) clearTimeout(member.revocationTimer);
  member.revocationTimer = null;
}

export function stopTimers(member: ConsumerMember): void {
  if (member.sessionTimer !== null) clearTimeout(member.sessionTimer);
  member.sessionTimer = null;
  stopRevocationDeadline(member);
  if (member.classic?.joinTimer) clearTimeout(member.classic.joinTimer);
  if (member.classic?.syncTimer) clearTimeout(member.classic.syncTimer);
  if (member.classic) {
    member.classic.joinTimer = null;
    member.classic.syncTimer = null;
  }
}
