import fs from 'node:fs';
import path from 'node:path';
import {
  CLEAN_SHUTDOWN_FILE,
  CountingMetrics,
  type LogConfig,
  LogManager,
  readCheckpointFile,
  verifySegmentFiles,
} from '@kilgore/storage';
import { describe, expect, it } from 'vitest';
import { batchOffsets, makeBatch, tempDir } from './helpers/batches.js';

const SEG = '00000000000000000000';

async function fill(config: Partial<LogConfig>, batches: number) {
  const dir = tempDir();
  const m = await LogManager.open({ dir, background: false, topicConfigs: { t: config } });
  const log = m.createPartition('t', 0);
  for (let i = 0; i < batches; i++) await log.append(makeBatch(2, { valueSize: 300, timestamp: 1000 + i }));
  const bases = log.segmentBaseOffsets;
  await m.close();
  return { dir, pdir: path.join(dir, 't-0'), bases };
}

async function reopen(dir: string, config: Partial<LogConfig> = {}) {
  const metrics = new CountingMetrics();
  const m = await LogManager.open({ dir, background: false, metrics, topicConfigs: { t: config } });
  return { m, log: m.get('t', 0)!, metrics };
}

const stem = (base: number) => String(base).padStart(20, '0');
const unclean = (dir: string) => fs.rmSync(path.join(dir, CLEAN_SHUTDOWN_FILE));

describe('clean shutdown marker and checkpoints', () => {
  it('writes Kafka checkpoints and the marker on close, and deletes the marker at startup', async () => {
    const { dir } = await fill({}, 5);
    expect(fs.existsSync(path.join(dir, CLEAN_SHUTDOWN_FILE))).toBe(true);
    expect(fs.readFileSync(path.join(dir, 'recovery-point-offset-checkpoint'), 'utf8')).toBe(
      '0\n1\nt 0 10\n',
    );
    expect(readCheckpointFile(path.join(dir, 'log-start-offset-checkpoint'))).toEqual([
      { topic: 't', partition: 0, offset: 0 },
    ]);
    expect(readCheckpointFile(path.join(dir, 'replication-offset-checkpoint'))).toEqual([
      { topic: 't', partition: 0, offset: 10 },
    ]);
    expect(fs.readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    const { m } = await reopen(dir);
    expect(m.lastShutdownClean).toBe(true);
    expect(fs.existsSync(path.join(dir, CLEAN_SHUTDOWN_FILE))).toBe(false);
    await m.close();
  });

  it('survives a garbage checkpoint file by recovering everything', async () => {
    const { dir } = await fill({}, 5);
    fs.writeFileSync(path.join(dir, 'recovery-point-offset-checkpoint'), 'garbage\n');
    const { m, log, metrics } = await reopen(dir);
    expect(log.logEndOffset).toBe(10);
    expect(metrics.get('corruption')).toBe(1);
    await m.close();
  });
});

describe('recovery without the marker', () => {
  it('truncates a torn tail and rebuilds the indexes', async () => {
    const { dir, pdir } = await fill({ indexIntervalBytes: 500 }, 10);
    unclean(dir);
    const file = path.join(pdir, `${SEG}.log`);
    const size = fs.statSync(file).size;
    fs.truncateSync(file, size - 100); // the last batch is torn
    fs.writeFileSync(path.join(pdir, `${SEG}.index`), Buffer.alloc(0));
    const { m, log, metrics } = await reopen(dir);
    expect(m.lastShutdownClean).toBe(false);
    expect(log.logEndOffset).toBe(18);
    expect(metrics.get('recovery_truncated_bytes')).toBe(
      size - 100 - (size - makeBatch(2, { valueSize: 300 }).length),
    );
    expect((await log.append(makeBatch(1))).baseOffset).toBe(18);
    await m.close();
    expect(verifySegmentFiles(pdir).flatMap((r) => r.problems)).toEqual([]);
  });

  it('cuts at a flipped byte past the recovery point and deletes later segments', async () => {
    const { dir, pdir, bases } = await fill({ segmentBytes: 2000 }, 20);
    expect(bases.length).toBeGreaterThan(3);
    // Pretend nothing was flushed: everything is past the recovery point.
    fs.writeFileSync(path.join(dir, 'recovery-point-offset-checkpoint'), '0\n1\nt 0 0\n');
    unclean(dir);
    const victim = path.join(pdir, `${stem(bases[1]!)}.log`);
    const bytes = fs.readFileSync(victim);
    const batchSize = bytes.readInt32BE(8) + 12;
    bytes[batchSize + 100]! ^= 0x55; // inside the second batch's records: a CRC failure
    fs.writeFileSync(victim, bytes);
    const { m, log, metrics } = await reopen(dir);
    expect(log.logEndOffset).toBe(bases[1]! + 2);
    expect(log.segmentCount).toBe(2);
    expect(metrics.get('corruption')).toBe(1);
    expect(fs.readdirSync(pdir).filter((n) => n.endsWith('.log')).length).toBe(2);
    await m.close();
    expect(verifySegmentFiles(pdir).flatMap((r) => r.problems)).toEqual([]);
  });
});

describe('damaged files on a clean start', () => {
  it('rebuilds a deleted, garbage or truncated index', async () => {
    const { dir, pdir } = await fill({ indexIntervalBytes: 400 }, 30);
    const index = path.join(pdir, `${SEG}.index`);
    const good = fs.readFileSync(index);
    const goodTime = fs.readFileSync(path.join(pdir, `${SEG}.timeindex`));
    expect(good.length).toBeGreaterThan(16);
    for (const [i, damage] of [
      () => fs.rmSync(index),
      () => fs.writeFileSync(index, Buffer.alloc(good.length, 0xab)),
      () => fs.writeFileSync(index, good.subarray(0, good.length - 3)),
      () => fs.writeFileSync(index, good.subarray(0, 8)),
      () => fs.writeFileSync(path.join(pdir, `${SEG}.timeindex`), Buffer.alloc(24, 7)),
      () => fs.rmSync(path.join(pdir, `${SEG}.timeindex`)),
    ].entries()) {
      damage();
      const { m, log } = await reopen(dir, { indexIntervalBytes: 400 });
      expect(log.logEndOffset).toBe(60);
      expect(batchOffsets(log.read(33, 1).records)).toEqual([[32, 33]]);
      await m.close();
      expect(fs.readFileSync(index).toString('hex'), `case ${i}`).toBe(good.toString('hex'));
      expect(fs.readFileSync(path.join(pdir, `${SEG}.timeindex`)).toString('hex'), `time case ${i}`).toBe(
        goodTime.toString('hex'),
      );
    }
  });

  it('fences corruption inside an old segment: reports it and serves what precedes it', async () => {
    const { dir, pdir, bases } = await fill({ segmentBytes: 4000 }, 20);
    const victim = path.join(pdir, `${stem(bases[0]!)}.log`);
    const bytes = fs.readFileSync(victim);
    const batchSize = bytes.readInt32BE(8) + 12;
    bytes.writeInt32BE(3, 2 * batchSize + 8); // third batch: impossible length
    fs.writeFileSync(victim, bytes);
    // Reopen cleanly; the damage is found when a read reaches it.
    const { m, log, metrics } = await reopen(dir);
    expect(log.logEndOffset).toBe(40);
    expect(batchOffsets(log.read(0, 1 << 20).records)).toEqual([
      [0, 1],
      [2, 3],
    ]);
    expect(metrics.get('corruption')).toBe(1);
    expect(() => log.read(4, 1 << 20)).toThrow(/corrupt/);
    expect(() => log.read(5, 1 << 20)).toThrow(/corrupt/);
    // Later segments still serve, and appends go on.
    expect(batchOffsets(log.read(bases[1]!, 1).records)[0]![0]).toBe(bases[1]);
    expect((await log.append(makeBatch(1))).baseOffset).toBe(40);
    expect(log.verify().length).toBe(1);
    await m.close();
    // ... and reopening (clean or not) never crash-loops.
    unclean(dir);
    const again = await reopen(dir);
    expect(again.log.logEndOffset).toBeGreaterThanOrEqual(4);
    await again.m.close();
  });

  it('deletes stray files: orphan indexes and interrupted cleanings', async () => {
    const { dir, pdir } = await fill({}, 3);
    fs.writeFileSync(path.join(pdir, `${stem(999)}.index`), Buffer.alloc(8));
    fs.writeFileSync(path.join(pdir, `${SEG}.log.cleaned`), Buffer.alloc(10));
    const { m, log } = await reopen(dir);
    expect(log.logEndOffset).toBe(6);
    await m.close();
    expect(fs.readdirSync(pdir).sort()).toEqual([`${SEG}.index`, `${SEG}.log`, `${SEG}.timeindex`]);
  });
});
