/**
 * Keeps V8 from collecting the old generation back to back in a broker under sustained traffic.
 *
 * Measured (packages/chain/PERFORMANCE.md, packages/broker/PERFORMANCE.md, --trace-gc-verbose): a
 * node that receives produce or chain traffic can settle into a full mark-compact every ~40-100 ms
 * (53 in a 5 s run of a single node at half its maximum produce load; 40-60 on a chain's middle
 * and tail). Its old generation is small (~11 MB live) and grows slowly, so V8 picks its smallest
 * growing factor (1.1) and sets the next limit at live + 8 MB + the new space's current capacity
 * (8 MB): 16.2 MB of slack. V8 starts incremental marking as soon as the slack is not above the
 * new space's capacity (16 MB), so ~0.2 MB of old-generation allocation (a few ms of traffic)
 * starts the next full GC, which sets the same limit again. It is not a retention: the
 * mark-compacts free ~2 MB each and the heap stays at 11 MB. Each costs a pause of 1-6 ms plus a
 * few ms of marking steps on the event loop, which is what a produce request's p99 sees.
 *
 * A fixed growing factor of 4 (V8's own largest) gives ~40 MB of slack: the loop ends (a handful
 * of mark-compacts in a run) and the old generation may grow to ~4x its live size between full
 * GCs, bounded by V8 at half the way to the heap maximum. The flag is read each time V8 computes a
 * limit, so setting it while running takes effect at the next full GC (unlike heap sizes such as
 * --max-semi-space-size, fixed when the process starts).
 *
 * Process-wide, so only what owns the process applies it: `kilgore serve` does, at start. A
 * broker embedded in someone else's process (@kilgore/testing) leaves their heap alone.
 */
import v8 from 'node:v8';

/** Percent the old generation may grow past its live size before the next full GC. */
export const HEAP_GROWING_PERCENT = 300;

let applied = false;

/**
 * Sets the fixed growing factor once per process, unless the operator chose one
 * (--heap-growing-percent in the node command line or NODE_OPTIONS); returns whether it did.
 */
export function tuneHeapForBrokerTraffic(percent = HEAP_GROWING_PERCENT): boolean {
  if (applied) return false;
  applied = true;
  const given = [...process.execArgv, process.env.NODE_OPTIONS ?? ''].some((a) =>
    /heap[-_]growing[-_]percent/.test(a),
  );
  if (given) return false;
  v8.setFlagsFromString(`--heap-growing-percent=${percent}`);
  return true;
}
