import {
  BatchOffsets,
  CompressionCodec,
  compressionOf,
  decodeRecordBatch,
  ErrorCode,
  encodeRecordBatch,
  encodeRecordBatchSync,
  type RecordInput,
  writeBatchCrc,
} from '@kilgore/protocol';
import { type LogConfig, LogManager, RecordValidationError, StorageError } from '@kilgore/storage';
import { describe, expect, it } from 'vitest';
import { makeBatch, tempDir } from './helpers/batches.js';

async function open(config: Partial<LogConfig> = {}) {
  const m = await LogManager.open({ dir: tempDir(), background: false });
  return { m, log: m.createPartition('t', 0, config) };
}

/** 100 records, every tenth (0, 10, ..., 90) without a key. */
function tenKeyless(): RecordInput[] {
  return Array.from({ length: 100 }, (_, i) => ({
    key: i % 10 === 0 ? null : `k${i}`,
    value: `v${i}`,
    timestamp: Date.now(),
  }));
}

async function refusal(p: Promise<unknown>): Promise<RecordValidationError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(RecordValidationError);
  return err as RecordValidationError;
}

describe('per-record checks (KIP-467)', () => {
  for (const [name, codec] of Object.entries(CompressionCodec)) {
    it(`refuses a ${name} batch on a compacted topic naming each keyless record, writing nothing`, async () => {
      const { m, log } = await open({ cleanupPolicy: ['compact'] });
      const batch = await encodeRecordBatch({ records: tenKeyless(), compression: codec });
      const err = await refusal(log.append(batch));
      expect(err.code).toBe(ErrorCode.INVALID_RECORD);
      expect(err.recordErrors.map((e) => e.batchIndex)).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90]);
      expect(err.recordErrors[0]!.message).toBe(
        'Compacted topic cannot accept message without key in topic partition t-0.',
      );
      expect(err.message).toMatch(
        /^One or more records have been rejected due to 10 record errors in total, and only showing the first three errors at most: \[RecordError\(batchIndex=0, message='Compacted topic/,
      );
      expect(log.logEndOffset).toBe(0);
      await m.close();
    });
  }

  it('checks every record timestamp, not only the first and the largest', async () => {
    const { m, log } = await open({ messageTimestampBeforeMaxMs: 60_000 });
    const now = Date.now();
    // The header's first and largest timestamps are in bounds; record 1 is an hour old.
    const records = [now, now - 3_600_000, now].map((timestamp, i) => ({
      key: `k${i}`,
      value: 'v',
      timestamp,
    }));
    for (const compression of [CompressionCodec.none, CompressionCodec.zstd]) {
      const err = await refusal(log.append(await encodeRecordBatch({ records, compression })));
      expect(err.code).toBe(ErrorCode.INVALID_TIMESTAMP);
      expect(err.message).toBe('One or more records have been rejected due to invalid timestamp');
      expect(err.recordErrors).toHaveLength(1);
      expect(err.recordErrors[0]!.batchIndex).toBe(1);
      expect(err.recordErrors[0]!.message).toMatch(/^Timestamp \d+ of message with offset 1 is out of range/);
    }
    expect(log.logEndOffset).toBe(0);
    await m.close();
  });

  it('refuses a future timestamp beyond message.timestamp.after.max.ms (Kafka 4 default: one hour)', async () => {
    const { m, log } = await open();
    const err = await refusal(log.append(makeBatch(1, { timestamp: Date.now() + 2 * 3_600_000 })));
    expect(err.code).toBe(ErrorCode.INVALID_TIMESTAMP);
    await m.close();
  });

  it('refuses a batch whose record count or offset deltas disagree with its header', async () => {
    const { m, log } = await open();
    const gap = encodeRecordBatchSync({
      records: [0, 1, 2].map((i) => ({ key: `k${i}`, value: 'v', timestamp: 1_700_000_000_000 })),
    });
    // Record 2's offset delta: after its length, attributes and timestamp delta (one byte each).
    const recordSize = gap.readInt8(61) / 2 + 1;
    const at = 61 + 2 * recordSize + 3;
    expect(gap[at]).toBe(4); // zigzag 2
    gap[at] = 10; // zigzag 5
    writeBatchCrc(gap, 0);
    const err = await log.append(gap).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StorageError);
    expect((err as StorageError).code).toBe(ErrorCode.INVALID_RECORD);
    expect((err as Error).message).toMatch(/offset delta 5/);
    expect(log.logEndOffset).toBe(0);
    await m.close();
  });

  it('sets the header maxTimestamp from the records, as Kafka does', async () => {
    const { m, log } = await open();
    const batch = makeBatch(3, { timestamp: 1_700_000_000_000 });
    batch.writeBigInt64BE(1_700_000_000_000n, BatchOffsets.maxTimestamp); // understated
    writeBatchCrc(batch, 0);
    const r = await log.append(batch);
    expect(r.maxTimestamp).toBe(1_700_000_000_002);
    const stored = log.read(0, 1 << 20).records;
    expect(stored.readBigInt64BE(BatchOffsets.maxTimestamp)).toBe(1_700_000_000_002n);
    expect((await decodeRecordBatch(stored)).records).toHaveLength(3);
    await m.close();
  });
});

describe('compression.type (broker-side compression)', () => {
  it('recompresses a batch of another codec, keeping offsets, timestamps and producer fields', async () => {
    const { m, log } = await open({ compressionType: 'zstd' });
    await log.append(makeBatch(2)); // offsets 0-1
    const records = Array.from({ length: 50 }, (_, i) => ({
      key: `key-${i}`,
      value: `value-${i}`.repeat(10),
      timestamp: 1_700_000_000_000 + i,
      headers: [{ key: 'h', value: `${i}` }],
    }));
    const sent = encodeRecordBatchSync({
      records,
      compression: CompressionCodec.gzip,
      producerId: 42n,
      producerEpoch: 3,
      baseSequence: 7,
    });
    const r = await log.append(sent);
    expect(r).toMatchObject({ baseOffset: 2, lastOffset: 51 });
    expect(r.stored.equals(sent)).toBe(false);
    const stored = log.read(2, 1 << 20).records;
    expect(compressionOf(stored.readInt16BE(BatchOffsets.attributes))).toBe(CompressionCodec.zstd);
    const batch = await decodeRecordBatch(stored);
    expect(batch.header).toMatchObject({
      baseOffset: 2n,
      producerId: 42n,
      producerEpoch: 3,
      baseSequence: 7,
    });
    expect(batch.records.map((x) => [x.offset, x.key?.toString(), x.value?.toString(), x.timestamp])).toEqual(
      records.map((x, i) => [BigInt(2 + i), x.key, x.value, BigInt(x.timestamp)]),
    );
    expect(batch.records[49]!.headers).toEqual([{ key: 'h', value: Buffer.from('49') }]);
    await m.close();
  });

  it('keeps a batch that already has the topic codec as sent', async () => {
    const { m, log } = await open({ compressionType: 'lz4' });
    const sent = makeBatch(5, { compression: CompressionCodec.lz4 });
    const r = await log.append(sent);
    expect(r.stored).toBe(sent);
    await m.close();
  });

  it('keeps the order of appends while some wait for recompression', async () => {
    const { m, log } = await open({ compressionType: 'gzip' });
    const appends = [];
    for (let i = 0; i < 20; i++) {
      const codec = i % 3 === 0 ? CompressionCodec.gzip : CompressionCodec.none;
      appends.push(log.append(makeBatch(2, { compression: codec, values: [`a${i}`, `b${i}`] })));
    }
    const results = await Promise.all(appends);
    expect(results.map((r) => r.baseOffset)).toEqual(Array.from({ length: 20 }, (_, i) => 2 * i));
    const batch = await decodeRecordBatch(log.read(10, 1 << 20).records);
    expect(batch.records.map((r) => r.value?.toString())).toEqual(['a5', 'b5']);
    await m.close();
  });

  it('stores uncompressed when compression.type is uncompressed', async () => {
    const { m, log } = await open({ compressionType: 'uncompressed' });
    await log.append(makeBatch(3, { compression: CompressionCodec.snappy }));
    const stored = log.read(0, 1 << 20).records;
    expect(compressionOf(stored.readInt16BE(BatchOffsets.attributes))).toBe(CompressionCodec.none);
    expect((await decodeRecordBatch(stored)).records.map((r) => r.key?.toString())).toEqual([
      'k0',
      'k1',
      'k2',
    ]);
    await m.close();
  });
});
