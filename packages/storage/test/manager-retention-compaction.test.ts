import fs from 'node:fs';
import path from 'node:path';
import { decodeRecordBatchSync } from '@kilgore/protocol';
import {
  LogManager,
  logConfigFromProperties,
  openLog,
  resolveLogConfig,
  segmentsToDelete,
  verifySegmentFiles,
} from '@kilgore/storage';
import { describe, expect, it } from 'vitest';
import { makeBatch, tempDir } from './helpers/batches.js';

describe('LogManager', () => {
  it('creates, lists and deletes topic-partition folders', async () => {
    const dir = tempDir();
    const m = await LogManager.open({ dir, background: false });
    m.createPartition('orders', 0);
    m.createPartition('orders', 1);
    m.createPartition('my-topic', 12);
    expect(
      fs
        .readdirSync(dir)
        .filter((n) => !n.includes('checkpoint'))
        .sort(),
    ).toEqual(['my-topic-12', 'orders-0', 'orders-1']);
    expect(m.partitions().length).toBe(3);
    await m.get('my-topic', 12)!.append(makeBatch(1));
    expect(await m.deletePartition('orders', 1)).toBe(true);
    expect(fs.existsSync(path.join(dir, 'orders-1'))).toBe(false);
    await m.close();
    const m2 = await LogManager.open({ dir, background: false });
    expect(
      m2
        .partitions()
        .map((p) => `${p.topic}-${p.partition}`)
        .sort(),
    ).toEqual(['my-topic-12', 'orders-0']);
    expect(m2.get('my-topic', 12)!.logEndOffset).toBe(1);
    await m2.close();
  });

  it('parses Kafka-named topic configs', () => {
    const c = logConfigFromProperties({
      'segment.bytes': '1048576',
      'retention.ms': '-1',
      'cleanup.policy': 'compact,delete',
      'flush.messages': '9223372036854775807',
      'message.timestamp.type': 'LogAppendTime',
      'unrelated.setting': 'x',
    });
    expect(c).toMatchObject({
      segmentBytes: 1048576,
      retentionMs: -1,
      cleanupPolicy: ['compact', 'delete'],
      flushMessages: Number.POSITIVE_INFINITY,
      messageTimestampType: 'LogAppendTime',
      indexIntervalBytes: 4096,
    });
    expect(() => logConfigFromProperties({ 'cleanup.policy': 'shred' })).toThrow();
  });

  it('flushes on flush.ms in the background and moves the recovery point', async () => {
    const dir = tempDir();
    const m = await LogManager.open({ dir, topicConfigs: { t: { flushMs: 20 } } });
    const log = m.createPartition('t', 0);
    await log.append(makeBatch(2));
    expect(log.recoveryPoint).toBe(0);
    for (let i = 0; i < 100 && log.recoveryPoint < 2; i++) await new Promise((r) => setTimeout(r, 20));
    expect(log.recoveryPoint).toBe(2);
    await m.close();
  });
});

describe('retention', () => {
  const config = resolveLogConfig({ retentionMs: 1000, retentionBytes: -1 });
  const seg = (baseOffset: number, maxTimestamp: number, size = 100) => ({
    baseOffset,
    size,
    maxTimestamp,
    mtimeMs: 0,
  });

  it('deletes by largest record timestamp, oldest first, never the active segment or past the high watermark', () => {
    const segs = [seg(0, 100), seg(10, 200), seg(20, 5000), seg(30, 100)];
    expect(segmentsToDelete(segs, config, 3000, 40, 0).count).toBe(2);
    expect(segmentsToDelete(segs, config, 3000, 15, 0).count).toBe(1);
    expect(segmentsToDelete([seg(0, 0)], config, 1e9, 100, 0).count).toBe(0);
    // A young segment shields the older ones behind it? No: oldest first, stop at the first survivor.
    expect(segmentsToDelete([seg(0, 2900), seg(10, 0), seg(20, 0)], config, 3000, 100, 0).count).toBe(0);
  });

  it('deletes by retention.bytes and below the log start offset', () => {
    const bytes = resolveLogConfig({ retentionMs: -1, retentionBytes: 250 });
    const segs = [seg(0, 0), seg(10, 0), seg(20, 0), seg(30, 0)];
    expect(segmentsToDelete(segs, bytes, 0, 100, 0).count).toBe(1);
    expect(segmentsToDelete(segs, resolveLogConfig({ retentionMs: -1 }), 0, 100, 25).count).toBe(2);
    expect(
      segmentsToDelete(segs, resolveLogConfig({ cleanupPolicy: ['compact'], retentionBytes: 1 }), 0, 100, 0)
        .count,
    ).toBe(0);
  });

  it('runs on a real log and moves the log start offset', async () => {
    let now = 1_000_000;
    const dir = tempDir();
    const m = await LogManager.open({
      dir,
      background: false,
      now: () => now,
      topicConfigs: { t: { segmentBytes: 2000, retentionMs: 60_000 } },
    });
    const log = m.createPartition('t', 0);
    for (let i = 0; i < 10; i++) await log.append(makeBatch(2, { valueSize: 300, timestamp: now - 120_000 }));
    for (let i = 0; i < 10; i++) await log.append(makeBatch(2, { valueSize: 300, timestamp: now }));
    const before = log.segmentCount;
    expect(await m.runRetention()).toBeGreaterThan(0);
    expect(log.segmentCount).toBeLessThan(before);
    expect(log.logStartOffset).toBe(log.segmentBaseOffsets[0]);
    expect(log.logStartOffset).toBeLessThanOrEqual(20);
    expect(log.logStartOffset).toBeGreaterThan(10);
    now += 1_000_000;
    await m.runRetention();
    expect(log.segmentCount).toBe(1); // the active one stays
    await m.close();
    expect(fs.readFileSync(path.join(dir, 'log-start-offset-checkpoint'), 'utf8')).toBe(
      `0\n1\nt 0 ${log.logStartOffset}\n`,
    );
  });
});

describe('compaction', () => {
  it('keeps the latest record per key, preserves offsets, honours tombstones for delete.retention.ms', async () => {
    let now = 10_000_000;
    const dir = tempDir();
    const m = await LogManager.open({
      dir,
      background: false,
      now: () => now,
      topicConfigs: { c: { cleanupPolicy: ['compact'], segmentBytes: 600, deleteRetentionMs: 1000 } },
    });
    const log = m.createPartition('c', 0);
    const put = (key: string, value: string | null) =>
      log.append(makeBatch(1, { keys: [key], values: [value], timestamp: now }));
    for (let round = 0; round < 5; round++) for (const k of ['a', 'b', 'c']) await put(k, `${k}${round}`);
    await put('b', null); // offset 15: tombstone
    for (let i = 0; i < 5; i++) await put('z', `filler${i}`); // push everything out of the active segment
    const read = () => {
      const out: Array<[number, string, string | null]> = [];
      let next = log.logStartOffset;
      while (next < log.logEndOffset) {
        const r = log.read(next, 1 << 20);
        let p = 0;
        while (p < r.records.length) {
          const size = r.records.readInt32BE(p + 8) + 12;
          for (const rec of decodeRecordBatchSync(r.records.subarray(p, p + size)).records) {
            out.push([Number(rec.offset), rec.key!.toString(), rec.value?.toString() ?? null]);
          }
          p += size;
        }
        next = r.nextOffset;
      }
      return out;
    };
    const result = await m.runCompaction();
    expect(result).toBeGreaterThan(0);
    const after = read().filter(([, k]) => k !== 'z');
    expect(after).toEqual([
      [12, 'a', 'a4'],
      [14, 'c', 'c4'],
      [15, 'b', null],
    ]);
    // Later, the tombstone goes too.
    now += 5000;
    for (let i = 0; i < 5; i++) await put('y', `more${i}`);
    await m.runCompaction();
    expect(read().filter(([, k]) => k !== 'z' && k !== 'y')).toEqual([
      [12, 'a', 'a4'],
      [14, 'c', 'c4'],
    ]);
    expect(log.logEndOffset).toBe(26);
    await m.close();
    expect(verifySegmentFiles(path.join(dir, 'c-0')).flatMap((r) => r.problems)).toEqual([]);
  });
});

describe('embedded log', () => {
  it('opens a dir, appends, iterates records, closes, and reopens', async () => {
    const dir = tempDir();
    const log = await openLog(dir);
    await log.append({ key: 'a', value: 'one' });
    await log.append([{ value: 'two' }, { value: 'three' }]);
    const values: string[] = [];
    for await (const r of log.read(1)) values.push(`${r.offset}:${r.value?.toString()}`);
    expect(values).toEqual(['1:two', '2:three']);
    await log.close();
    expect(fs.existsSync(path.join(dir, 'log-0', '00000000000000000000.log'))).toBe(true);
    const again = await openLog(dir);
    expect(again.endOffset).toBe(3);
    await again.close();
  });

  it('follows the end of the log until aborted, in memory', async () => {
    const log = await openLog(undefined, { fsync: 'always' });
    const ac = new AbortController();
    const seen: string[] = [];
    const reader = (async () => {
      for await (const r of log.read(0, { follow: true, signal: ac.signal })) {
        seen.push(r.value!.toString());
        if (seen.length === 3) ac.abort();
      }
    })();
    await log.append({ value: 'x' });
    await new Promise((r) => setTimeout(r, 5));
    await log.append([{ value: 'y' }, { value: 'z' }]);
    await reader;
    expect(seen).toEqual(['x', 'y', 'z']);
    await log.close();
  });
});
