/**
 * ACLs and SCRAM credentials ride the chain's topic table sync (TopicSync's `security` field, a
 * JSON text): each local change is queued for every other node and pushed with the topic changes
 * (retried until acknowledged); a pull (a node starting) is answered with the whole set, which
 * replaces the starting node's. Changes received from a peer are applied without being reported
 * again, so nothing echoes.
 */
import type { Logger } from 'pino';
import type { AclChange, AclStore } from '../acl/store.js';
import type { AclBinding } from '../acl/types.js';
import { SCRAM_MECHANISMS, type ScramMechanism } from '../security/scram-credential.js';
import type { ScramChange, ScramCredentialStore } from '../security/scram-store.js';

interface WireCredential {
  salt: string;
  storedKey: string;
  serverKey: string;
  iterations: number;
}

interface WireScramChange {
  user: string;
  mechanism: string;
  credential: WireCredential | null;
}

/** One local change, as sent. */
interface Delta {
  acls?: { added: AclBinding[]; removed: AclBinding[] };
  scram?: WireScramChange[];
}

/** What the `security` field holds: changes (a push) or everything (a pull's answer). */
interface Payload {
  deltas?: Delta[];
  snapshot?: { acls: AclBinding[]; scram: WireScramChange[] };
}

const toWire = (c: ScramChange): WireScramChange => ({
  user: c.user,
  mechanism: c.mechanism,
  credential:
    c.credential === null
      ? null
      : {
          salt: c.credential.salt.toString('base64'),
          storedKey: c.credential.storedKey.toString('base64'),
          serverKey: c.credential.serverKey.toString('base64'),
          iterations: c.credential.iterations,
        },
});

function fromWire(w: WireScramChange): ScramChange | undefined {
  if (typeof w?.user !== 'string' || !(w.mechanism in SCRAM_MECHANISMS)) return undefined;
  const c = w.credential;
  if (c !== null && (typeof c?.salt !== 'string' || !Number.isInteger(c.iterations))) return undefined;
  return {
    user: w.user,
    mechanism: w.mechanism as ScramMechanism,
    credential:
      c === null
        ? null
        : {
            salt: Buffer.from(c.salt, 'base64'),
            storedKey: Buffer.from(c.storedKey, 'base64'),
            serverKey: Buffer.from(c.serverKey, 'base64'),
            iterations: c.iterations,
          },
  };
}

const sameAcl = (a: AclBinding, b: AclBinding) =>
  a.resourceType === b.resourceType &&
  a.resourceName === b.resourceName &&
  a.patternType === b.patternType &&
  a.principal === b.principal &&
  a.host === b.host &&
  a.operation === b.operation &&
  a.permission === b.permission;

export class SecuritySync {
  /** Per peer node id: local changes it has not acknowledged, oldest first. */
  readonly #queues = new Map<number, Delta[]>();

  constructor(
    private readonly acls: AclStore,
    private readonly scram: ScramCredentialStore | undefined,
    private readonly log: Logger,
    /** The other nodes now. */
    private readonly peers: () => number[],
    /** Starts pushing to a node (no-op if a push is under way). */
    private readonly kick: (nodeId: number) => void,
  ) {
    acls.onChange((c: AclChange) => this.#queue({ acls: { added: [...c.added], removed: [...c.removed] } }));
    scram?.onChange((changes) => this.#queue({ scram: changes.map(toWire) }));
  }

  #queue(delta: Delta): void {
    for (const id of this.peers()) {
      const q = this.#queues.get(id) ?? [];
      this.#queues.set(id, q);
      q.push(delta);
      this.kick(id);
    }
  }

  /** What to send a node now: the field's text (null: nothing) and how many changes it holds. */
  pending(nodeId: number): { payload: string | null; count: number } {
    const q = this.#queues.get(nodeId) ?? [];
    return q.length === 0
      ? { payload: null, count: 0 }
      : { payload: JSON.stringify({ deltas: q }), count: q.length };
  }

  /** The node acknowledged the first `count` changes. */
  delivered(nodeId: number, count: number): void {
    this.#queues.get(nodeId)?.splice(0, count);
  }

  /** The node left the cluster. */
  forget(nodeId: number): void {
    this.#queues.delete(nodeId);
  }

  /** Everything, for a pull's answer. */
  snapshot(): string {
    const scram: WireScramChange[] = [];
    for (const [user, byMechanism] of this.scram?.list() ?? []) {
      for (const [mechanism, credential] of byMechanism) scram.push(toWire({ user, mechanism, credential }));
    }
    return JSON.stringify({ snapshot: { acls: [...this.acls.list()], scram } } satisfies Payload);
  }

  /**
   * Applies what a peer sent: its changes in order, or (a pull's answer, `replace`) its whole
   * set in place of ours. Bad input is logged and skipped, never thrown at the peer.
   */
  receive(text: string | null | undefined, from: number): void {
    if (!text) return;
    let p: Payload;
    try {
      p = JSON.parse(text) as Payload;
    } catch (err) {
      this.log.warn({ from, err: (err as Error).message }, 'unreadable ACL/credential sync from a peer');
      return;
    }
    for (const d of p.deltas ?? []) {
      if (d.acls) this.acls.apply({ added: d.acls.added ?? [], removed: d.acls.removed ?? [] });
      if (d.scram) this.#applyScram(d.scram);
    }
    if (p.snapshot) this.#replace(p.snapshot, from);
  }

  #applyScram(list: readonly WireScramChange[]): void {
    const changes = list.map(fromWire).filter((c): c is ScramChange => c !== undefined);
    this.scram?.apply(changes, true);
  }

  #replace(s: NonNullable<Payload['snapshot']>, from: number): void {
    const theirs = s.acls ?? [];
    const ours = this.acls.list();
    const removed = ours.filter((b) => !theirs.some((t) => sameAcl(t, b)));
    const added = theirs.filter((t) => !ours.some((b) => sameAcl(t, b)));
    if (removed.length + added.length > 0) this.acls.apply({ added, removed });
    const changes = (s.scram ?? []).map(fromWire).filter((c): c is ScramChange => c !== undefined);
    const keep = new Set(changes.map((c) => `${c.user}\0${c.mechanism}`));
    for (const [user, byMechanism] of this.scram?.list() ?? []) {
      for (const mechanism of byMechanism.keys()) {
        if (!keep.has(`${user}\0${mechanism}`)) changes.push({ user, mechanism, credential: null });
      }
    }
    this.scram?.apply(changes, true);
    this.log.info(
      { from, acls: theirs.length, scramCredentials: keep.size },
      'ACLs and SCRAM credentials taken from a peer',
    );
  }
}
