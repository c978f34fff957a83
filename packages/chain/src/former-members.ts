/**
 * Nodes that were in an earlier membership and are in none of the current one ("former
 * members"), in `<log dir>/chain-former-members.json`. A chain removed from the membership leaves
 * its partitions on its nodes; the heads that take those partitions over ask these nodes for
 * them (the current membership no longer names them). Kept across restarts, so a head restarted
 * before it copied still knows whom to ask. Written with a temp file + rename.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { ChainMember, Membership } from '@kilgore/discovery';

export const FORMER_MEMBERS_FILE = 'chain-former-members.json';

export class FormerMembers {
  readonly #file: string;
  /** By node id; the address it had when it was last a member. */
  readonly #nodes = new Map<number, ChainMember>();

  constructor(dir: string) {
    this.#file = path.join(dir, FORMER_MEMBERS_FILE);
    fs.mkdirSync(dir, { recursive: true });
    let parsed: unknown;
    try {
      parsed = JSON.parse(fs.readFileSync(this.#file, 'utf8'));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw new Error(`${this.#file} is unreadable (${(err as Error).message}); fix or remove it`);
    }
    if (!Array.isArray(parsed)) throw new Error(`${this.#file} is not a list of nodes; fix or remove it`);
    for (const n of parsed as unknown[]) {
      const m = n as Partial<ChainMember>;
      if (
        typeof m?.nodeId === 'number' &&
        Number.isInteger(m.nodeId) &&
        typeof m.host === 'string' &&
        typeof m.port === 'number' &&
        Number.isInteger(m.port)
      ) {
        this.#nodes.set(m.nodeId, { nodeId: m.nodeId, host: m.host, port: m.port });
      }
    }
  }

  /** Every former member, by node id order. */
  list(): ChainMember[] {
    return [...this.#nodes.values()].sort((a, b) => a.nodeId - b.nodeId);
  }

  /**
   * A membership change from `before` to `after`: nodes of `before` absent from `after` become
   * former members; nodes of `after` are not (a node named again is a member again). Returns
   * the nodes that just became former members.
   */
  update(before: Membership, after: Membership): ChainMember[] {
    const now = new Set(after.chains.flatMap((c) => c.members.map((m) => m.nodeId)));
    const left: ChainMember[] = [];
    let changed = false;
    for (const id of [...this.#nodes.keys()]) {
      if (now.has(id)) {
        this.#nodes.delete(id);
        changed = true;
      }
    }
    for (const m of before.chains.flatMap((c) => c.members)) {
      if (now.has(m.nodeId)) continue;
      this.#nodes.set(m.nodeId, { nodeId: m.nodeId, host: m.host, port: m.port });
      left.push(m);
      changed = true;
    }
    if (changed) this.#save();
    return left;
  }

  #save(): void {
    const tmp = `${this.#file}.tmp`;
    const fd = fs.openSync(tmp, 'w');
    try {
      fs.writeSync(fd, JSON.stringify(this.list()));
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, this.#file);
  }
}
