import { once } from 'node:events';
import { Worker } from 'node:worker_threads';

/** Largest input the watchdog keeps a copy of (longer ones are cut: the start says what it was). */
const MAX_KEPT = 1 << 20;

/**
 * Catches hangs: a handler that never yields freezes the main thread, and with it every timer the
 * harness could use. A worker thread watches a counter the main thread bumps per input; if it
 * stands still for `stallMs`, the worker writes the input being processed (hex) to stderr itself
 * and kills the process, so a hang ends as a reported crash instead of a silent stall.
 */
export class Watchdog {
  private readonly state = new Int32Array(new SharedArrayBuffer(12)); // [beat, index, length]
  private readonly input = new Uint8Array(new SharedArrayBuffer(MAX_KEPT));
  private readonly worker: Worker;

  private constructor(stallMs: number) {
    this.worker = new Worker(new URL('./watchdog-worker.mjs', import.meta.url), {
      // No inherited flags: the worker is plain JavaScript and needs no loader.
      execArgv: [],
      workerData: { state: this.state, input: this.input, stallMs },
    });
    this.worker.unref();
  }

  /** Resolves once the worker watches (it cannot start while the main thread is stuck). */
  static async start(stallMs: number): Promise<Watchdog> {
    const w = new Watchdog(stallMs);
    await once(w.worker, 'message');
    return w;
  }

  /** Records the input about to be processed. */
  beat(index: number, input: Buffer): void {
    const n = Math.min(input.length, MAX_KEPT);
    this.input.set(input.subarray(0, n));
    Atomics.store(this.state, 1, index);
    Atomics.store(this.state, 2, n);
    Atomics.add(this.state, 0, 1);
  }

  stop(): Promise<number> {
    return this.worker.terminate();
  }
}
