/**
 * The membership seam: what the cluster looks like right now, and when that changes.
 * Chain replication reads it; a static list and DNS SRV records are two ways to fill it.
 * Nodes never vote on membership; they take it from here.
 */

/** One node of a chain. `nodeId` is stable across restarts and unique in the cluster. */
export interface ChainMember {
  nodeId: number;
  host: string;
  port: number;
}

/** An ordered list of nodes, head first, tail last. `name` is stable and unique. */
export interface Chain {
  name: string;
  members: ChainMember[];
}

/** Every chain of the cluster, in no particular order (placement hashes over the names). */
export interface Membership {
  chains: Chain[];
}

/** Something that knows the membership and says when it changes. */
export interface MembershipSource {
  /** The membership now; undefined until the first answer (e.g. DNS not yet resolved). */
  current(): Membership | undefined;
  /** Called with each changed membership (never with an identical one); returns an unsubscribe. */
  onChange(listener: (membership: Membership) => void): () => void;
  /** Starts watching (timers, re-resolution); resolves once `current()` has a first answer. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** True when both memberships have the same chains with the same members in the same order. */
export function sameMembership(a: Membership, b: Membership): boolean {
  const key = (m: Membership) =>
    m.chains
      .map((c) => `${c.name}=${c.members.map((n) => `${n.nodeId}@${n.host}:${n.port}`).join(',')}`)
      .sort()
      .join(';');
  return key(a) === key(b);
}
