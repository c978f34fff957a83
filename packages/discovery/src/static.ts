/**
 * Membership from a static list: `--chains`, the `kilgore.chains` property or `KILGORE_CHAINS`.
 * Syntax: chains separated by `;`, each `name=` then its members head first as `nodeId@host:port`
 * separated by `,` (IPv6 hosts in brackets). Reload replaces the list as a whole.
 */
import type { Chain, ChainMember, Membership, MembershipSource } from './membership.js';
import { sameMembership } from './membership.js';

/** A list that cannot be used; the message says what is wrong, without the setting's name. */
export class ChainsError extends Error {
  override readonly name = 'ChainsError';
}

const CHAIN_NAME = /^[A-Za-z0-9._-]+$/;

/** Parses a chain list; throws ChainsError for anything malformed or ambiguous. */
export function parseChains(text: string): Membership {
  const chains: Chain[] = [];
  const parts = text
    .split(';')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (parts.length === 0) throw new ChainsError('no chain given');
  for (const part of parts) {
    const eq = part.indexOf('=');
    if (eq < 0) throw new ChainsError(`'${part}' is not name=members`);
    const name = part.slice(0, eq).trim();
    if (!CHAIN_NAME.test(name)) throw new ChainsError(`chain name '${name}' is not [A-Za-z0-9._-]+`);
    const memberTexts = part
      .slice(eq + 1)
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
    if (memberTexts.length === 0) throw new ChainsError(`chain ${name} has no members`);
    chains.push({ name, members: memberTexts.map((m) => parseMember(m, name)) });
  }
  checkMembership({ chains });
  return { chains };
}

function parseMember(text: string, chain: string): ChainMember {
  const m = /^(\d+)@(\[[^\]]+\]|[^:@[\]]+):(\d+)$/.exec(text);
  if (!m) throw new ChainsError(`member '${text}' of chain ${chain} is not nodeId@host:port`);
  const nodeId = Number(m[1]);
  const port = Number(m[3]);
  if (!Number.isSafeInteger(nodeId) || nodeId > 2 ** 31 - 1) {
    throw new ChainsError(`node id ${m[1]} of chain ${chain} is too large`);
  }
  if (port < 1 || port > 65535) throw new ChainsError(`port ${m[3]} of node ${nodeId} is not 1-65535`);
  const host = m[2]!.startsWith('[') ? m[2]!.slice(1, -1) : m[2]!;
  return { nodeId, host, port };
}

/** Duplicate names and node ids (within a chain or across chains) are refused. */
export function checkMembership(membership: Membership): void {
  const names = new Set<string>();
  const ids = new Map<number, string>();
  for (const c of membership.chains) {
    if (names.has(c.name)) throw new ChainsError(`chain name ${c.name} appears twice`);
    names.add(c.name);
    if (c.members.length === 0) throw new ChainsError(`chain ${c.name} has no members`);
    for (const m of c.members) {
      const prev = ids.get(m.nodeId);
      if (prev !== undefined) {
        throw new ChainsError(
          prev === c.name
            ? `node ${m.nodeId} appears twice in chain ${c.name}`
            : `node ${m.nodeId} is in chains ${prev} and ${c.name}; a node belongs to one chain`,
        );
      }
      ids.set(m.nodeId, c.name);
    }
  }
}

/** Refuses a membership in which `nodeId` is in no chain. */
export function checkNodeInMembership(membership: Membership, nodeId: number): void {
  if (!membership.chains.some((c) => c.members.some((m) => m.nodeId === nodeId))) {
    throw new ChainsError(`node ${nodeId} is in no chain`);
  }
}

/** Writes a membership back in `--chains` syntax (logs, tests). */
export function formatChains(membership: Membership): string {
  return membership.chains
    .map(
      (c) =>
        `${c.name}=${c.members.map((m) => `${m.nodeId}@${m.host.includes(':') ? `[${m.host}]` : m.host}:${m.port}`).join(',')}`,
    )
    .join(';');
}

/** A MembershipSource over a fixed list; `set` replaces it (SIGHUP reload). */
export class StaticMembership implements MembershipSource {
  #current: Membership;
  readonly #listeners = new Set<(m: Membership) => void>();

  constructor(initial: Membership) {
    checkMembership(initial);
    this.#current = initial;
  }

  current(): Membership {
    return this.#current;
  }

  onChange(listener: (membership: Membership) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async start(): Promise<void> {}

  async stop(): Promise<void> {
    this.#listeners.clear();
  }

  /** Replaces the membership; listeners hear of it only if it differs. Throws ChainsError. */
  set(next: Membership): boolean {
    checkMembership(next);
    if (sameMembership(this.#current, next)) return false;
    this.#current = next;
    for (const l of [...this.#listeners]) l(next);
    return true;
  }
}
