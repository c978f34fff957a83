/**
 * Timing for the protocol benches: an operation's loop count is calibrated to about `runMs`,
 * then `runs` timed runs are taken and their median kept (the machines are noisy).
 */
export interface Timing {
  runs: number;
  runMs: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1]!;
}

/** The loop count that makes one run of `fn` last about `runMs`. */
function calibrate(fn: () => unknown, runMs: number): number {
  let n = 1;
  for (;;) {
    const t = performance.now();
    for (let i = 0; i < n; i++) fn();
    const ms = performance.now() - t;
    if (ms > runMs / 4) return Math.max(1, Math.round((n * runMs) / ms));
    n *= 4;
  }
}

/** Operations per second of a synchronous `fn` (no await in the loop: it would dominate tiny ops). */
export function opsPerSecSync(fn: () => unknown, { runs, runMs }: Timing): number {
  const n = calibrate(fn, runMs);
  const rates: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t = performance.now();
    for (let i = 0; i < n; i++) fn();
    rates.push(n / ((performance.now() - t) / 1000));
  }
  return median(rates);
}

/** Operations per second of an async `fn`, awaited one at a time. */
export async function opsPerSec(
  fn: () => unknown | Promise<unknown>,
  { runs, runMs }: Timing,
): Promise<number> {
  let n = 1;
  for (;;) {
    const t = performance.now();
    for (let i = 0; i < n; i++) await fn();
    const ms = performance.now() - t;
    if (ms > runMs / 4) {
      n = Math.max(1, Math.round((n * runMs) / ms));
      break;
    }
    n *= 4;
  }
  const rates: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t = performance.now();
    for (let i = 0; i < n; i++) await fn();
    rates.push(n / ((performance.now() - t) / 1000));
  }
  return median(rates);
}

/** Nanoseconds per call of a synchronous `fn`. */
export function nsPerOp(fn: () => unknown, timing: Timing): number {
  return 1e9 / opsPerSecSync(fn, timing);
}
