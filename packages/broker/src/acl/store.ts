import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { filterMatches, invalidBindingReason, sameBinding } from './matching.js';
import type { AclBinding, AclBindingFilter } from './types.js';

/** The file under the log dir holding every ACL (a file, so no one takes it for a partition). */
export const ACL_FILE = 'kilgore-acls.json';

/** What changed, for whoever mirrors ACLs elsewhere (other nodes of the cluster). */
export interface AclChange {
  added: readonly AclBinding[];
  removed: readonly AclBinding[];
}

export type AclChangeListener = (change: AclChange) => void;

/**
 * Every ACL of the cluster, persisted. Kafka keeps ACLs in its metadata log; Kilgore keeps
 * `<log.dirs>/kilgore-acls.json`, rewritten atomically (temp file, fsync, rename, fsync of the
 * dir) on each change, so a crash leaves the old set or the new one.
 *
 * Replication: `onChange` reports every local change (after it is on disk) and `apply` installs
 * a change received from a peer without reporting it again. Under chain replication
 * src/chain/security-sync.ts carries them with the topic table (pushed to every node on change;
 * a node pulling at start takes a peer's whole set).
 */
export class AclStore {
  private bindings: AclBinding[] = [];
  private readonly listeners: AclChangeListener[] = [];
  private readonly file: string;
  /** Bumped on every change, so caches of authorization decisions know when to forget. */
  version = 0;

  constructor(
    private readonly logDir: string,
    private readonly log: Pick<Logger, 'warn' | 'error'>,
  ) {
    this.file = join(logDir, ACL_FILE);
  }

  /** Reads the file if there is one; entries that no longer validate are dropped with a warning. */
  load(): void {
    if (!existsSync(this.file)) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(this.file, 'utf8'));
    } catch (err) {
      // Refusing to start is safer than starting with no ACLs (which may allow everyone).
      throw new Error(`cannot read the ACL file ${this.file}: ${(err as Error).message}`);
    }
    const list = (parsed as { acls?: unknown }).acls;
    if (!Array.isArray(list)) throw new Error(`the ACL file ${this.file} has no "acls" list`);
    for (const entry of list) {
      const b = toBinding(entry);
      const reason = b === null ? 'not an ACL' : invalidBindingReason(b);
      if (b === null || reason !== null) {
        this.log.warn({ entry, reason }, 'ignoring a stored ACL');
        continue;
      }
      if (!this.bindings.some((x) => sameBinding(x, b))) this.bindings.push(b);
    }
    this.version++;
  }

  list(): readonly AclBinding[] {
    return this.bindings;
  }

  /** The bindings under a filter. */
  find(filter: AclBindingFilter): AclBinding[] {
    return this.bindings.filter((b) => filterMatches(filter, b));
  }

  /** Adds bindings (already validated), skipping ones already present; written before it returns. */
  add(bindings: readonly AclBinding[]): void {
    const added: AclBinding[] = [];
    for (const b of bindings) {
      if (this.bindings.some((x) => sameBinding(x, b)) || added.some((x) => sameBinding(x, b))) continue;
      added.push({ ...b });
    }
    if (added.length === 0) return;
    this.commit([...this.bindings, ...added], { added, removed: [] });
  }

  /** Removes every binding under any of the filters; returns, per filter, what it removed. */
  remove(filters: readonly AclBindingFilter[]): AclBinding[][] {
    const perFilter = filters.map((f) => this.find(f));
    const removed = new Set(perFilter.flat());
    if (removed.size > 0) {
      this.commit(
        this.bindings.filter((b) => !removed.has(b)),
        { added: [], removed: [...removed] },
      );
    }
    return perFilter;
  }

  /** Installs a change made on another node; not reported to `onChange` listeners. */
  apply(change: AclChange): void {
    const next = this.bindings.filter((b) => !change.removed.some((r) => sameBinding(r, b)));
    for (const b of change.added) if (!next.some((x) => sameBinding(x, b))) next.push({ ...b });
    this.write(next);
  }

  /** Called after each local change is on disk. */
  onChange(listener: AclChangeListener): void {
    this.listeners.push(listener);
  }

  private commit(next: AclBinding[], change: AclChange): void {
    this.write(next);
    for (const l of this.listeners) {
      try {
        l(change);
      } catch (err) {
        this.log.error({ err }, 'an ACL change listener failed');
      }
    }
  }

  private write(next: AclBinding[]): void {
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, `${JSON.stringify({ version: 1, acls: next }, null, 1)}\n`);
    syncPath(tmp);
    renameSync(tmp, this.file);
    syncPath(this.logDir);
    this.bindings = next;
    this.version++;
  }
}

function toBinding(x: unknown): AclBinding | null {
  if (typeof x !== 'object' || x === null) return null;
  const o = x as Record<string, unknown>;
  const nums = ['resourceType', 'patternType', 'operation', 'permission'] as const;
  const strs = ['resourceName', 'principal', 'host'] as const;
  if (nums.some((k) => typeof o[k] !== 'number') || strs.some((k) => typeof o[k] !== 'string')) return null;
  return {
    resourceType: o.resourceType as number,
    resourceName: o.resourceName as string,
    patternType: o.patternType as number,
    principal: o.principal as string,
    host: o.host as string,
    operation: o.operation as number,
    permission: o.permission as number,
  };
}

function syncPath(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
