import {
  closeSync,
  existsSync,
  fstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import type { SharePartitionSnapshot } from './share-partition.js';

/** What one state file holds: a share-partition's durable state and whose it is. */
export interface StoredSharePartition extends SharePartitionSnapshot, ShareStateKey {
  topic: string;
}

/** Which share-partition a stored state is. */
export interface ShareStateKey {
  groupId: string;
  topicId: string;
  partition: number;
}

/**
 * Where share-partition state is kept: a journal per partition in the data dir (one node), or
 * `__share_group_state` (chains: share-state-log.ts).
 */
export interface ShareStateBackend {
  /** Every stored share-partition; unreadable entries are skipped and reported. */
  loadAll(onBad: (what: string, err: unknown) => void): Promise<StoredSharePartition[]>;
  /**
   * Stores the states and forgets the keys in `deleted`; undefined once done (a file write),
   * else a promise of it: either way before the request that changed them is answered.
   */
  write(
    states: readonly StoredSharePartition[],
    deleted: readonly ShareStateKey[],
  ): Promise<void> | undefined;
  close(): void;
}

/** A journal this long is rewritten as its last state alone. */
const COMPACT_AT_BYTES = 1 << 20;

interface Journal {
  fd: number;
  bytes: number;
}

/**
 * Share-partition state in the data dir: one journal per (group, topic id, partition), each line
 * the whole state after a change, appended with one write before the request that changed it is
 * answered. The last line that parses is the state: a kill mid-write leaves at most a torn last
 * line, and the one before it stands. A journal past 1 MiB is rewritten as its last line
 * (write-then-rename). Appending, not renaming, on every change: a rename per request cost more
 * than the rest of a ShareFetch (bench:share). Kafka keeps this in `__share_group_state` through
 * its share coordinator; README: Share groups says why a file here.
 */
export class ShareStateStore implements ShareStateBackend {
  private readonly dir: string;
  private readonly journals = new Map<string, Journal>();
  private dirMade = false;

  constructor(logDir: string) {
    this.dir = join(logDir, 'share-state');
  }

  private path(groupId: string, topicId: string, partition: number): string {
    return join(this.dir, `${Buffer.from(groupId).toString('hex')}.${topicId}.${partition}.jsonl`);
  }

  async loadAll(onBad: (file: string, err: unknown) => void): Promise<StoredSharePartition[]> {
    return this.loadAllSync(onBad);
  }

  write(states: readonly StoredSharePartition[], deleted: readonly ShareStateKey[]): undefined {
    for (const s of states) this.save(s);
    for (const k of deleted) this.delete(k.groupId, k.topicId, k.partition);
    return undefined;
  }

  /** Every stored share-partition; files with no line that parses are skipped (and reported). */
  private loadAllSync(onBad: (file: string, err: unknown) => void): StoredSharePartition[] {
    if (!existsSync(this.dir)) return [];
    const out: StoredSharePartition[] = [];
    for (const f of readdirSync(this.dir)) {
      if (!f.endsWith('.jsonl')) continue;
      const lines = readFileSync(join(this.dir, f), 'utf8').split('\n');
      let last: StoredSharePartition | undefined;
      let lastErr: unknown = new Error('empty state file');
      for (let i = lines.length - 1; i >= 0 && last === undefined; i--) {
        if (lines[i]!.trim() === '') continue;
        try {
          const s = JSON.parse(lines[i]!) as StoredSharePartition;
          if (typeof s.groupId !== 'string' || !Array.isArray(s.runs) || typeof s.startOffset !== 'number') {
            throw new Error('not a share-partition state');
          }
          last = s;
        } catch (err) {
          lastErr = err; // a torn last line: the one before it stands
        }
      }
      if (last) out.push(last);
      else onBad(f, lastErr);
    }
    return out;
  }

  private save(state: StoredSharePartition): void {
    const path = this.path(state.groupId, state.topicId, state.partition);
    const line = `${JSON.stringify(state)}\n`;
    let j = this.journals.get(path);
    if (j && j.bytes + line.length > COMPACT_AT_BYTES) {
      closeSync(j.fd);
      this.journals.delete(path);
      writeFileSync(`${path}.tmp`, line);
      renameSync(`${path}.tmp`, path);
      j = undefined;
    }
    if (!j) {
      if (!this.dirMade) mkdirSync(this.dir, { recursive: true });
      this.dirMade = true;
      const fd = openSync(path, 'a');
      j = { fd, bytes: fstatSync(fd).size };
      this.journals.set(path, j);
    }
    writeSync(j.fd, line);
    j.bytes += Buffer.byteLength(line);
  }

  private delete(groupId: string, topicId: string, partition: number): void {
    const path = this.path(groupId, topicId, partition);
    const j = this.journals.get(path);
    if (j) closeSync(j.fd);
    this.journals.delete(path);
    rmSync(path, { force: true });
  }

  close(): void {
    for (const j of this.journals.values()) closeSync(j.fd);
    this.journals.clear();
  }
}
