import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

// Dirs made by tempDir for the test file that imported this module. Vitest loads modules afresh
// for each test file, so this hook belongs to that file; registered before the file's own hooks,
// it runs after them (after-hooks run in reverse), once its brokers, nodes and child processes
// have stopped. Package tests re-export this one (packages/*/test, apps/kilgore/test).
// Harnesses that keep a failed test's dirs for a post-mortem (cluster.ts) make their own.
const made: string[] = [];
afterAll(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A fresh directory under the OS temp dir, removed after the importing test file's last test. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}
