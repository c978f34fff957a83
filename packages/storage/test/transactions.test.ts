import fs from 'node:fs';
import path from 'node:path';
import { decodeRecordBatch, encodeRecordBatchSync, iterateBatches } from '@kilgore/protocol';
import { compactLog, decodeTxnIndex, LogManager } from '@kilgore/storage';
import { describe, expect, it } from 'vitest';
import { tempDir } from './helpers/batches.js';

function txnBatch(producerId: bigint, baseSequence: number, values: string[]): Buffer {
  return encodeRecordBatchSync({
    isTransactional: true,
    producerId,
    producerEpoch: 0,
    baseSequence,
    records: values.map((value) => ({ key: 'k', value, timestamp: Date.now() })),
  });
}

const plain = (value: string) =>
  encodeRecordBatchSync({ records: [{ key: 'k', value, timestamp: Date.now() }] });

describe('transactions in a partition log', () => {
  it('keeps the last stable offset at the oldest open transaction and indexes aborted ones', async () => {
    const dir = tempDir();
    const m = await LogManager.open({ dir, background: false });
    const log = m.createPartition('t', 0, {});
    await log.append(plain('a')); // 0
    await log.append(txnBatch(7n, 0, ['t1', 't2'])); // 1-2, producer 7 opens
    await log.append(plain('b')); // 3
    await log.append(txnBatch(9n, 0, ['u1'])); // 4, producer 9 opens
    expect(log.highWatermark).toBe(5);
    expect(log.lastStableOffset).toBe(1);
    const abort = await log.appendMarker({ producerId: 7n, producerEpoch: 0, commit: false }); // 5
    expect(abort.baseOffset).toBe(5);
    expect(log.lastStableOffset).toBe(4);
    await log.appendMarker({ producerId: 9n, producerEpoch: 0, commit: true }); // 6
    expect(log.lastStableOffset).toBe(7);
    expect(log.abortedTransactions(0, 10)).toEqual([
      { producerId: 7n, firstOffset: 1, lastOffset: 5, lastStableOffset: 4 },
    ]);
    expect(log.abortedTransactions(6, 10)).toEqual([]);
    // The marker is a control batch with Kafka's key (version 0, type 0 = abort).
    const marker = await decodeRecordBatch(log.read(5, 1 << 20, 6).records);
    expect(marker.header).toMatchObject({ producerId: 7n, baseOffset: 5n });
    expect(marker.header.attributes & 0x30).toBe(0x30);
    expect(marker.records[0]!.key).toEqual(Buffer.from([0, 0, 0, 0]));
    await m.close();
    const pdir = path.join(dir, 't-0');
    expect(decodeTxnIndex(fs.readFileSync(path.join(pdir, '00000000000000000000.txnindex')))).toEqual([
      { producerId: 7n, firstOffset: 1, lastOffset: 5, lastStableOffset: 4 },
    ]);
  });

  it('rebuilds open and aborted transactions when the log is opened again, clean or not', async () => {
    const dir = tempDir();
    let m = await LogManager.open({ dir, background: false });
    let log = m.createPartition('t', 0, {});
    await log.append(txnBatch(1n, 0, ['x'])); // 0
    await log.appendMarker({ producerId: 1n, producerEpoch: 0, commit: false }); // 1
    await log.append(txnBatch(2n, 0, ['y'])); // 2, still open
    await m.close();
    fs.rmSync(path.join(dir, 't-0', '00000000000000000000.txnindex'));
    m = await LogManager.open({ dir, background: false });
    log = m.get('t', 0)!;
    expect(log.lastStableOffset).toBe(2);
    expect(log.abortedTransactions(0, 5).map((t) => [t.producerId, t.firstOffset, t.lastOffset])).toEqual([
      [1n, 0, 1],
    ]);
    // The txn index is rewritten from the log.
    expect(fs.existsSync(path.join(dir, 't-0', '00000000000000000000.txnindex'))).toBe(true);
    await log.appendMarker({ producerId: 2n, producerEpoch: 0, commit: true });
    expect(log.lastStableOffset).toBe(log.logEndOffset);
    await m.close();
  });

  it('a truncation that drops a marker reopens its transaction', async () => {
    const m = await LogManager.open({ dir: tempDir(), background: false });
    const log = m.createPartition('t', 0, {});
    await log.append(txnBatch(3n, 0, ['x', 'y'])); // 0-1
    await log.appendMarker({ producerId: 3n, producerEpoch: 0, commit: false }); // 2
    expect(log.abortedTransactions(0, 5)).toHaveLength(1);
    await log.truncateTo(2);
    expect(log.abortedTransactions(0, 5)).toEqual([]);
    expect(log.openTransactions.get(3n)).toBe(0);
    await m.close();
  });

  it('compaction drops aborted records, keeps markers, and never lets an aborted value win', async () => {
    const m = await LogManager.open({ dir: tempDir(), background: false });
    // One batch per segment, so that all but the active one are cleanable.
    const log = m.createPartition('t', 0, { cleanupPolicy: ['compact'], segmentBytes: 100 });
    await log.append(txnBatch(5n, 0, ['committed'])); // 0
    await log.appendMarker({ producerId: 5n, producerEpoch: 0, commit: true }); // 1
    await log.append(txnBatch(6n, 0, ['aborted'])); // 2: same key 'k', later
    await log.appendMarker({ producerId: 6n, producerEpoch: 0, commit: false }); // 3
    await log.append(plain('tail')); // 4: the active segment
    const r = await compactLog(log, { now: Date.now() });
    expect(r.recordsRemoved).toBe(1);
    const kept: Array<[bigint, number, string]> = [];
    for (let offset = 0; offset < log.logEndOffset; ) {
      const { records, nextOffset } = log.read(offset, 1 << 20);
      for (const b of iterateBatches(records)) {
        const batch = await decodeRecordBatch(records.subarray(b.position, b.position + b.size));
        for (const rec of batch.records)
          kept.push([rec.offset, batch.header.attributes & 0x30, rec.value?.toString('latin1') ?? '']);
      }
      offset = nextOffset;
    }
    expect(kept.map(([o, a]) => [o, a])).toEqual([
      [0n, 0x10],
      [1n, 0x30],
      [3n, 0x30],
      [4n, 0],
    ]);
    expect(kept[0]![2]).toBe('committed');
    await m.close();
  });

  it('compaction drops a marker once its transaction has no record left and it is past delete.retention.ms', async () => {
    const m = await LogManager.open({ dir: tempDir(), background: false });
    const log = m.createPartition('t', 0, { cleanupPolicy: ['compact'], segmentBytes: 100 });
    const keyed = (producerId: bigint, key: string) =>
      encodeRecordBatchSync({
        isTransactional: true,
        producerId,
        producerEpoch: 0,
        baseSequence: 0,
        records: [{ key, value: key, timestamp: Date.now() }],
      });
    await log.append(keyed(5n, 'a')); // 0: committed, written again at 4
    await log.appendMarker({ producerId: 5n, producerEpoch: 0, commit: true }); // 1
    await log.append(keyed(6n, 'b')); // 2: committed, the latest of its key
    await log.appendMarker({ producerId: 6n, producerEpoch: 0, commit: true }); // 3
    await log.append(plain('a')); // 4 (key 'k')
    await log.append(keyed(7n, 'c')); // 5: aborted
    await log.appendMarker({ producerId: 7n, producerEpoch: 0, commit: false }); // 6
    await log.append(encodeRecordBatchSync({ records: [{ key: 'a', value: 'a2', timestamp: Date.now() }] })); // 7
    await log.append(plain('tail')); // 8: the active segment
    const offsets = async () => {
      const out: number[] = [];
      for (let offset = 0; offset < log.logEndOffset; ) {
        const { records, nextOffset } = log.read(offset, 1 << 20);
        for (const b of iterateBatches(records)) {
          const batch = await decodeRecordBatch(records.subarray(b.position, b.position + b.size));
          for (const rec of batch.records) out.push(Number(rec.offset));
        }
        offset = nextOffset;
      }
      return out;
    };
    // Within delete.retention.ms (a day by default) every marker stays.
    await compactLog(log, { now: Date.now() });
    expect(await offsets()).toEqual([1, 2, 3, 4, 6, 7, 8]);
    // Past it: the markers of the emptied transactions (1: superseded, 6: aborted) go; 3 stays.
    await compactLog(log, { now: Date.now() + 2 * 86_400_000 });
    expect(await offsets()).toEqual([2, 3, 4, 7, 8]);
    await m.close();
  });

  it('compaction stops at the last stable offset', async () => {
    const m = await LogManager.open({ dir: tempDir(), background: false });
    const log = m.createPartition('t', 0, { cleanupPolicy: ['compact'], segmentBytes: 100 });
    await log.append(plain('old')); // 0
    await log.append(txnBatch(8n, 0, ['open'])); // 1: still open
    await log.append(plain('new')); // 2
    await log.append(plain('newest')); // 3
    expect(log.lastStableOffset).toBe(1);
    const r = await compactLog(log, { now: Date.now() });
    // Offset 0 is superseded by 2 and 3, but those lie past the LSO: nothing is cleanable yet.
    expect(r.recordsRemoved).toBe(0);
    await m.close();
  });
});
