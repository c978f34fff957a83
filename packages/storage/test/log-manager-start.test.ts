import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LogManager, type StorageLogger } from '../src/index.js';

const root = path.join(tmpdir(), `kilgore-log-manager-start-${process.pid}`);
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const freshDir = () => path.join(root, String(n++));

function recordingLogger(): StorageLogger & { lines: { level: string; msg?: string }[] } {
  const lines: { level: string; msg?: string }[] = [];
  const at = (level: string) => (_obj: object, msg?: string) => void lines.push({ level, msg });
  return { lines, info: at('info'), warn: at('warn'), error: at('error') };
}

describe('LogManager start-up messages', () => {
  it('a new log dir (absent, or empty) is not a recovery: no warning', async () => {
    const absent = freshDir();
    const empty = freshDir();
    mkdirSync(empty, { recursive: true });
    for (const dir of [absent, empty]) {
      const logger = recordingLogger();
      const m = await LogManager.open({ dir, logger, background: false });
      await m.close();
      expect(logger.lines.filter((l) => l.level !== 'info')).toEqual([]);
      expect(logger.lines.map((l) => l.msg)).not.toContainEqual(expect.stringMatching(/recover/));
    }
  });

  it('a dir the broker prepared (meta.properties, no partitions) is not a recovery either', async () => {
    const dir = freshDir();
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'meta.properties'), 'version=1\nnode.id=1\n');
    const logger = recordingLogger();
    const m = await LogManager.open({ dir, logger, background: false });
    await m.close();
    expect(logger.lines.filter((l) => l.level !== 'info')).toEqual([]);
  });

  it('after a clean close, reopening warns about nothing', async () => {
    const dir = freshDir();
    const first = await LogManager.open({ dir, background: false });
    first.createPartition('t', 0);
    await first.close();
    const logger = recordingLogger();
    const again = await LogManager.open({ dir, logger, background: false });
    expect(again.lastShutdownClean).toBe(true);
    await again.close();
    expect(logger.lines.filter((l) => l.level !== 'info')).toEqual([]);
  });

  it('partitions without the marker (a crash) still warn that they were recovered', async () => {
    const dir = freshDir();
    const first = await LogManager.open({ dir, background: false });
    first.createPartition('t', 0);
    // No close: the marker is never written, as after kill -9.
    const logger = recordingLogger();
    const again = await LogManager.open({ dir, logger, background: false });
    expect(again.lastShutdownClean).toBe(false);
    await again.close();
    await first.close().catch(() => {});
    expect(logger.lines).toContainEqual({ level: 'warn', msg: 'no clean-shutdown marker: recovered' });
  });
});
