import { execFile } from 'node:child_process';
import { existsSync, lstatSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { type ServeProcess, startServe } from './support/serve.js';
import { tempDir } from './support/temp-dir.js';
import { requireTool } from './support/tools.js';

/**
 * The ingest socket across `kilgore serve` restarts: SIGTERM appends the open batches; a socket
 * file left by kill -9 is replaced; a live socket, a non-socket file and a bad mode are refused.
 */
const run = promisify(execFile);
const php = requireTool('/usr/bin/php', 'php-cli');
const kcat = requireTool('/usr/bin/kcat', 'kcat');
const writerPhp = fileURLToPath(new URL('./clients/php/ingest-writer.php', import.meta.url));

/** `kilgore serve` with the ingest on `socket`; resolves once it is up or has exited. */
function serve(logDir: string, socket: string, extra: string[] = []): Promise<ServeProcess> {
  return startServe(['--log-dir', logDir, '--kilgore-ingest-socket', socket, ...extra]);
}

async function count(port: number, topic: string): Promise<number> {
  const { stdout } = await run(kcat, [
    '-b',
    `127.0.0.1:${port}`,
    '-C',
    '-t',
    topic,
    '-o',
    'beginning',
    '-e',
    '-q',
    '-f',
    '%s\n',
  ]);
  return stdout.split('\n').filter((l) => l.length > 0).length;
}

describe('ingest socket lifecycle in kilgore serve', () => {
  it('appends open batches on SIGTERM, replaces a stale socket, refuses a live one', async () => {
    const dir = tempDir('kilgore-ingest-life-');
    const logDir = join(dir, 'data');
    const socket = join(dir, 'ingest.sock');
    // Batches that would wait a minute: only the shutdown can append them.
    const a = await serve(logDir, socket, [
      '--kilgore-ingest-batch-ms',
      '60000',
      '--kilgore-ingest-batch-records',
      '100000',
    ]);
    await run(php, [writerPhp, socket, 'held', '1', '300']);
    await run(php, [writerPhp, socket, 'held', '2', '200']);
    // Give the broker a moment to read what the writers left in the socket buffers.
    await new Promise((r) => setTimeout(r, 1000));
    a.child.kill('SIGTERM');
    expect(await a.exited).toBe(0);
    expect(existsSync(socket)).toBe(false);
    expect(a.out()).toMatch(/"received":500,"appended":500,"dropped":0/);

    const b = await serve(logDir, socket);
    expect(await count(b.port, 'held')).toBe(500);
    b.child.kill('SIGKILL');
    await b.exited;
    expect(lstatSync(socket).isSocket()).toBe(true); // left behind by kill -9

    const c = await serve(logDir, socket);
    expect(c.child.exitCode).toBe(null);
    expect((await run(php, [writerPhp, socket, 'held', '3', '10', 'ack'])).stdout).toBe('OK 10\n');
    const d = await serve(join(dir, 'data-d'), socket);
    expect(await d.exited).toBe(1);
    expect(d.out()).toContain(`kilgore.ingest.socket: ${socket} is in use by another process`);
    c.child.kill('SIGTERM');
    expect(await c.exited).toBe(0);
  });

  it('refuses a path that is not a socket, and a bad mode', async () => {
    const dir = tempDir('kilgore-ingest-bad-');
    const file = join(dir, 'not-a-socket');
    writeFileSync(file, 'keep me');
    const e = await serve(join(dir, 'data'), file);
    expect(await e.exited).toBe(1);
    expect(e.out()).toContain(`${file} exists and is not a socket; not removing it`);
    expect(existsSync(file)).toBe(true);
    const f = await serve(join(dir, 'data'), join(dir, 's.sock'), ['--kilgore-ingest-socket-mode', '999']);
    expect(await f.exited).toBe(2);
    expect(f.out()).toContain(
      "Invalid configuration kilgore.ingest.socket.mode (from --kilgore-ingest-socket-mode): '999' is not octal",
    );
  });
});
