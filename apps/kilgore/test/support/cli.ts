import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

// Runs the CLI's source through tsx; @kilgore/broker resolves to its build (`pnpm test` builds first).
const main = fileURLToPath(new URL('../../src/main.ts', import.meta.url));

/**
 * How long one CLI test may take: each starts `kilgore` through tsx, which alone takes 1–2 s on
 * an idle 2-core machine and several times that while the rest of the suite runs beside it
 * (vitest's 5 s default was too short there).
 */
export const CLI_TEST_TIMEOUT_MS = 60_000;

/** `kilgore <args>` as a child process, its output piped. */
export function kilgore(args: string[], env: Record<string, string> = {}): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', main, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

export interface Run {
  /** stdout and stderr so far, as one string. */
  out(): string;
  /** The exit code (null when a signal ended it). */
  exited: Promise<number | null>;
  /**
   * Resolves as soon as the output (from `from` on) contains `text`: woken by the child's output,
   * not by polling. Rejects, with the output so far, when the child exits first or after `ms`
   * (a backstop below CLI_TEST_TIMEOUT_MS, so the failure names what was awaited).
   * Returns the offset just past the match, for a later wait that must see a newer line.
   */
  until(text: string, opts?: { from?: number; ms?: number }): Promise<number>;
}

/** The child's stdout and stderr as one growing string, its exit code, and waits on its output. */
export function collect(child: ChildProcess): Run {
  let out = '';
  let exitCode: number | null | undefined;
  const listeners = new Set<() => void>();
  const changed = (): void => {
    for (const l of [...listeners]) l();
  };
  const append = (d: Buffer): void => {
    out += d.toString();
    changed();
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  // 'close' (not 'exit'): every byte of output has been read by then.
  const exited = new Promise<number | null>((resolve) =>
    child.on('close', (code) => {
      exitCode = code;
      resolve(code);
      changed();
    }),
  );
  const until = (text: string, { from = 0, ms = CLI_TEST_TIMEOUT_MS - 5_000 } = {}): Promise<number> =>
    new Promise<number>((resolve, reject) => {
      const done = (): void => {
        listeners.delete(check);
        clearTimeout(timer);
      };
      const fail = (why: string): void => {
        done();
        reject(new Error(`${why} while waiting for ${JSON.stringify(text)}; output:\n${out}`));
      };
      const check = (): void => {
        const at = out.indexOf(text, from);
        if (at >= 0) {
          done();
          resolve(at + text.length);
        } else if (exitCode !== undefined) fail(`kilgore exited (${exitCode})`);
      };
      const timer = setTimeout(() => fail(`no such output after ${ms} ms`), ms);
      listeners.add(check);
      check();
    });
  return { out: () => out, exited, until };
}
