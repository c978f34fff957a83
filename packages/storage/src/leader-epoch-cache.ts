/**
 * The leader-epoch cache of a partition (Kafka's LeaderEpochFileCache): for each epoch, the first
 * offset written in it. Replication uses it to find where two logs diverge (OffsetForLeaderEpoch).
 * Kept in `leader-epoch-checkpoint` in the partition dir, in Kafka's format: a version line `0`,
 * a count line, then `epoch startOffset` lines, oldest first. Rewritten (temp file + rename) only
 * when an epoch starts or a truncation removes entries, which is rare.
 */
import type { Directory } from './directory.js';

export const LEADER_EPOCH_CHECKPOINT = 'leader-epoch-checkpoint';
const TMP = `${LEADER_EPOCH_CHECKPOINT}.tmp`;

export interface EpochEntry {
  epoch: number;
  startOffset: number;
}

/** What OffsetForLeaderEpoch answers: -1/-1 when the epoch is unknown and none is later. */
export interface EpochEndOffset {
  epoch: number;
  endOffset: number;
}

export class LeaderEpochCache {
  #entries: EpochEntry[] = [];

  constructor(private readonly dir: Directory) {}

  /** Reads the checkpoint; false when it is missing or unreadable (the caller rebuilds). */
  load(): boolean {
    if (!this.dir.exists(LEADER_EPOCH_CHECKPOINT)) return false;
    const store = this.dir.open(LEADER_EPOCH_CHECKPOINT);
    const text = store.read(0, store.size).toString('utf8');
    void store.close();
    const parsed = parseEpochCheckpoint(text);
    if (parsed === undefined) return false;
    this.#entries = parsed;
    return true;
  }

  get entries(): readonly EpochEntry[] {
    return this.#entries;
  }

  /** The newest epoch, or -1 when nothing was ever written with one. */
  get latestEpoch(): number {
    return this.#entries.at(-1)?.epoch ?? -1;
  }

  /**
   * Records that `epoch` starts at `startOffset` (a batch of that epoch was appended there).
   * Same epoch again: nothing. An older epoch than the latest is ignored, as Kafka does.
   */
  assign(epoch: number, startOffset: number): void {
    if (epoch < 0) return;
    const last = this.#entries.at(-1);
    if (last !== undefined && epoch <= last.epoch) return;
    this.#entries.push({ epoch, startOffset });
    this.#persist();
  }

  /**
   * Kafka's endOffsetForEpoch: for the latest epoch, the log end offset; for an older epoch
   * known (or bracketed) here, the start offset of the next epoch, reported with the newest
   * epoch at or below the one asked; for one older than every entry, the first entry's start;
   * for one newer than every entry (or -1), -1/-1.
   */
  endOffsetForEpoch(epoch: number, logEndOffset: number): EpochEndOffset {
    if (epoch < 0 || this.#entries.length === 0) return { epoch: -1, endOffset: -1 };
    const latest = this.#entries.at(-1)!;
    if (epoch === latest.epoch) return { epoch, endOffset: logEndOffset };
    const higher = this.#entries.find((e) => e.epoch > epoch);
    if (higher === undefined) return { epoch: -1, endOffset: -1 };
    let floor: EpochEntry | undefined;
    for (const e of this.#entries) if (e.epoch <= epoch) floor = e;
    return { epoch: floor === undefined ? epoch : floor.epoch, endOffset: higher.startOffset };
  }

  /** Drops the entries of epochs that start at or after `offset` (the log was truncated there). */
  truncateFromEnd(offset: number): void {
    const keep = this.#entries.filter((e) => e.startOffset < offset);
    if (keep.length === this.#entries.length) return;
    this.#entries = keep;
    this.#persist();
  }

  /** Replaces everything (a rebuild from the log). */
  reset(entries: EpochEntry[]): void {
    this.#entries = entries;
    this.#persist();
  }

  remove(): void {
    this.#entries = [];
    this.dir.remove(LEADER_EPOCH_CHECKPOINT);
  }

  #persist(): void {
    const store = this.dir.open(TMP);
    store.truncate(0);
    store.writeAt(Buffer.from(formatEpochCheckpoint(this.#entries), 'utf8'), 0);
    void store.close();
    this.dir.rename(TMP, LEADER_EPOCH_CHECKPOINT);
  }
}

export function formatEpochCheckpoint(entries: readonly EpochEntry[]): string {
  return `0\n${entries.length}\n${entries.map((e) => `${e.epoch} ${e.startOffset}\n`).join('')}`;
}

/** undefined for anything that is not a version-0 checkpoint with increasing epochs and offsets. */
export function parseEpochCheckpoint(text: string): EpochEntry[] | undefined {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  if (lines[0]?.trim() !== '0') return undefined;
  const count = Number(lines[1]);
  if (!Number.isInteger(count) || count < 0 || lines.length !== count + 2) return undefined;
  const out: EpochEntry[] = [];
  for (const line of lines.slice(2)) {
    const m = /^\s*(\d+)\s+(\d+)\s*$/.exec(line);
    if (!m) return undefined;
    const e = { epoch: Number(m[1]), startOffset: Number(m[2]) };
    const prev = out.at(-1);
    if (prev && (e.epoch <= prev.epoch || e.startOffset < prev.startOffset)) return undefined;
    out.push(e);
  }
  return out;
}
