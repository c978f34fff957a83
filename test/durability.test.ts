import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { requireTool } from './support/tools.js';

const run = promisify(execFile);
// The CLI's source through tsx; @kilgore/broker resolves to its build (`pnpm test` builds first).
const main = fileURLToPath(new URL('../apps/kilgore/src/main.ts', import.meta.url));
const producerScript = fileURLToPath(new URL('./support/acked-producer.mjs', import.meta.url));
const children: ChildProcess[] = [];

afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** A child process whose output is collected; `until` waits for a line to appear. */
function launch(args: string[]) {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const until = async (check: (out: string) => boolean, ms = 20_000) => {
    const deadline = Date.now() + ms;
    while (!check(out)) {
      if (Date.now() > deadline || child.exitCode !== null)
        throw new Error(`gave up waiting; output:\n${out}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  return { child, out: () => out, until, exited };
}

function serve(port: number, logDir: string) {
  return launch([
    '--import',
    'tsx',
    main,
    'serve',
    '--listeners',
    `PLAINTEXT://127.0.0.1:${port}`,
    '--log-dirs',
    logDir,
    '--num-partitions',
    '1',
  ]);
}

describe('durability', () => {
  it('keeps every acks=all record once and in order across a kill -9 of the broker', async () => {
    const kcat = requireTool('/usr/bin/kcat', 'kcat');
    const logDir = mkdtempSync(join(tmpdir(), 'kilgore-durability-'));
    const port = await freePort();
    const bootstrap = `127.0.0.1:${port}`;
    try {
      const first = serve(port, logDir);
      await first.until((o) => o.includes('kilgore broker started'));
      const producer = launch([producerScript, bootstrap, 'durable']);
      // Kill mid-stream: once a few hundred records are acknowledged.
      await producer.until((o) => (o.match(/^ack /gm)?.length ?? 0) >= 300);
      first.child.kill('SIGKILL');
      await first.exited;
      await producer.exited;
      const acked = [...producer.out().matchAll(/^ack (\d+)$/gm)].map((m) => Number(m[1]));
      expect(acked.length).toBeGreaterThanOrEqual(300);

      const second = serve(port, logDir);
      await second.until((o) => o.includes('kilgore broker started'));
      const { stdout } = await run(
        kcat,
        ['-b', bootstrap, '-C', '-t', 'durable', '-o', 'beginning', '-e', '-f', '%s\n'],
        {
          timeout: 20_000,
        },
      );
      const stored = stdout
        .split('\n')
        .filter((l) => l !== '')
        .map(Number);
      // Everything stored is in send order, each record once; a record sent but whose
      // acknowledgement was lost in the kill may be there too, after the acknowledged ones.
      expect(stored.slice(0, acked.length)).toEqual(acked);
      expect(stored.length).toBeLessThanOrEqual(acked.length + 1);
      expect(stored).toEqual(stored.map((_, i) => i));
      second.child.kill('SIGTERM');
      await second.exited;
    } finally {
      rmSync(logDir, { recursive: true, force: true });
    }
  });
});
