/**
 * pnpm bench:dump-log: MB/s of `kilgore dump-log` over a large partition log (DUMP_LOG_MB,
 * default 256 MiB of 100-byte records, 100 a batch, half uncompressed and half lz4, 64 MiB
 * segments), shallow, --deep-iteration and --print-data-log, stdout to /dev/null, beside Apache
 * Kafka 4.1.1's DumpLogSegments on the same files in the same run (set DUMP_LOG_KAFKA=0 to skip
 * it). MB/s counts the .log bytes read, the figure Kafka users compare.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, openSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CompressionCodec, encodeRecordBatchSync } from '@kilgore/protocol';
import { DEFAULT_LOG_CONFIG, FileDirectory, PartitionLog } from '@kilgore/storage';
import { kafkaLib, kafkaLog4jConfig } from '../../test/support/apache-kafka.js';

const MB = 1 << 20;
const target = Number(process.env.DUMP_LOG_MB ?? 256) * MB;
const main = fileURLToPath(new URL('../../apps/kilgore/dist/main.js', import.meta.url));

async function writeLog(dir: string): Promise<number> {
  const log = PartitionLog.open({
    topic: 'bench',
    partition: 0,
    dir: new FileDirectory(dir),
    config: { ...DEFAULT_LOG_CONFIG, segmentBytes: 64 * MB },
  });
  const value = Buffer.alloc(90, 'v');
  let i = 0;
  while (log.sizeInBytes < target) {
    const records = Array.from({ length: 100 }, (_, j) => ({ key: `key-${(i * 100 + j) % 1e6}`, value }));
    const compression = i % 2 ? CompressionCodec.lz4 : CompressionCodec.none;
    log.appendNoWait(encodeRecordBatchSync({ compression, records }));
    i++;
  }
  await log.flush();
  await log.close();
  return readdirSync(dir)
    .filter((n) => n.endsWith('.log'))
    .reduce((sum, n) => sum + statSync(join(dir, n)).size, 0);
}

function timed(cmd: string, args: string[]): number {
  const out = openSync('/dev/null', 'w');
  const start = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { stdio: ['ignore', out, 'pipe'], encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: exit ${r.status}: ${r.stderr}`);
  return ms;
}

const root = mkdtempSync(join(tmpdir(), 'kilgore-bench-dumplog-'));
const dir = join(root, 'bench-0');
try {
  const bytes = await writeLog(dir);
  const files = readdirSync(dir)
    .filter((n) => n.endsWith('.log'))
    .sort()
    .map((n) => join(dir, n))
    .join(',');
  const withKafka = process.env.DUMP_LOG_KAFKA !== '0';
  console.log(`dump-log over ${(bytes / MB).toFixed(0)} MiB of .log (100-byte records, half lz4)`);
  console.log('| mode | kilgore s | kilgore MB/s | kafka s | kafka MB/s | kilgore/kafka |');
  console.log('|---|---|---|---|---|---|');
  for (const mode of [[], ['--deep-iteration'], ['--print-data-log']]) {
    const args = [...mode, '--files', files];
    const ours = timed(process.execPath, [main, 'dump-log', ...args]);
    const theirs = withKafka
      ? timed('java', [
          `-Dlog4j2.configurationFile=${kafkaLog4jConfig}`,
          '-cp',
          `${kafkaLib()}/*`,
          'kafka.tools.DumpLogSegments',
          ...args,
        ])
      : Number.NaN;
    const rate = (ms: number) => (bytes / MB / (ms / 1000)).toFixed(0);
    console.log(
      `| ${mode.join(' ') || 'shallow'} | ${(ours / 1000).toFixed(2)} | ${rate(ours)} | ${(theirs / 1000).toFixed(2)} | ${withKafka ? rate(theirs) : '-'} | ${withKafka ? (theirs / ours).toFixed(2) : '-'} |`,
    );
  }
} finally {
  rmSync(root, { recursive: true, force: true });
}
