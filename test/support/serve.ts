import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { freePort, KILGORE_MAIN } from './cluster.js';

/** `kilgore serve` running as a child process (the built CLI), its output kept for messages. */
export interface ServeProcess {
  child: ChildProcess;
  port: number;
  /** `127.0.0.1:port` */
  bootstrap: string;
  /** Everything it printed so far (stdout and stderr). */
  out(): string;
  /** Its exit code once it has exited. */
  exited: Promise<number | null>;
  /** SIGTERM (a graceful stop) unless it has exited; resolves with the exit code. */
  stop(): Promise<number | null>;
}

export interface ServeOptions {
  /** When the node counts as up (default: it logged "signal handlers installed", i.e. info level). */
  ready?: (out: string) => boolean | Promise<boolean>;
  timeoutMs?: number;
  /** Listen on this port instead of a free one (a restart on the port clients already know). */
  port?: number;
}

/**
 * Starts `kilgore serve` on a free port of 127.0.0.1 with `args` after the listener. Resolves
 * once it is up, or as soon as it exits (a refused setting: look at `exited` and `out()`);
 * throws with its output if neither happens in time. A missing build fails with what to run.
 */
export async function startServe(args: readonly string[], opts: ServeOptions = {}): Promise<ServeProcess> {
  if (!existsSync(KILGORE_MAIN)) throw new Error(`${KILGORE_MAIN} is missing: run npx tsc -b first`);
  const port = opts.port ?? (await freePort('127.0.0.1'));
  const child = spawn(
    process.execPath,
    [KILGORE_MAIN, 'serve', '--listeners', `PLAINTEXT://127.0.0.1:${port}`, ...args],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  const keep = (d: Buffer) => {
    out += d.toString();
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let done = false;
  const exited = new Promise<number | null>((r) =>
    child.once('close', (code) => {
      done = true;
      r(code);
    }),
  );
  const ready = opts.ready ?? ((text: string) => text.includes('signal handlers installed'));
  const deadline = Date.now() + (opts.timeoutMs ?? 40_000);
  while (!done && !(await ready(out))) {
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`kilgore serve did not start:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    child,
    port,
    bootstrap: `127.0.0.1:${port}`,
    out: () => out,
    exited,
    stop() {
      if (!done) child.kill('SIGTERM');
      return exited;
    },
  };
}
