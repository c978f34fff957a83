/**
 * Drives kcat (librdkafka) against the capture broker: `-L`, one `-P` per compression codec, and
 * a `-C` from the beginning to the end of the partition.
 *
 * kcat runs as a child process while the capture broker lives in this process, so it must be
 * spawned asynchronously: a synchronous spawn would block the event loop that answers it.
 */
import { spawn } from 'node:child_process';
import { TOPIC } from './handlers.js';
import type { GoldenBatch, GoldenRecord } from './records.js';

export const KCAT_MISSING =
  'kcat is not installed: install the apt package "kcat" (bash scripts/install-test-tools.sh)';

interface Result {
  stdout: string;
  stderr: string;
}

function kcat(bin: string, args: string[], input = '', timeoutMs = 10_000): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(err.code === 'ENOENT' ? new Error(`${KCAT_MISSING} (looked for ${bin})`) : err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve({ stdout, stderr });
      else reject(new Error(`kcat ${args.join(' ')} failed (${signal ?? `exit ${code}`}):\n${stderr}`));
    });
    child.stdin.end(input);
  });
}

export interface KcatRun {
  /** What `kcat -C` printed, parsed back into records. */
  consumed: GoldenRecord[];
  /** What `kcat -L` printed. */
  listing: string;
}

export async function runKcat(
  bin: string,
  port: number,
  batches: GoldenBatch[],
  step: (name: string) => void,
): Promise<KcatRun> {
  // api.version.request is librdkafka's default; spelled out because the capture depends on it.
  const common = ['-b', `127.0.0.1:${port}`, '-X', 'api.version.request=true'];
  step('list');
  const listing = (await kcat(bin, [...common, '-L'])).stdout;

  for (const batch of batches) {
    step(`produce-${batch.compression}`);
    const input = batch.records.map((r) => `${r.key}:${r.value}\n`).join('');
    // A linger long enough that all lines of stdin land in one batch.
    await kcat(
      bin,
      [...common, '-P', '-t', TOPIC, '-p', '0', '-K:', '-z', batch.compression, '-X', 'linger.ms=50'],
      input,
    );
  }

  step('consume');
  const { stdout } = await kcat(bin, [
    ...common,
    '-C',
    '-t',
    TOPIC,
    '-p',
    '0',
    '-o',
    'beginning',
    '-e',
    '-q',
    '-f',
    '%k:%s\\n',
  ]);
  const consumed = stdout
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const colon = line.indexOf(':');
      return { key: line.slice(0, colon), value: line.slice(colon + 1), headers: [] };
    });
  return { consumed, listing };
}
