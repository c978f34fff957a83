/**
 * One classic-protocol group: its members, state and generation. Pure bookkeeping; the rules
 * that move a group between states live in coordinator.ts.
 */

export type GroupState = 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable' | 'Dead';

export const GROUP_STATES: readonly GroupState[] = [
  'Empty',
  'PreparingRebalance',
  'CompletingRebalance',
  'Stable',
  'Dead',
];

export interface Protocol {
  name: string;
  metadata: Buffer;
}

/** What a JoinGroup answers with, before version-specific shaping. */
export interface JoinResult {
  errorCode: number;
  generationId: number;
  protocolType: string | null;
  protocolName: string | null;
  leader: string;
  skipAssignment: boolean;
  memberId: string;
  members: { memberId: string; groupInstanceId: string | null; metadata: Buffer }[];
}

export interface SyncResult {
  errorCode: number;
  protocolType: string | null;
  protocolName: string | null;
  assignment: Buffer;
}

export interface Member {
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  protocolType: string;
  protocols: Protocol[];
  assignment: Buffer;
  /** Set while the member's JoinGroup waits for the rebalance to complete. */
  joinWaiter: ((r: JoinResult) => void) | null;
  /** Set while the member's SyncGroup waits for the leader's assignment. */
  syncWaiter: ((r: SyncResult) => void) | null;
  /** Session timer: fires when the member stops heartbeating. */
  timer: NodeJS.Timeout | null;
}

export class ClassicGroup {
  state: GroupState = 'Empty';
  generationId = 0;
  /** Null for a "simple" group that only ever committed offsets. */
  protocolType: string | null = null;
  protocolName: string | null = null;
  leaderId: string | null = null;
  /** When the group entered its current state (offset expiry counts from becoming Empty). */
  stateTimestamp: number;
  readonly members = new Map<string, Member>();
  /** group.instance.id -> member id. */
  readonly staticMembers = new Map<string, string>();
  /** Member ids handed out with MEMBER_ID_REQUIRED, waiting for the second JoinGroup. */
  readonly pendingMembers = new Map<string, NodeJS.Timeout>();
  /** The timer that completes the join phase (rebalance timeout or initial delay). */
  joinTimer: NodeJS.Timeout | null = null;
  /** The initial delay of an empty group's first rebalance is running: never complete early. */
  initialDelay = false;
  newMemberAdded = false;
  /** Fires if the leader's SyncGroup does not come within the rebalance timeout. */
  syncTimer: NodeJS.Timeout | null = null;

  constructor(
    readonly groupId: string,
    now: number,
  ) {
    this.stateTimestamp = now;
  }

  transition(state: GroupState, now: number): void {
    this.state = state;
    this.stateTimestamp = now;
  }

  isLeader(memberId: string): boolean {
    return this.leaderId === memberId;
  }

  /** Every member has sent its JoinGroup for this rebalance, and no MEMBER_ID_REQUIRED is outstanding. */
  allMembersJoined(): boolean {
    for (const m of this.members.values()) if (m.joinWaiter === null) return false;
    return this.pendingMembers.size === 0;
  }

  /** The largest rebalance timeout among members: how long the join phase may last. */
  rebalanceTimeoutMs(): number {
    let max = 0;
    for (const m of this.members.values()) max = Math.max(max, m.rebalanceTimeoutMs);
    return max;
  }

  /**
   * Whether a member offering `protocols` of `protocolType` may join: an empty group takes any
   * non-empty offer; otherwise the type must match and one offered protocol must be supported by
   * every other member (Kafka's ClassicGroup.supportsProtocols).
   */
  supportsProtocols(protocolType: string, protocols: readonly Protocol[], joiningMemberId: string): boolean {
    const others = [...this.members.values()].filter((m) => m.memberId !== joiningMemberId);
    if (others.length === 0) return protocolType.length > 0 && protocols.length > 0;
    if (protocolType !== this.protocolType) return false;
    return protocols.some((p) => others.every((m) => m.protocols.some((q) => q.name === p.name)));
  }

  /**
   * The protocol every member supports that most members list first among those candidates
   * (Kafka: each member votes for its most preferred candidate; the most votes wins).
   */
  selectProtocol(): string | null {
    const members = [...this.members.values()];
    if (members.length === 0) return null;
    const candidates = members[0]!.protocols
      .map((p) => p.name)
      .filter((name) => members.every((m) => m.protocols.some((p) => p.name === name)));
    if (candidates.length === 0) return null;
    const votes = new Map<string, number>();
    for (const m of members) {
      const vote = m.protocols.find((p) => candidates.includes(p.name))!.name;
      votes.set(vote, (votes.get(vote) ?? 0) + 1);
    }
    let best: string | null = null;
    let bestVotes = -1;
    for (const [name, n] of votes) {
      if (n > bestVotes) {
        best = name;
        bestVotes = n;
      }
    }
    return best;
  }

  /** The metadata a member sent for the selected protocol. */
  metadataOf(member: Member): Buffer {
    return member.protocols.find((p) => p.name === this.protocolName)?.metadata ?? Buffer.alloc(0);
  }

  /** JoinGroup's members list, as the leader sees it. */
  memberList(): JoinResult['members'] {
    return [...this.members.values()].map((m) => ({
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      metadata: this.metadataOf(m),
    }));
  }
}

/** Same protocol names and metadata bytes, in the same order. */
export function sameProtocols(a: readonly Protocol[], b: readonly Protocol[]): boolean {
  return (
    a.length === b.length && a.every((p, i) => p.name === b[i]!.name && p.metadata.equals(b[i]!.metadata))
  );
}

/** The topics of a consumer-protocol subscription (ConsumerProtocolSubscription: version, topics). */
export function subscribedTopics(metadata: Buffer): string[] {
  try {
    let pos = 2;
    const n = metadata.readInt32BE(pos);
    pos += 4;
    const topics: string[] = [];
    for (let i = 0; i < n; i++) {
      const len = metadata.readInt16BE(pos);
      pos += 2;
      topics.push(metadata.toString('utf8', pos, pos + len));
      pos += len;
    }
    return topics;
  } catch {
    return [];
  }
}
