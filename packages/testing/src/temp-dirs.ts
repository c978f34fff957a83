import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Temp dirs still in use. One exit hook (installed on first use) removes them if a test run ends
// without calling stop(), so forgotten brokers do not litter /tmp.
const live = new Set<string>();
let hooked = false;

function removeAll(): void {
  for (const dir of live) rmSync(dir, { recursive: true, force: true });
  live.clear();
}

export function makeTempDir(): string {
  if (!hooked) {
    hooked = true;
    process.once('exit', removeAll);
  }
  const dir = mkdtempSync(join(tmpdir(), 'kilgore-testing-'));
  live.add(dir);
  return dir;
}

export function removeTempDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  live.delete(dir);
}
