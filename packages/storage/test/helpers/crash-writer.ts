/**
 * Child process of crash.test.ts: opens a log dir with fsync-per-append, then appends random
 * batches forever, printing `base last crc` after each append has resolved (so every printed
 * line is a promise the log made). The parent kills it with SIGKILL at a random point.
 */
import { CompressionCodec, encodeRecordBatchSync } from '@kilgore/protocol';
import { LogManager } from '@kilgore/storage';

const [dir, seedArg] = process.argv.slice(2);
let seed = Number(seedArg) >>> 0 || 1;
const rand = (n: number) => {
  seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
  return (seed >>> 8) % n;
};

const manager = await LogManager.open({
  dir: dir!,
  background: false,
  topicConfigs: { crash: { flushMessages: 1, segmentBytes: 48 * 1024, indexIntervalBytes: 1024 } },
});
const log = manager.get('crash', 0) ?? manager.createPartition('crash', 0);
process.stdout.write(`ready ${log.logEndOffset}\n`);
for (;;) {
  const count = 1 + rand(8);
  const records = [];
  for (let i = 0; i < count; i++) {
    records.push({ key: `k${rand(50)}`, value: Buffer.alloc(rand(2500), rand(256)), timestamp: Date.now() });
  }
  const compression = rand(4) === 0 ? CompressionCodec.gzip : CompressionCodec.none;
  const batch = encodeRecordBatchSync({ records, compression });
  const r = await log.append(batch);
  process.stdout.write(`${r.baseOffset} ${r.lastOffset} ${batch.readUInt32BE(17)}\n`);
}
