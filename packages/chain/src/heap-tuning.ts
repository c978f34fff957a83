/**
 * Keeps V8 from collecting the old generation back to back on a chain's middle and tail nodes.
 *
 * Measured (packages/chain/PERFORMANCE.md, --trace-gc-verbose): a node that receives chain
 * messages settles after start-up into a full mark-compact every ~40-80 ms. Its old generation is
 * small (~11 MB live) and grows slowly, so V8 picks its smallest growing factor (1.1) and sets the
 * next limit at live + 8 MB + the new space's current capacity (8 MB): 16.2 MB of slack. V8 starts
 * incremental marking as soon as the slack is not above the new space's capacity (16 MB), so
 * ~0.2 MB of old-generation allocation (a few ms of traffic) starts the next full GC, which sets the
 * same limit again. It is not a retention: the mark-compacts free ~2 MB each and the heap stays at
 * 11 MB. The head does not fall into it (its first limit came with the largest factor, 4).
 *
 * A fixed growing factor of 4 (V8's own largest) gives ~40 MB of slack: the loop ends (a handful
 * of mark-compacts in a run instead of 40-60) and the old generation may grow to ~4x its live size
 * between full GCs, bounded by V8 at half the way to the heap maximum. The flag is read each time
 * V8 computes a limit, so setting it while running takes effect at the next full GC (unlike heap
 * sizes such as --max-semi-space-size, fixed when the process starts).
 */
import v8 from 'node:v8';

/** Percent the old generation may grow past its live size before the next full GC. */
export const HEAP_GROWING_PERCENT = 300;

let applied = false;

/**
 * Sets the fixed growing factor once per process, unless the operator chose one
 * (--heap-growing-percent in the node command line or NODE_OPTIONS); returns whether it did.
 */
export function tuneHeapForChainTraffic(percent = HEAP_GROWING_PERCENT): boolean {
  if (applied) return false;
  applied = true;
  const given = [...process.execArgv, process.env.NODE_OPTIONS ?? ''].some((a) =>
    /heap[-_]growing[-_]percent/.test(a),
  );
  if (given) return false;
  v8.setFlagsFromString(`--heap-growing-percent=${percent}`);
  return true;
}
