import type { ByteStore } from './byte-store.js';
import { persistIndexEntries } from './index-file.js';

export const OFFSET_INDEX_ENTRY_SIZE = 8;

export interface OffsetIndexEntry {
  /** Offset relative to the segment's base: the last offset of the batch at `position`. */
  relativeOffset: number;
  position: number;
}

/**
 * The `.index` file: (relativeOffset int32, position int32) entries, big-endian, sorted.
 *
 * Entries live in memory (two typed arrays) and reach the file in bulk, at flush, roll and close,
 * never on the append path. After a crash the file can lack its newest entries; recovery
 * rebuilds the index of every segment past the recovery point, and the recovery point only
 * moves after the index has been written and synced.
 */
export class OffsetIndex {
  #rel = new Int32Array(64);
  #pos = new Int32Array(64);
  #count = 0;
  /** Entries already in the file. */
  #persisted = 0;

  constructor(readonly store: ByteStore | undefined) {}

  get count(): number {
    return this.#count;
  }
  get sizeInBytes(): number {
    return this.#count * OFFSET_INDEX_ENTRY_SIZE;
  }

  append(relativeOffset: number, position: number): void {
    if (this.#count === this.#rel.length) {
      const rel = new Int32Array(this.#rel.length * 2);
      const pos = new Int32Array(this.#pos.length * 2);
      rel.set(this.#rel);
      pos.set(this.#pos);
      this.#rel = rel;
      this.#pos = pos;
    }
    this.#rel[this.#count] = relativeOffset;
    this.#pos[this.#count] = position;
    this.#count++;
  }

  entry(i: number): OffsetIndexEntry {
    return { relativeOffset: this.#rel[i]!, position: this.#pos[i]! };
  }

  last(): OffsetIndexEntry | undefined {
    return this.#count === 0 ? undefined : this.entry(this.#count - 1);
  }

  /** Position of the greatest entry whose offset is <= `relativeOffset`; 0 when there is none. */
  lookup(relativeOffset: number): number {
    let lo = 0;
    let hi = this.#count - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.#rel[mid]! <= relativeOffset) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found < 0 ? 0 : this.#pos[found]!;
  }

  /**
   * Position of the first entry whose offset is > `relativeOffset`, or -1 when there is none:
   * the batch holding `relativeOffset` starts before it, so a read from `lookup()` need not scan
   * further than this.
   */
  nextPosition(relativeOffset: number): number {
    let lo = 0;
    let hi = this.#count - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.#rel[mid]! > relativeOffset) {
        found = mid;
        hi = mid - 1;
      } else lo = mid + 1;
    }
    return found < 0 ? -1 : this.#pos[found]!;
  }

  /** Drops entries at or past file position `position` (the log was truncated there). */
  truncateToPosition(position: number): void {
    while (this.#count > 0 && this.#pos[this.#count - 1]! >= position) this.#count--;
    // Entries dropped here must be rewritten in the file even if equal ones come back.
    if (this.#persisted > this.#count) this.#persisted = this.#count;
  }

  reset(): void {
    this.#count = 0;
    this.#persisted = 0;
  }

  /** Writes entries not yet in the file; trims the file if entries were dropped. */
  persist(): void {
    if (!this.store) return;
    this.#persisted = persistIndexEntries(
      this.store,
      this.#persisted,
      this.#count,
      OFFSET_INDEX_ENTRY_SIZE,
      (buf, i, at) => {
        buf.writeInt32BE(this.#rel[i]!, at);
        buf.writeInt32BE(this.#pos[i]!, at + 4);
      },
    );
  }

  /**
   * Loads the file. Returns false (and loads nothing) when it cannot be trusted: a length that
   * is not a multiple of 8, offsets or positions that do not increase, or a position at or past
   * `logSize`. The caller then rebuilds it from the log.
   */
  load(logSize: number): boolean {
    this.reset();
    const store = this.store;
    if (!store) return false;
    if (store.size % OFFSET_INDEX_ENTRY_SIZE !== 0) return false;
    const buf = store.read(0, store.size);
    let prevRel = -1;
    let prevPos = -1;
    for (let p = 0; p < buf.length; p += OFFSET_INDEX_ENTRY_SIZE) {
      const rel = buf.readInt32BE(p);
      const pos = buf.readInt32BE(p + 4);
      if (rel <= prevRel || pos <= prevPos || rel < 0 || pos >= logSize) {
        this.reset();
        return false;
      }
      this.append(rel, pos);
      prevRel = rel;
      prevPos = pos;
    }
    this.#persisted = this.#count;
    return true;
  }

  /** Marks the file as needing a rewrite from scratch (after a rebuild). */
  markUnpersisted(): void {
    this.#persisted = 0;
    this.store?.truncate(0);
  }
}
