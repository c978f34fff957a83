/**
 * Bench-only instruments for the paced produce run (TRACE=1): where a slow reply's time went.
 * - every synchronous write to a file (writevSync/writeSync) timed, and marked when an fdatasync
 *   was running at the same moment (a write can wait in the kernel behind one);
 * - every fdatasync timed (from the call to its callback);
 * - GC pauses of this thread (perf_hooks 'gc' entries).
 * It wraps the `node:fs` default export's functions, which the storage code calls through
 * (`fs.writevSync(...)`), so nothing in the product knows about it.
 */
import fs from 'node:fs';
import { PerformanceObserver } from 'node:perf_hooks';

const writes: number[] = [];
const writesDuringSync: number[] = [];
const syncs: number[] = [];
const gcPauses: number[] = [];
let syncsRunning = 0;
let installed = false;

function timed<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R {
  return (...args: A): R => {
    const overlapped = syncsRunning > 0;
    const t0 = performance.now();
    try {
      return fn(...args);
    } finally {
      const ms = performance.now() - t0;
      writes.push(ms);
      if (overlapped || syncsRunning > 0) writesDuringSync.push(ms);
    }
  };
}

/** Wraps the fs calls and starts the GC observer; idempotent. */
export function installTrace(): void {
  if (installed) return;
  installed = true;
  fs.writevSync = timed(fs.writevSync);
  fs.writeSync = timed(fs.writeSync) as typeof fs.writeSync;
  const fdatasync = fs.fdatasync;
  fs.fdatasync = ((fd: number, cb: (err: NodeJS.ErrnoException | null) => void) => {
    const t0 = performance.now();
    syncsRunning++;
    fdatasync(fd, (err) => {
      syncsRunning--;
      syncs.push(performance.now() - t0);
      cb(err);
    });
  }) as typeof fs.fdatasync;
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gcPauses.push(e.duration);
  }).observe({ entryTypes: ['gc'] });
}

/** Forgets what was recorded (before a run). */
export function resetTrace(): void {
  writes.length = 0;
  writesDuringSync.length = 0;
  syncs.length = 0;
  gcPauses.length = 0;
}

const q = (xs: number[], p: number) => {
  if (xs.length === 0) return '-';
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * p))]!.toFixed(2);
};
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

/** One line summarising what was recorded since the last reset. */
export function traceLine(): string {
  return (
    `    writes ${writes.length}: p50 ${q(writes, 0.5)} p99 ${q(writes, 0.99)} max ${q(writes, 1)} ms, ` +
    `${sum(writes).toFixed(0)} ms in all; during fdatasync ${writesDuringSync.length}: max ${q(writesDuringSync, 1)} ms | ` +
    `fdatasync ${syncs.length}: p50 ${q(syncs, 0.5)} max ${q(syncs, 1)} ms | ` +
    `gc ${gcPauses.length}: max ${q(gcPauses, 1)} ms, ${sum(gcPauses).toFixed(0)} ms in all`
  );
}
