/**
 * NODE_FLAGS="--flag ..." (bench only): extra flags for the node processes the test harness
 * spawns (`node apps/kilgore/dist/main.js serve ...`). The harness has no option for it and
 * NODE_OPTIONS refuses most V8 flags, so this wraps child_process.spawn before the harness is
 * imported: import this module first. Used to measure V8 heap settings (see PERFORMANCE.md).
 */
import cp from 'node:child_process';
import { syncBuiltinESMExports } from 'node:module';

export const nodeFlags = (process.env.NODE_FLAGS ?? '').split(' ').filter((f) => f !== '');

if (nodeFlags.length > 0) {
  const original = cp.spawn;
  (cp as { spawn: unknown }).spawn = (cmd: string, args: string[], opts: cp.SpawnOptions) =>
    original(cmd, cmd === process.execPath ? [...nodeFlags, ...args] : args, opts);
  syncBuiltinESMExports();
}
