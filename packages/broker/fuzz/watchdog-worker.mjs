// The watchdog's thread (see watchdog.ts): plain JavaScript, so it starts without a TypeScript
// loader. It reads what the main thread records and, when nothing moves for `stallMs`, prints the
// input being processed and kills the process (the stuck main thread cannot print anything).
import { writeSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';

const { state, input, stallMs } = workerData;
let last = -1;
let since = Date.now();
setInterval(
  () => {
    const beat = Atomics.load(state, 0);
    if (beat !== last) {
      last = beat;
      since = Date.now();
      return;
    }
    if (Date.now() - since < stallMs) return;
    const hex = Buffer.from(input.subarray(0, Atomics.load(state, 2))).toString('hex');
    writeSync(
      2,
      `CRASH [hang] input #${Atomics.load(state, 1)}: no progress for ${stallMs} ms\n  input: ${hex}\n`,
    );
    process.kill(process.pid, 'SIGKILL');
  },
  Math.min(1000, stallMs / 4),
);
parentPort.postMessage('watching');
