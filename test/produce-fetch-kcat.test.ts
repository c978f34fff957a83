import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from './support/broker.js';
import { requireTool } from './support/tools.js';

const run = promisify(execFile);

let tb: TestBroker;
beforeAll(async () => {
  tb = await startTestBroker();
});
afterAll(async () => {
  await tb?.stop();
});

/** Pipes `lines` into `kcat -P` (one message per line). */
function kcatProduce(kcat: string, topic: string, lines: string[], extra: string[] = []): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(kcat, ['-b', tb.bootstrap, '-P', '-t', topic, ...extra], {
      stdio: ['pipe', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`kcat -P exited ${code}: ${err}`)),
    );
    child.stdin.end(`${lines.join('\n')}\n`);
  });
}

describe('kcat produce and consume', () => {
  it.each(['none', 'gzip', 'snappy', 'lz4', 'zstd'])(
    'round-trips messages compressed with %s',
    async (codec) => {
      const kcat = requireTool('/usr/bin/kcat', 'kcat');
      const topic = `kcat-${codec}`;
      const lines = Array.from({ length: 50 }, (_, i) => `${codec} message ${i}`);
      await kcatProduce(kcat, topic, lines, ['-z', codec]);
      const { stdout } = await run(
        kcat,
        ['-b', tb.bootstrap, '-C', '-t', topic, '-o', 'beginning', '-e', '-f', '%o %s\n'],
        {
          timeout: 20_000,
        },
      );
      expect(stdout.trim().split('\n')).toEqual(lines.map((l, i) => `${i} ${l}`));
    },
  );

  it('reports watermarks with -Q and offsets by timestamp', async () => {
    const kcat = requireTool('/usr/bin/kcat', 'kcat');
    await kcatProduce(kcat, 'kcat-q', ['a', 'b', 'c']);
    const { stdout } = await run(kcat, ['-b', tb.bootstrap, '-Q', '-t', `kcat-q:0:${Date.now() + 60_000}`], {
      timeout: 20_000,
    });
    // No record is that new: Kafka answers offset -1.
    expect(stdout).toMatch(/kcat-q \[0\] offset -1/);
  });
});
