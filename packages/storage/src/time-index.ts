import type { ByteStore } from './byte-store.js';
import { persistIndexEntries } from './index-file.js';

export const TIME_INDEX_ENTRY_SIZE = 12;

export interface TimeIndexEntry {
  timestamp: number;
  /** Relative offset of the batch holding that maximum timestamp (its last offset). */
  relativeOffset: number;
}

/**
 * The `.timeindex` file: (timestamp int64, relativeOffset int32) entries, big-endian, with
 * strictly growing timestamps. Kept in memory and written in bulk, like the offset index.
 */
export class TimeIndex {
  #ts = new Float64Array(64);
  #rel = new Int32Array(64);
  #count = 0;
  #persisted = 0;

  constructor(readonly store: ByteStore | undefined) {}

  get count(): number {
    return this.#count;
  }

  /** Appends only when `timestamp` is greater than the last entry's, as Kafka does. */
  maybeAppend(timestamp: number, relativeOffset: number): void {
    if (this.#count > 0 && timestamp <= this.#ts[this.#count - 1]!) return;
    if (this.#count === this.#ts.length) {
      const ts = new Float64Array(this.#ts.length * 2);
      const rel = new Int32Array(this.#rel.length * 2);
      ts.set(this.#ts);
      rel.set(this.#rel);
      this.#ts = ts;
      this.#rel = rel;
    }
    this.#ts[this.#count] = timestamp;
    this.#rel[this.#count] = relativeOffset;
    this.#count++;
  }

  entry(i: number): TimeIndexEntry {
    return { timestamp: this.#ts[i]!, relativeOffset: this.#rel[i]! };
  }

  last(): TimeIndexEntry | undefined {
    return this.#count === 0 ? undefined : this.entry(this.#count - 1);
  }

  /** The greatest entry with timestamp < `timestamp`, from which a scan for `timestamp` starts. */
  lookupBefore(timestamp: number): TimeIndexEntry | undefined {
    let lo = 0;
    let hi = this.#count - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.#ts[mid]! < timestamp) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found < 0 ? undefined : this.entry(found);
  }

  /** Drops entries whose offset is >= `relativeOffset`. */
  truncateToOffset(relativeOffset: number): void {
    while (this.#count > 0 && this.#rel[this.#count - 1]! >= relativeOffset) this.#count--;
    // Entries dropped here must be rewritten in the file even if equal ones come back.
    if (this.#persisted > this.#count) this.#persisted = this.#count;
  }

  reset(): void {
    this.#count = 0;
    this.#persisted = 0;
  }

  persist(): void {
    if (!this.store) return;
    this.#persisted = persistIndexEntries(
      this.store,
      this.#persisted,
      this.#count,
      TIME_INDEX_ENTRY_SIZE,
      (buf, i, at) => {
        buf.writeBigInt64BE(BigInt(this.#ts[i]!), at);
        buf.writeInt32BE(this.#rel[i]!, at + 8);
      },
    );
  }

  /**
   * Loads the file; false when it cannot be trusted (bad length, timestamps not growing,
   * offsets decreasing or beyond `maxRelativeOffset`).
   */
  load(maxRelativeOffset: number): boolean {
    this.reset();
    const store = this.store;
    if (!store) return false;
    if (store.size % TIME_INDEX_ENTRY_SIZE !== 0) return false;
    const buf = store.read(0, store.size);
    let prevTs = Number.NEGATIVE_INFINITY;
    let prevRel = -1;
    for (let p = 0; p < buf.length; p += TIME_INDEX_ENTRY_SIZE) {
      const ts = Number(buf.readBigInt64BE(p));
      const rel = buf.readInt32BE(p + 8);
      if (ts <= prevTs || rel < prevRel || rel < 0 || rel > maxRelativeOffset) {
        this.reset();
        return false;
      }
      this.maybeAppend(ts, rel);
      prevTs = ts;
      prevRel = rel;
    }
    this.#persisted = this.#count;
    return true;
  }

  markUnpersisted(): void {
    this.#persisted = 0;
    this.store?.truncate(0);
  }
}
