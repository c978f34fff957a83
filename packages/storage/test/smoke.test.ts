import fs from 'node:fs';
import path from 'node:path';
import { LogManager, verifySegmentFiles } from '@kilgore/storage';
import { describe, expect, it } from 'vitest';
import { batchOffsets, makeBatch, tempDir } from './helpers/batches.js';

describe('smoke', () => {
  it('appends, reads, reopens', async () => {
    const dir = tempDir();
    const m = await LogManager.open({ dir, background: false });
    const log = m.createPartition('t', 0, { segmentBytes: 100_000 });
    for (let i = 0; i < 100; i++) await log.append(makeBatch(5, { valueSize: 300 }));
    expect(log.logEndOffset).toBe(500);
    expect(log.segmentCount).toBeGreaterThan(1);
    const r = log.read(123, 10_000);
    expect(batchOffsets(r.records)[0]).toEqual([120, 124]);
    await m.close();
    console.log(
      fs.readdirSync(path.join(dir, 't-0')),
      fs.readFileSync(path.join(dir, 'recovery-point-offset-checkpoint'), 'utf8'),
    );
    console.log(JSON.stringify(verifySegmentFiles(path.join(dir, 't-0'))));
    const m2 = await LogManager.open({ dir, background: false });
    const log2 = m2.get('t', 0)!;
    expect(log2.logEndOffset).toBe(500);
    expect(batchOffsets(log2.read(123, 10_000).records)[0]).toEqual([120, 124]);
    await m2.close();
  });
});
