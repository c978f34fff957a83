import { encodeRecordBatchSync } from '@kilgore/protocol';
import { allocReadBuffer, LogManager, releaseReadBuffer } from '@kilgore/storage';
import { describe, expect, it } from 'vitest';
import { batchOffsets, tempDir } from './helpers/batches.js';

describe('read pool', () => {
  it('recycles large slabs once, and leaves small and foreign buffers alone', () => {
    const a = allocReadBuffer(300_000);
    expect(a.length).toBe(300_000);
    releaseReadBuffer(a.subarray(10, 20));
    releaseReadBuffer(a); // a second release of the same slab is ignored
    const b = allocReadBuffer(300_001);
    expect(b.buffer).toBe(a.buffer);
    const c = allocReadBuffer(300_000);
    expect(c.buffer).not.toBe(a.buffer); // only one copy went back
    expect(allocReadBuffer(100).length).toBe(100);
    releaseReadBuffer(Buffer.alloc(1 << 20)); // not from the pool: no effect
  });
});

describe('fetch reads with batches larger than index.interval.bytes', () => {
  it('return whole batches from any offset, within maxBytes', async () => {
    const m = await LogManager.open({ dir: tempDir(), background: false });
    const log = m.createPartition('t', 0, { indexIntervalBytes: 4096 });
    const value = Buffer.alloc(100, 'v');
    const batch = encodeRecordBatchSync({ records: Array.from({ length: 148 }, () => ({ value })) });
    for (let i = 0; i < 200; i++) await log.append(Buffer.from(batch));
    for (const offset of [0, 1, 147, 148, 149, 5000, 14_800, 29_599]) {
      const r = log.read(offset, 1 << 20);
      const got = batchOffsets(r.records);
      expect(got[0]![0]).toBeLessThanOrEqual(offset);
      expect(got[0]![1]).toBeGreaterThanOrEqual(offset);
      expect(r.records.length).toBeLessThanOrEqual(1 << 20);
      expect(r.records.length).toBe(Math.min(64, 200 - Math.floor(offset / 148)) * batch.length);
      for (let i = 1; i < got.length; i++) expect(got[i]![0]).toBe(got[i - 1]![1] + 1);
      expect(r.nextOffset).toBe(got[got.length - 1]![1] + 1);
    }
    await m.close();
  });
});

describe('coalesced appends', () => {
  it('share one write, keep order, and are readable before the write tick ends', async () => {
    const m = await LogManager.open({ dir: tempDir(), background: false });
    const log = m.createPartition('t', 0);
    const batch = encodeRecordBatchSync({
      records: [{ value: Buffer.from('a') }, { value: Buffer.from('b') }],
    });
    const pending = [0, 1, 2].map(() => log.append(Buffer.from(batch), { coalesce: true }));
    expect(log.logEndOffset).toBe(6);
    // A read forces the queued bytes out; the high watermark moves once they are written.
    expect(batchOffsets(log.read(0, 1 << 20, log.logEndOffset).records)).toEqual([
      [0, 1],
      [2, 3],
      [4, 5],
    ]);
    const results = await Promise.all(pending);
    expect(results.map((r) => r.baseOffset)).toEqual([0, 2, 4]);
    expect(log.highWatermark).toBe(6);
    await m.close();
  });
});
