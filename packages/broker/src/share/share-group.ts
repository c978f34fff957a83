/**
 * Share-group membership (KIP-932, ShareGroupHeartbeat). Every member is assigned every partition
 * of the topics it subscribes to: records, not partitions, are what members share, so several
 * members on one partition is the point (Kafka's simple assignor does the same while there are no
 * more members than it can spread). Membership lives in memory: members rejoin after a restart;
 * the share-partition state, which is what matters, is durable (share-state-store.ts).
 */
import { ErrorCode } from '@kilgore/protocol';

/** topic name -> sorted partitions. */
export type ShareAssignment = Map<string, number[]>;

export interface ShareMember {
  readonly memberId: string;
  memberEpoch: number;
  rackId: string | null;
  clientId: string;
  clientHost: string;
  subscribedTopicNames: string[];
  assignment: ShareAssignment;
  sessionTimer: NodeJS.Timeout | null;
}

export interface ShareGroup {
  readonly groupId: string;
  groupEpoch: number;
  members: Map<string, ShareMember>;
}

export interface ShareHeartbeatInput {
  groupId: string;
  memberId: string;
  memberEpoch: number;
  rackId: string | null;
  subscribedTopicNames: string[] | null;
  clientId: string;
  clientHost: string;
}

export interface ShareHeartbeatOutput {
  errorCode: number;
  errorMessage: string | null;
  memberEpoch: number;
  /** Null when unchanged since the member's last answer. */
  assignment: ShareAssignment | null;
}

const LEAVE_EPOCH = -1;

function sameAssignment(a: ShareAssignment, b: ShareAssignment): boolean {
  if (a.size !== b.size) return false;
  for (const [t, ps] of a) {
    const other = b.get(t);
    if (!other || other.length !== ps.length || other.some((p, i) => p !== ps[i])) return false;
  }
  return true;
}

export class ShareGroups {
  readonly groups = new Map<string, ShareGroup>();

  constructor(
    private readonly opts: {
      sessionTimeoutMs: number;
      /** A member left or timed out: its acquired records go back. */
      onMemberGone: (groupId: string, memberId: string) => void;
    },
  ) {}

  /** Joins, heartbeats or leaves; `topics` lists the cluster's topics and partition counts. */
  heartbeat(input: ShareHeartbeatInput, topics: () => [string, number][]): ShareHeartbeatOutput {
    const fail = (errorCode: number, errorMessage: string | null = null): ShareHeartbeatOutput => ({
      errorCode,
      errorMessage,
      memberEpoch: -1,
      assignment: null,
    });
    if (input.memberId === '') return fail(ErrorCode.INVALID_REQUEST, 'MemberId can not be empty.');
    const group = this.groups.get(input.groupId);
    let member = group?.members.get(input.memberId);
    if (input.memberEpoch === LEAVE_EPOCH) {
      if (group && member) this.remove(group, member);
      return { errorCode: ErrorCode.NONE, errorMessage: null, memberEpoch: LEAVE_EPOCH, assignment: null };
    }
    if (input.memberEpoch < 0)
      return fail(ErrorCode.INVALID_REQUEST, `MemberEpoch ${input.memberEpoch} is invalid.`);
    if (input.memberEpoch === 0) {
      if (input.subscribedTopicNames === null || input.subscribedTopicNames.length === 0) {
        return fail(ErrorCode.INVALID_REQUEST, 'SubscribedTopicNames must be set in first request.');
      }
    } else if (!member) {
      return fail(
        ErrorCode.UNKNOWN_MEMBER_ID,
        `Member ${input.memberId} is not a member of group ${input.groupId}.`,
      );
    } else if (input.memberEpoch !== member.memberEpoch) {
      return fail(
        ErrorCode.FENCED_MEMBER_EPOCH,
        `The share group member has a smaller member epoch (${input.memberEpoch}) than the one known by the group coordinator (${member.memberEpoch}).`,
      );
    }
    const g = group ?? this.create(input.groupId);
    let changed = false;
    if (!member) {
      member = {
        memberId: input.memberId,
        memberEpoch: 0,
        rackId: input.rackId,
        clientId: input.clientId,
        clientHost: input.clientHost,
        subscribedTopicNames: [],
        assignment: new Map(),
        sessionTimer: null,
      };
      g.members.set(member.memberId, member);
      changed = true;
    }
    if (input.rackId !== null) member.rackId = input.rackId;
    if (input.subscribedTopicNames !== null) {
      const subscribed = [...new Set(input.subscribedTopicNames)].sort();
      if (subscribed.join('\0') !== member.subscribedTopicNames.join('\0')) changed = true;
      member.subscribedTopicNames = subscribed;
    }
    const target: ShareAssignment = new Map();
    const wanted = new Set(member.subscribedTopicNames);
    for (const [name, partitions] of topics()) {
      if (wanted.has(name))
        target.set(
          name,
          Array.from({ length: partitions }, (_, i) => i),
        );
    }
    // A rejoin (epoch 0) always gets its assignment again, even if it has not changed.
    const send = input.memberEpoch === 0 || !sameAssignment(target, member.assignment);
    if (changed || send) g.groupEpoch++;
    if (send) {
      member.assignment = target;
      member.memberEpoch = g.groupEpoch;
    }
    this.touch(g, member);
    return {
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      memberEpoch: member.memberEpoch,
      assignment: send ? target : null,
    };
  }

  /** Empty when it has no members, Stable otherwise (Kafka's share groups have no other state). */
  stateOf(group: ShareGroup): 'Empty' | 'Stable' {
    return group.members.size === 0 ? 'Empty' : 'Stable';
  }

  /** Removes an empty group (DeleteGroups); false if it has members. */
  delete(groupId: string): boolean {
    const g = this.groups.get(groupId);
    if (!g) return true;
    if (g.members.size > 0) return false;
    this.groups.delete(groupId);
    return true;
  }

  close(): void {
    for (const g of this.groups.values()) {
      for (const m of g.members.values()) if (m.sessionTimer) clearTimeout(m.sessionTimer);
    }
  }

  /** Known from state on disk without members yet (a restart), so List/Describe still see it. */
  ensure(groupId: string): ShareGroup {
    return this.groups.get(groupId) ?? this.create(groupId);
  }

  private create(groupId: string): ShareGroup {
    const g: ShareGroup = { groupId, groupEpoch: 0, members: new Map() };
    this.groups.set(groupId, g);
    return g;
  }

  private touch(group: ShareGroup, member: ShareMember): void {
    if (member.sessionTimer) clearTimeout(member.sessionTimer);
    member.sessionTimer = setTimeout(() => this.remove(group, member), this.opts.sessionTimeoutMs);
    member.sessionTimer.unref();
  }

  private remove(group: ShareGroup, member: ShareMember): void {
    if (member.sessionTimer) clearTimeout(member.sessionTimer);
    if (group.members.get(member.memberId) !== member) return;
    group.members.delete(member.memberId);
    group.groupEpoch++;
    this.opts.onMemberGone(group.groupId, member.memberId);
  }
}
