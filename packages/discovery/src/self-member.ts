/**
 * How a node finds itself in a membership: by its node id (the SRV rule turns `kilgore-3` into 3,
 * so `--node-id 3` on that host), else by the host:port it advertises.
 */
import type { Chain, ChainMember, Membership } from './membership.js';

export interface SelfIdentity {
  nodeId?: number;
  /** The advertised host and port, compared case-insensitively and without a trailing dot. */
  host?: string;
  port?: number;
}

export interface SelfPlace {
  chain: Chain;
  member: ChainMember;
  /** 0 for the head. */
  index: number;
}

/** Where this node sits, or undefined when the membership does not list it. */
export function findSelf(membership: Membership, self: SelfIdentity): SelfPlace | undefined {
  const host = self.host?.replace(/\.$/, '').toLowerCase();
  for (const matches of [
    (m: ChainMember) => self.nodeId !== undefined && m.nodeId === self.nodeId,
    (m: ChainMember) => host !== undefined && m.host.toLowerCase() === host && m.port === self.port,
  ]) {
    for (const chain of membership.chains) {
      const index = chain.members.findIndex(matches);
      if (index >= 0) return { chain, member: chain.members[index] as ChainMember, index };
    }
  }
  return undefined;
}
