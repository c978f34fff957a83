import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { SCRAM_MECHANISMS, type ScramCredential, type ScramMechanism } from './scram-credential.js';

export const SCRAM_CREDENTIALS_FILE = 'kilgore-scram-credentials.json';

interface StoredCredential {
  salt: string;
  stored_key: string;
  server_key: string;
  iterations: number;
}

interface StoredFile {
  version: 1;
  users: Record<string, Partial<Record<ScramMechanism, StoredCredential>>>;
}

/** A SCRAM credentials file that cannot be read: the broker refuses to start rather than lose users. */
export class ScramStoreError extends Error {
  override name = 'ScramStoreError';
}

/**
 * SCRAM credentials set by AlterUserScramCredentials, kept in the log dir as JSON (salt, stored
 * key, server key, iterations in Kafka's field names; never a password). Every change rewrites
 * the file atomically: a temp file, fsync, rename, fsync of the directory.
 */
/** A change to SCRAM credentials (null: deleted), as `apply` takes it. */
export interface ScramChange {
  user: string;
  mechanism: ScramMechanism;
  credential: ScramCredential | null;
}

export class ScramCredentialStore {
  private readonly users = new Map<string, Map<ScramMechanism, ScramCredential>>();
  /** Told of each local change once it is on disk (chain replication sends it to every node). */
  private readonly listeners: ((changes: readonly ScramChange[]) => void)[] = [];
  readonly path: string;

  constructor(logDir: string) {
    this.path = join(logDir, SCRAM_CREDENTIALS_FILE);
  }

  load(): void {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw new ScramStoreError(`${this.path}: ${(err as Error).message}`);
    }
    let parsed: StoredFile;
    try {
      parsed = JSON.parse(text) as StoredFile;
      if (parsed.version !== 1 || typeof parsed.users !== 'object' || parsed.users === null) {
        throw new Error('not a version 1 credentials file');
      }
    } catch (err) {
      throw new ScramStoreError(`${this.path}: ${(err as Error).message}`);
    }
    for (const [user, byMechanism] of Object.entries(parsed.users)) {
      for (const [mechanism, c] of Object.entries(byMechanism)) {
        if (!(mechanism in SCRAM_MECHANISMS) || c === undefined) continue;
        this.put(user, mechanism as ScramMechanism, {
          salt: Buffer.from(c.salt, 'base64'),
          storedKey: Buffer.from(c.stored_key, 'base64'),
          serverKey: Buffer.from(c.server_key, 'base64'),
          iterations: c.iterations,
        });
      }
    }
  }

  get(user: string, mechanism: ScramMechanism): ScramCredential | undefined {
    return this.users.get(user)?.get(mechanism);
  }

  /** Every user with at least one credential, and theirs. */
  list(): ReadonlyMap<string, ReadonlyMap<ScramMechanism, ScramCredential>> {
    return this.users;
  }

  /** Called after each local change is on disk; changes from other nodes (`remote`) are not reported. */
  onChange(listener: (changes: readonly ScramChange[]) => void): void {
    this.listeners.push(listener);
  }

  /** Applies a batch of changes in memory, then persists once. `remote`: made on another node. */
  apply(changes: readonly ScramChange[], remote = false): void {
    for (const c of changes) {
      if (c.credential === null) {
        const m = this.users.get(c.user);
        m?.delete(c.mechanism);
        if (m?.size === 0) this.users.delete(c.user);
      } else {
        this.put(c.user, c.mechanism, c.credential);
      }
    }
    if (changes.length === 0) return;
    this.save();
    if (!remote) for (const l of this.listeners) l(changes);
  }

  private put(user: string, mechanism: ScramMechanism, credential: ScramCredential): void {
    const m = this.users.get(user) ?? new Map<ScramMechanism, ScramCredential>();
    m.set(mechanism, credential);
    this.users.set(user, m);
  }

  private save(): void {
    const file: StoredFile = { version: 1, users: {} };
    for (const [user, byMechanism] of this.users) {
      const entry: Partial<Record<ScramMechanism, StoredCredential>> = {};
      for (const [mechanism, c] of byMechanism) {
        entry[mechanism] = {
          salt: c.salt.toString('base64'),
          stored_key: c.storedKey.toString('base64'),
          server_key: c.serverKey.toString('base64'),
          iterations: c.iterations,
        };
      }
      file.users[user] = entry;
    }
    const tmp = `${this.path}.tmp`;
    const fd = openSync(tmp, 'w', 0o600);
    try {
      writeSync(fd, `${JSON.stringify(file, null, 2)}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.path);
    const dir = openSync(dirname(this.path), 'r');
    try {
      fsyncSync(dir);
    } finally {
      closeSync(dir);
    }
  }
}
