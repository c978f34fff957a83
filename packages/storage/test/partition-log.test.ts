import fs from 'node:fs';
import path from 'node:path';
import { CompressionCodec, ErrorCode, encodeRecordBatchSync, writeBatchCrc } from '@kilgore/protocol';
import {
  LogManager,
  MemoryDirectory,
  PartitionLog,
  resolveLogConfig,
  StorageError,
  verifySegmentFiles,
  WRITEBACK_STEP_BYTES,
} from '@kilgore/storage';
import { describe, expect, it, vi } from 'vitest';
import { batchOffsets, makeBatch, tempDir } from './helpers/batches.js';

async function open(config: Parameters<typeof resolveLogConfig>[0] = {}) {
  const dir = tempDir();
  const m = await LogManager.open({ dir, background: false });
  const log = m.createPartition('t', 0, config);
  return { dir, m, log, pdir: path.join(dir, 't-0') };
}

function codeOf(fn: () => unknown): number | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof StorageError) return err.code;
    throw err;
  }
  return undefined;
}

describe('append', () => {
  it('assigns offsets from the log end and stores the produced bytes unchanged but for baseOffset and epoch', async () => {
    const { m, log, pdir } = await open();
    const b1 = makeBatch(3);
    const original = Buffer.from(b1);
    const r1 = await log.append(b1, { leaderEpoch: 7 });
    expect(r1).toMatchObject({ baseOffset: 0, lastOffset: 2, logAppendTime: -1, batchCount: 1 });
    const r2 = await log.append(makeBatch(2));
    expect(r2).toMatchObject({ baseOffset: 3, lastOffset: 4 });
    expect(log.logEndOffset).toBe(5);
    expect(log.highWatermark).toBe(5);
    await m.close();
    const file = fs.readFileSync(path.join(pdir, '00000000000000000000.log'));
    const first = file.subarray(0, original.length);
    expect(first.readBigInt64BE(0)).toBe(0n);
    expect(first.readInt32BE(12)).toBe(7);
    // Everything from the magic byte on (CRC, attributes, records) is the producer's.
    expect(first.subarray(16).equals(original.subarray(16))).toBe(true);
    expect(file.readBigInt64BE(original.length)).toBe(3n);
  });

  it('returns what Fetch serves: the same bytes as the file', async () => {
    const { m, log, pdir } = await open();
    for (let i = 0; i < 10; i++) await log.append(makeBatch(4, { valueSize: 100 }));
    const r = log.read(0, 1 << 20);
    await m.close();
    expect(r.records.equals(fs.readFileSync(path.join(pdir, '00000000000000000000.log')))).toBe(true);
  });

  it('rejects what Kafka rejects, with Kafka error codes', async () => {
    const { log } = await open({ maxMessageBytes: 5000, segmentBytes: 100_000 });
    const badCrc = makeBatch(2);
    badCrc[badCrc.length - 1]! ^= 0xff;
    expect(codeOf(() => log.appendNoWait(badCrc))).toBe(ErrorCode.CORRUPT_MESSAGE);
    const nonZero = makeBatch(2);
    nonZero.writeBigInt64BE(5n, 0);
    expect(codeOf(() => log.appendNoWait(nonZero))).toBe(ErrorCode.INVALID_RECORD);
    expect(codeOf(() => log.appendNoWait(makeBatch(1, { valueSize: 6000 })))).toBe(
      ErrorCode.MESSAGE_TOO_LARGE,
    );
    const small = makeBatch(1);
    small.writeInt32BE(40, 8);
    expect(codeOf(() => log.appendNoWait(small))).toBe(ErrorCode.CORRUPT_MESSAGE);
    const count = makeBatch(3);
    count.writeInt32BE(1, 57); // recordsCount != lastOffsetDelta + 1
    writeBatchCrc(count, 0);
    expect(codeOf(() => log.appendNoWait(count))).toBe(ErrorCode.INVALID_RECORD);
    const magic = makeBatch(1);
    magic[16] = 1;
    expect(codeOf(() => log.appendNoWait(magic))).toBe(ErrorCode.INVALID_RECORD);
    const control = encodeRecordBatchSync({ isControl: true, records: [{ key: 'x', value: 'y' }] });
    expect(codeOf(() => log.appendNoWait(control))).toBe(ErrorCode.INVALID_RECORD);
    const two = Buffer.concat([makeBatch(1), makeBatch(1)]);
    expect(codeOf(() => log.appendNoWait(two))).toBe(ErrorCode.INVALID_RECORD);
    expect(codeOf(() => log.appendNoWait(Buffer.alloc(0)))).toBe(ErrorCode.INVALID_RECORD);
    const lat = encodeRecordBatchSync({
      timestampType: 1,
      records: [{ key: 'a', value: 'b', timestamp: -1 }],
    });
    expect(codeOf(() => log.appendNoWait(lat))).toBe(ErrorCode.INVALID_TIMESTAMP);
    expect(log.logEndOffset).toBe(0);
    // Nothing was written by the failures.
    expect(log.sizeInBytes).toBe(0);
    // Several batches are fine when asked for, and together they must fit segment.bytes.
    expect(log.appendNoWait(two, { allowMultipleBatches: true }).lastOffset).toBe(1);
    const big = Buffer.concat(Array.from({ length: 30 }, () => makeBatch(1, { valueSize: 4000 })));
    expect(codeOf(() => log.appendNoWait(big, { allowMultipleBatches: true }))).toBe(
      ErrorCode.RECORD_LIST_TOO_LARGE,
    );
  });

  it('trims a trailing partial batch as Kafka does', async () => {
    const { log } = await open();
    const b = makeBatch(2);
    const r = log.appendNoWait(Buffer.concat([b, makeBatch(2).subarray(0, 30)]));
    expect(r.bytes).toBe(b.length);
    expect(log.sizeInBytes).toBe(b.length);
  });

  it('checks timestamps against message.timestamp.before/after.max.ms', async () => {
    const now = Date.now();
    const { log } = await open({ messageTimestampBeforeMaxMs: 60_000, messageTimestampAfterMaxMs: 60_000 });
    expect(codeOf(() => log.appendNoWait(makeBatch(1, { timestamp: now - 3_600_000 })))).toBe(
      ErrorCode.INVALID_TIMESTAMP,
    );
    expect(codeOf(() => log.appendNoWait(makeBatch(1, { timestamp: now + 3_600_000 })))).toBe(
      ErrorCode.INVALID_TIMESTAMP,
    );
    expect(log.appendNoWait(makeBatch(1, { timestamp: now })).baseOffset).toBe(0);
  });

  it('stamps LogAppendTime and recomputes the CRC', async () => {
    const { log } = await open({ messageTimestampType: 'LogAppendTime' });
    const r = await log.append(makeBatch(2, { timestamp: 1000 }));
    expect(r.logAppendTime).toBeGreaterThan(1_600_000_000_000);
    const stored = log.read(0, 1000).records;
    expect(Number(stored.readBigInt64BE(35))).toBe(r.logAppendTime);
    expect(stored.readInt16BE(21) & 0x08).toBe(0x08);
    expect(log.verify()).toEqual([]);
  });

  it('keeps compressed batches compressed and byte-identical after the header', async () => {
    const { log } = await open();
    const b = makeBatch(20, { compression: CompressionCodec.gzip, valueSize: 50 });
    const copy = Buffer.from(b);
    await log.append(b);
    await log.append(makeBatch(1));
    const stored = log.read(0, 1 << 20).records;
    expect(stored.subarray(16, copy.length).equals(copy.subarray(16))).toBe(true);
    expect(batchOffsets(stored)).toEqual([
      [0, 19],
      [20, 20],
    ]);
  });

  it('requires keys on compacted topics', async () => {
    const { log } = await open({ cleanupPolicy: ['compact'] });
    expect(codeOf(() => log.appendNoWait(makeBatch(2, { keys: ['a', null] })))).toBe(
      ErrorCode.INVALID_RECORD,
    );
    expect(log.appendNoWait(makeBatch(2, { keys: ['a', 'b'] })).lastOffset).toBe(1);
  });
});

describe('indexes', () => {
  it('adds an offset-index entry once more than index.interval.bytes were written, and time entries when the max grows', async () => {
    const { m, log, pdir } = await open({ indexIntervalBytes: 4096 });
    // ~1.1 KiB batches: an entry every 4th or 5th batch.
    for (let i = 0; i < 40; i++)
      await log.append(makeBatch(2, { valueSize: 500, timestamp: 1_000_000 + i * 10 }));
    await m.close();
    const index = fs.readFileSync(path.join(pdir, '00000000000000000000.index'));
    const time = fs.readFileSync(path.join(pdir, '00000000000000000000.timeindex'));
    const size = makeBatch(2, { valueSize: 500 }).length;
    const perEntry = Math.floor(4096 / size) + 1;
    expect(index.length / 8).toBe(Math.floor((40 - 1) / perEntry));
    // First entry: the batch after more than 4096 bytes, i.e. batch number perEntry.
    expect(index.readInt32BE(0)).toBe(perEntry * 2 + 1);
    expect(index.readInt32BE(4)).toBe(perEntry * size);
    expect(time.length / 12).toBe(index.length / 8 + 1); // + the entry forced at close
    expect(verifySegmentFiles(pdir).flatMap((r) => r.problems)).toEqual([]);
  });

  it('looks offsets up through the index (batch containing the offset)', async () => {
    const { log } = await open({ indexIntervalBytes: 100 });
    for (let i = 0; i < 200; i++) await log.append(makeBatch(3, { valueSize: 40 }));
    for (const o of [0, 1, 2, 3, 299, 300, 301, 597, 598, 599]) {
      const [[base, last]] = batchOffsets(log.read(o, 1).records) as [[number, number]];
      expect(base).toBeLessThanOrEqual(o);
      expect(last).toBeGreaterThanOrEqual(o);
    }
  });
});

describe('read', () => {
  it('cuts at the limit offset and maxBytes, returns the first batch whole, and errors out of range', async () => {
    const { log } = await open();
    for (let i = 0; i < 10; i++) await log.append(makeBatch(5, { valueSize: 100 }));
    const size = makeBatch(5, { valueSize: 100 }).length;
    expect(batchOffsets(log.read(0, 1 << 20, 20).records)).toEqual([
      [0, 4],
      [5, 9],
      [10, 14],
      [15, 19],
    ]);
    // A batch straddling the limit is not served.
    expect(batchOffsets(log.read(0, 1 << 20, 12).records)).toEqual([
      [0, 4],
      [5, 9],
    ]);
    expect(log.read(0, 2 * size + 10).records.length).toBe(2 * size);
    expect(log.read(7, 1).records.length).toBe(size);
    expect(log.read(7, 1, undefined, false).records.length).toBe(0);
    expect(log.read(7, 1).nextOffset).toBe(10);
    expect(log.read(50, 100).records.length).toBe(0);
    expect(codeOf(() => log.read(51, 100))).toBe(ErrorCode.OFFSET_OUT_OF_RANGE);
    log.highWatermark = 20;
    expect(log.read(25, 1 << 20).records.length).toBe(0);
    expect(batchOffsets(log.read(0, 1 << 20).records).at(-1)).toEqual([15, 19]);
  });

  it('reads across segment boundaries one segment at a time', async () => {
    const { log } = await open({ segmentBytes: 2000 });
    for (let i = 0; i < 20; i++) await log.append(makeBatch(2, { valueSize: 200 }));
    expect(log.segmentCount).toBeGreaterThan(3);
    let next = 0;
    const seen: number[] = [];
    while (next < log.logEndOffset) {
      const r = log.read(next, 1 << 20);
      for (const [b] of batchOffsets(r.records)) seen.push(b);
      next = r.nextOffset;
    }
    expect(seen).toEqual(Array.from({ length: 20 }, (_, i) => i * 2));
  });
});

describe('roll', () => {
  it('rolls by segment.bytes with Kafka file names', async () => {
    const { m, log, pdir } = await open({ segmentBytes: 3000 });
    for (let i = 0; i < 10; i++) await log.append(makeBatch(2, { valueSize: 500 }));
    await m.close();
    const logs = fs.readdirSync(pdir).filter((n) => n.endsWith('.log'));
    expect(logs.length).toBeGreaterThan(3);
    for (const n of logs) {
      expect(n).toMatch(/^\d{20}\.log$/);
      expect(fs.statSync(path.join(pdir, n)).size).toBeLessThanOrEqual(3000);
      expect(fs.existsSync(path.join(pdir, n.replace('.log', '.index')))).toBe(true);
      expect(fs.existsSync(path.join(pdir, n.replace('.log', '.timeindex')))).toBe(true);
    }
    expect(logs[1]).toBe(`${String(log.segmentBaseOffsets[1]).padStart(20, '0')}.log`);
  });

  it('rolls by segment.ms using batch timestamps', async () => {
    const { log } = await open({ segmentMs: 1000 });
    await log.append(makeBatch(1, { timestamp: 10_000 }));
    await log.append(makeBatch(1, { timestamp: 10_500 }));
    expect(log.segmentCount).toBe(1);
    await log.append(makeBatch(1, { timestamp: 11_500 }));
    expect(log.segmentBaseOffsets).toEqual([0, 2]);
  });
});

describe('truncateTo and deleteRecordsBefore', () => {
  it('truncates at a batch boundary across segments and keeps appending from there', async () => {
    const { m, log, pdir } = await open({ segmentBytes: 2000, indexIntervalBytes: 300 });
    for (let i = 0; i < 20; i++) await log.append(makeBatch(2, { valueSize: 200, timestamp: 1000 + i }));
    await log.truncateTo(13); // inside batch [12, 13]: the batch goes
    expect(log.logEndOffset).toBe(12);
    expect(log.highWatermark).toBe(12);
    expect(batchOffsets(log.read(10, 1 << 20).records)).toEqual([[10, 11]]);
    expect((await log.append(makeBatch(2))).baseOffset).toBe(12);
    await log.truncateTo(3);
    expect(log.logEndOffset).toBe(2);
    expect(log.segmentCount).toBe(1);
    await m.close();
    expect(verifySegmentFiles(pdir).flatMap((r) => r.problems)).toEqual([]);
  });

  it('moves the log start offset and deletes wholly covered segments, never above the high watermark', async () => {
    const { log } = await open({ segmentBytes: 2000 });
    for (let i = 0; i < 20; i++) await log.append(makeBatch(2, { valueSize: 200 }));
    const before = log.segmentCount;
    expect(await log.deleteRecordsBefore(15)).toBe(15);
    expect(log.logStartOffset).toBe(15);
    expect(log.segmentCount).toBeLessThan(before);
    expect(log.segmentBaseOffsets[0]).toBeLessThanOrEqual(15);
    expect(codeOf(() => log.read(14, 100))).toBe(ErrorCode.OFFSET_OUT_OF_RANGE);
    expect(batchOffsets(log.read(15, 1).records)).toEqual([[14, 15]]);
    await expect(log.deleteRecordsBefore(41)).rejects.toMatchObject({ code: ErrorCode.OFFSET_OUT_OF_RANGE });
  });
});

describe('offsetForTimestamp', () => {
  it('finds the first record at or after a timestamp', async () => {
    const { log } = await open({ segmentBytes: 3000, indexIntervalBytes: 200 });
    for (let i = 0; i < 30; i++) await log.append(makeBatch(3, { valueSize: 100, timestamp: 1000 + i * 10 }));
    // Batch i holds offsets 3i..3i+2 with timestamps 1000+10i, +1, +2.
    expect(await log.offsetForTimestamp(0)).toMatchObject({ offset: 0, timestamp: 1000 });
    expect(await log.offsetForTimestamp(1051)).toMatchObject({ offset: 16, timestamp: 1051 });
    expect(await log.offsetForTimestamp(1053)).toMatchObject({ offset: 18, timestamp: 1060 });
    expect(await log.offsetForTimestamp(1292)).toMatchObject({ offset: 89 });
    expect(await log.offsetForTimestamp(1293)).toBeUndefined();
  });
});

describe('appendReplicated', () => {
  it('keeps the offsets it is given and refuses ones that do not continue the log', async () => {
    const src = await open();
    for (let i = 0; i < 5; i++) await src.log.append(makeBatch(2));
    const bytes = src.log.read(0, 1 << 20).records;
    const dst = await open();
    const r = await dst.log.appendReplicated(Buffer.from(bytes));
    expect(r).toMatchObject({ baseOffset: 0, lastOffset: 9, batchCount: 5 });
    expect(dst.log.read(0, 1 << 20).records.equals(bytes)).toBe(true);
    await expect(dst.log.appendReplicated(Buffer.from(bytes))).rejects.toMatchObject({
      code: ErrorCode.OFFSET_OUT_OF_RANGE,
    });
    const corrupt = Buffer.from(bytes);
    corrupt[corrupt.length - 1]! ^= 1;
    await expect(dst.log.appendReplicated(corrupt)).rejects.toMatchObject({
      code: ErrorCode.CORRUPT_MESSAGE,
    });
  });
});

describe('high watermark and long polling', () => {
  it('wakes a waiting fetch when data arrives, without polling', async () => {
    const { log } = await open();
    const waiting = log.waitForData(0, 10_000);
    let done = false;
    void waiting.then(() => {
      done = true;
    });
    await new Promise((r) => setImmediate(r));
    expect(done).toBe(false);
    await log.append(makeBatch(1));
    expect(await waiting).toBe(true);
    expect(await log.waitForData(5, 10)).toBe(false);
    const ac = new AbortController();
    const aborted = log.waitForData(5, 10_000, ac.signal);
    ac.abort();
    expect(await aborted).toBe(false);
  });

  it('releaseWaiters ends every pending wait with false, and later waits wait again', async () => {
    const { log } = await open();
    const a = log.waitForData(0, 10_000);
    const b = log.waitForData(3, 10_000);
    log.releaseWaiters();
    expect(await Promise.all([a, b])).toEqual([false, false]);
    const c = log.waitForData(0, 10_000);
    await log.append(makeBatch(1));
    expect(await c).toBe(true);
  });

  it('leaves the high watermark to replication when told to', async () => {
    const dir = tempDir();
    const m = await LogManager.open({ dir, background: false, highWatermarkFollowsLog: false });
    const log = m.createPartition('t', 0);
    await log.append(makeBatch(3));
    expect(log.highWatermark).toBe(0);
    expect(log.read(0, 1000).records.length).toBe(0);
    const woke = log.waitForData(0, 10_000);
    log.highWatermark = 3;
    expect(await woke).toBe(true);
    log.highWatermark = 100; // clamped to the log end
    expect(log.highWatermark).toBe(3);
  });

  it('with flush.messages=1 append resolves after fsync and the high watermark follows durability', async () => {
    const { log } = await open({ flushMessages: 1 });
    const p = log.append(makeBatch(2));
    expect(log.highWatermark).toBe(0);
    expect(log.durableOffset).toBe(0);
    await p;
    expect(log.durableOffset).toBe(2);
    expect(log.highWatermark).toBe(2);
    // Concurrent appends share fsyncs and all resolve.
    const rs = await Promise.all(Array.from({ length: 20 }, () => log.append(makeBatch(1))));
    expect(rs.map((r) => r.baseOffset)).toEqual(Array.from({ length: 20 }, (_, i) => 2 + i));
    expect(log.durableOffset).toBe(22);
  });

  it('under a timed flush, fdatasyncs in the background every WRITEBACK_STEP_BYTES appended', async () => {
    // An hour's flush.ms and no background timer: only the write-back step can make data durable.
    const { m, log } = await open({ flushMs: 3_600_000 });
    let appended = 0;
    while (appended <= WRITEBACK_STEP_BYTES)
      appended += (await log.append(makeBatch(64, { valueSize: 1000 }))).bytes;
    expect(log.highWatermark).toBe(log.logEndOffset); // appends did not wait for it
    await vi.waitFor(() => expect(log.durableOffset).toBeGreaterThan(0));
    await m.close();
  });

  it('leaves write-back to the OS when flush.ms is off (Kafka default)', async () => {
    const { m, log } = await open({ flushMs: Number.POSITIVE_INFINITY });
    let appended = 0;
    while (appended <= 2 * WRITEBACK_STEP_BYTES)
      appended += (await log.append(makeBatch(64, { valueSize: 1000 }))).bytes;
    await new Promise((r) => setTimeout(r, 100));
    expect(log.durableOffset).toBe(0);
    await m.close();
  });
});

describe('in memory', () => {
  it('runs the same segment code without files', async () => {
    const m = await LogManager.open({ inMemory: true, background: false });
    const log = m.createPartition('t', 0, { segmentBytes: 1500 });
    for (let i = 0; i < 20; i++) await log.append(makeBatch(2, { valueSize: 200 }));
    expect(log.segmentCount).toBeGreaterThan(2);
    expect(batchOffsets(log.read(7, 1).records)).toEqual([[6, 7]]);
    await log.truncateTo(10);
    expect(log.logEndOffset).toBe(10);
    expect(m.dir).toBeUndefined();
    await m.close();
  });

  it('PartitionLog works on a bare MemoryDirectory', async () => {
    const log = PartitionLog.open({
      topic: 'x',
      partition: 1,
      dir: new MemoryDirectory(),
      config: resolveLogConfig(),
    });
    await log.append(makeBatch(1));
    expect(log.logEndOffset).toBe(1);
  });
});
