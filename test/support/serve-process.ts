import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './cluster.js';
import { tempDir } from './temp-dir.js';

const main = fileURLToPath(new URL('../../apps/kilgore/dist/main.js', import.meta.url));

export interface ServeProcess {
  child: ChildProcess;
  /** `127.0.0.1:port` of the PLAINTEXT Kafka listener. */
  bootstrap: string;
  /** The bound URLs of kilgore.http.listeners (port 0 resolved), from the startup log line. */
  httpUrls: string[];
  logDir: string;
  output(): string;
  /** SIGTERM, and the exit code once it has exited. */
  stop(): Promise<number | null>;
}

/**
 * `kilgore serve` as a real process on a free PLAINTEXT port and a fresh log dir, with `args`
 * added; resolves once its signal handlers are installed (it is serving), or throws with its
 * output if it exits or takes longer than 40 s.
 */
export async function startServe(args: string[]): Promise<ServeProcess> {
  if (!existsSync(main)) throw new Error(`${main} is missing: run npx tsc -b first`);
  const port = await freePort('127.0.0.1');
  const logDir = join(tempDir('kilgore-serve-'), 'data');
  const child = spawn(
    process.execPath,
    [main, 'serve', '--listeners', `PLAINTEXT://127.0.0.1:${port}`, '--log-dir', logDir, ...args],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const exited = new Promise<number | null>((r) => child.once('close', (code) => r(code)));
  const deadline = Date.now() + 40_000;
  while (!out.includes('signal handlers installed')) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`kilgore serve did not start:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const line = out.split('\n').find((l) => l.includes('http interface listening'));
  const httpUrls = line === undefined ? [] : ((JSON.parse(line) as { urls: string[] }).urls ?? []);
  return {
    child,
    bootstrap: `127.0.0.1:${port}`,
    httpUrls,
    logDir,
    output: () => out,
    stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}
