import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isMainThread } from 'node:worker_threads';

// Temp dirs still in use. Hooks (installed on first use) remove them if a test run ends without
// calling stop(), so forgotten brokers do not litter /tmp.
const live = new Set<string>();
let hooked = false;

function removeAll(): void {
  for (const dir of live) rmSync(dir, { recursive: true, force: true });
  live.clear();
}

// A signal ends the process without an 'exit' event, and test runners end their workers that
// way: vitest SIGTERMs a fork whose forgotten broker keeps it alive. Only when no one else
// listens (they would exit through process.exit, which the 'exit' hook covers) do we clean up
// and re-raise the signal, so the process still dies of it as it would have without us.
const SIGNALS = ['SIGTERM', 'SIGINT', 'SIGHUP'] as const;
function onSignal(signal: NodeJS.Signals): void {
  if (process.listenerCount(signal) > 1) return;
  removeAll();
  for (const s of SIGNALS) process.removeListener(s, onSignal);
  process.kill(process.pid, signal);
}

function hook(): void {
  hooked = true;
  process.once('exit', removeAll);
  // Signals reach the main thread only; a worker thread's dirs go with its 'exit'.
  if (isMainThread) for (const s of SIGNALS) process.on(s, onSignal);
}

export function makeTempDir(): string {
  if (!hooked) hook();
  const dir = mkdtempSync(join(tmpdir(), 'kilgore-testing-'));
  live.add(dir);
  return dir;
}

export function removeTempDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  live.delete(dir);
}
