/** When to ask DNS again: after a good answer, and after a failed one. */

export interface RefreshTiming {
  /** Never re-resolve sooner than this, however small the TTL (a TTL of 0 would spin). */
  floorMs: number;
  /** Never wait longer than this, however large the TTL, so a change is seen in bounded time. */
  ceilingMs: number;
  /** First retry after a failure; doubles with each failure in a row. */
  retryInitialMs: number;
  /** Longest wait between retries. */
  retryMaxMs: number;
}

export const DEFAULT_REFRESH_TIMING: RefreshTiming = {
  floorMs: 1_000,
  ceilingMs: 60_000,
  retryInitialMs: 500,
  retryMaxMs: 30_000,
};

/** The TTL, in ms, held between the floor and the ceiling. */
export function refreshDelayMs(ttlSeconds: number, timing: RefreshTiming): number {
  const ttlMs = Number.isFinite(ttlSeconds) && ttlSeconds > 0 ? ttlSeconds * 1000 : 0;
  return Math.min(timing.ceilingMs, Math.max(timing.floorMs, ttlMs));
}

/** Exponential back-off: initial, 2x, 4x, ... up to the maximum (failures counts from 1). */
export function retryDelayMs(failures: number, timing: RefreshTiming): number {
  const exponent = Math.min(Math.max(failures - 1, 0), 30);
  return Math.min(timing.retryMaxMs, timing.retryInitialMs * 2 ** exponent);
}
