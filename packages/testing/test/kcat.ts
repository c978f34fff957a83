import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

const KCAT = '/usr/bin/kcat';

/** kcat (librdkafka); a missing binary fails the test and says what to install. */
function kcat(): string {
  if (!existsSync(KCAT)) throw new Error(`${KCAT} is missing: install the Debian package kcat`);
  return KCAT;
}

/** Runs kcat with `args`, feeding `input`; resolves stdout, rejects on a non-zero exit. */
export function runKcat(args: string[], input?: string, timeoutMs = 20_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(kcat(), args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`kcat ${args.join(' ')} exited ${code}: ${err}`));
    });
    child.stdin.end(input ?? '');
  });
}
