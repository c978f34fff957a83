/**
 * Recycled buffers for large file reads (fetches). A fresh 1 MiB Buffer is fresh memory: the
 * kernel's copy into it page-faults every 4 KiB, which made a page-cache fetch ~25% slower than
 * reading into a reused buffer (pnpm bench:fetch). Reads of more than 64 KiB take a slab from
 * here; whoever finally consumes the bytes (the broker's connection, once the response that
 * carries them has been handed to the kernel) gives it back with `releaseReadBuffer`. A slab
 * that is never given back is simply garbage collected, so callers that ignore the pool are
 * safe; a caller must only never release bytes that someone still reads.
 */
const MIN = 64 * 1024;
const MAX = 8 * 1024 * 1024;
/** Free slabs kept per size class (powers of two from 128 KiB to 8 MiB). */
const KEEP = 16;

const free = new Map<number, ArrayBuffer[]>();
/** Slabs handed out and not yet given back: a second release of the same slab is ignored. */
const leased = new WeakSet<ArrayBuffer>();

function sizeClass(len: number): number {
  return 2 ** Math.ceil(Math.log2(len));
}

/** A buffer of exactly `len` bytes, uninitialised: a recycled slab when `len` is large. */
export function allocReadBuffer(len: number): Buffer {
  if (len <= MIN || len > MAX) return Buffer.allocUnsafe(len);
  const size = sizeClass(len);
  // allocUnsafeSlow: an unpooled, uninitialised ArrayBuffer of exactly `size` (new ArrayBuffer zero-fills).
  const ab = free.get(size)?.pop() ?? (Buffer.allocUnsafeSlow(size).buffer as ArrayBuffer);
  leased.add(ab);
  return Buffer.from(ab, 0, len);
}

/**
 * Gives back the slab under `buf` (any view of it) once nothing will read those bytes again.
 * Buffers that did not come from `allocReadBuffer` are ignored.
 */
export function releaseReadBuffer(buf: Uint8Array): void {
  const ab = buf.buffer;
  if (ab.byteLength <= MIN || !(ab instanceof ArrayBuffer) || !leased.has(ab)) return;
  leased.delete(ab);
  let list = free.get(ab.byteLength);
  if (!list) {
    list = [];
    free.set(ab.byteLength, list);
  }
  if (list.length < KEEP) list.push(ab);
}
