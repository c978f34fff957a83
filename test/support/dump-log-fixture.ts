import { CompressionCodec, encodeRecordBatch, type RecordInput } from '@kilgore/protocol';
import { DEFAULT_LOG_CONFIG, FileDirectory, PartitionLog } from '@kilgore/storage';

/**
 * Writes a partition folder through Kilgore's storage that has every kind of batch dump-log
 * must print: each codec, null keys and values, headers, idempotent and transactional batches
 * with their commit and abort markers (so a .txnindex too), a LogAppendTime batch, over several
 * small segments with many index entries. Returns the number of batches written.
 */
export async function writeDumpLogFixture(dir: string, rounds = 6): Promise<number> {
  const log = PartitionLog.open({
    topic: 'dump',
    partition: 0,
    dir: new FileDirectory(dir),
    config: { ...DEFAULT_LOG_CONFIG, segmentBytes: 8 * 1024, indexIntervalBytes: 512 },
  });
  const codecs = [
    CompressionCodec.none,
    CompressionCodec.gzip,
    CompressionCodec.snappy,
    CompressionCodec.lz4,
    CompressionCodec.zstd,
  ];
  let batches = 0;
  let ts = 1_700_000_000_000;
  const records = (n: number, tag: string): RecordInput[] =>
    Array.from({ length: n }, (_, i) => ({
      key: i % 4 === 3 ? null : `${tag}-k${i}`,
      value: i % 5 === 4 ? null : `${tag}-value-${i}-${'x'.repeat(i * 7)}`,
      headers:
        i % 2
          ? [
              { key: 'h1', value: 'a' },
              { key: 'trace', value: null },
            ]
          : [],
      timestamp: ts + i * 3,
    }));
  let seq = 0;
  for (let round = 0; round < rounds; round++) {
    for (const codec of codecs) {
      ts += 100;
      await log.append(
        await encodeRecordBatch({ compression: codec, records: records(6, `r${round}c${codec}`) }),
        {
          leaderEpoch: 0,
        },
      );
      batches++;
    }
    // Idempotent producer 1000 (sequences continue batch to batch).
    ts += 100;
    await log.append(
      await encodeRecordBatch({
        producerId: 1000n,
        producerEpoch: 2,
        baseSequence: seq,
        records: records(5, `idem${round}`),
      }),
      { leaderEpoch: 0 },
    );
    seq += 5;
    batches++;
    // A transaction of producer 2000 + round, committed on even rounds and aborted on odd ones.
    const pid = BigInt(2000 + round);
    ts += 100;
    await log.append(
      await encodeRecordBatch({
        producerId: pid,
        producerEpoch: 0,
        baseSequence: 0,
        isTransactional: true,
        compression: CompressionCodec.lz4,
        records: records(4, `txn${round}`),
      }),
      { leaderEpoch: 0 },
    );
    await log.appendMarker({
      producerId: pid,
      producerEpoch: 0,
      commit: round % 2 === 0,
      coordinatorEpoch: 3,
    });
    batches += 2;
    // A topic switched to message.timestamp.type=LogAppendTime: the log stamps the batch.
    const createTime = log.config;
    log.config = { ...createTime, messageTimestampType: 'LogAppendTime' };
    await log.append(await encodeRecordBatch({ records: records(3, `lat${round}`) }), { leaderEpoch: 0 });
    log.config = createTime;
    batches++;
  }
  await log.flush();
  await log.close();
  return batches;
}
