import type { ByteStore } from './byte-store.js';

/**
 * Brings an index file of fixed-size entries in line with its in-memory entries: trims the file
 * when entries were dropped (or it holds a partial entry), then appends the entries from
 * `persisted` to `count` in one write. `writeEntry(buf, i, at)` encodes entry `i` at `at`.
 * Returns the new persisted count (= count). Shared by the offset and time indexes.
 */
export function persistIndexEntries(
  store: ByteStore,
  persisted: number,
  count: number,
  entrySize: number,
  writeEntry: (buf: Buffer, entry: number, at: number) => void,
): number {
  let from = persisted;
  if (from > count || store.size !== from * entrySize) {
    from = Math.min(from, count, Math.floor(store.size / entrySize));
    store.truncate(from * entrySize);
  }
  const n = count - from;
  if (n === 0) return count;
  const buf = Buffer.allocUnsafe(n * entrySize);
  for (let i = 0; i < n; i++) writeEntry(buf, from + i, i * entrySize);
  store.writeAt(buf, from * entrySize);
  return count;
}
