import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const fixture = fileURLToPath(new URL('./fixtures/forgotten-temp-dir.ts', import.meta.url));
// The child makes its dir under a TMPDIR of our own, so a failed run leaves nothing in /tmp.
const parent = mkdtempSync(join(tmpdir(), 'kilgore-testing-signals-'));
afterAll(() => rmSync(parent, { recursive: true, force: true }));

/** Starts the fixture, waits for the dir it made, sends `signal`, and reports how it ended. */
async function killed(signal: NodeJS.Signals, args: string[] = []) {
  const child = spawn(process.execPath, ['--import', 'tsx', fixture, ...args], {
    env: { ...process.env, TMPDIR: parent },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, sig) => resolve({ code, signal: sig })),
  );
  const dir = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) resolve(out.trim());
    });
    child.once('exit', () => reject(new Error(`fixture exited before making its dir: ${out}`)));
  });
  expect(dir.startsWith(join(parent, 'kilgore-testing-'))).toBe(true);
  expect(existsSync(dir)).toBe(true);
  child.kill(signal);
  return { dir, ...(await ended) };
}

// Each test starts a tsx child (seconds on a loaded 2-core machine, where the 5 s default ran out).
describe('temp dirs of brokers never stopped', { timeout: 30_000 }, () => {
  it.each(['SIGTERM', 'SIGINT', 'SIGHUP'] as const)(
    'are removed when %s ends the process, which still dies of that signal',
    async (signal) => {
      const end = await killed(signal);
      expect(end.signal).toBe(signal);
      expect(existsSync(end.dir)).toBe(false);
    },
  );

  it("are removed through 'exit' when the host's own SIGTERM handler exits, and that handler decides the code", async () => {
    const end = await killed('SIGTERM', ['own-handler']);
    expect(end.code).toBe(7);
    expect(existsSync(end.dir)).toBe(false);
  });
});
