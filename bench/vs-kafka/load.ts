/**
 * The load generators, the same for both brokers: Kafka's kafka-producer-perf-test and
 * kafka-consumer-perf-test (main classes ProducerPerformance / ConsumerPerformance in
 * kafka-tools, each its own JVM) and kcat (librdkafka). Each returns what it measured itself.
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { javaArgs } from './kafka-cluster.js';

export interface LoadResult {
  records: number;
  recordsPerSec: number;
  mbPerSec: number;
  /** ms; undefined where the tool does not measure it. */
  p50?: number;
  p99?: number;
  p999?: number;
}

function run(cmd: string, args: string[], timeoutMs = 600_000): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile(cmd, args, { maxBuffer: 64 << 20, timeout: timeoutMs }, (err, stdout, stderr) =>
      err
        ? reject(new Error(`${cmd} ${args.slice(-12).join(' ')}: ${err.message}\n${stderr.slice(-3000)}`))
        : resolve(stdout),
    ),
  );
}

/** kafka-producer-perf-test: `records` of `size` bytes, unthrottled, producer defaults + acks. */
export async function producerPerfTest(
  bootstrap: string,
  topic: string,
  records: number,
  acks: '1' | 'all',
  size = 100,
): Promise<LoadResult> {
  const out = await run(
    'java',
    javaArgs('org.apache.kafka.tools.ProducerPerformance', [
      '--topic',
      topic,
      '--num-records',
      String(records),
      '--record-size',
      String(size),
      '--throughput',
      '-1',
      '--producer-props',
      `bootstrap.servers=${bootstrap}`,
      `acks=${acks}`,
    ]),
  );
  // "N records sent, R records/sec (M MB/sec), A ms avg latency, X ms max latency, a ms 50th, b ms 95th, c ms 99th, d ms 99.9th."
  const m =
    /(\d+) records sent, ([\d.]+) records\/sec \(([\d.]+) MB\/sec\), [\d.]+ ms avg latency, [\d.]+ ms max latency, (\d+) ms 50th, \d+ ms 95th, (\d+) ms 99th, (\d+) ms 99.9th/.exec(
      out,
    );
  if (!m) throw new Error(`ProducerPerformance: no summary line in:\n${out.slice(-2000)}`);
  return {
    records: Number(m[1]),
    recordsPerSec: Number(m[2]),
    mbPerSec: Number(m[3]),
    p50: Number(m[4]),
    p99: Number(m[5]),
    p999: Number(m[6]),
  };
}

/**
 * kafka-consumer-perf-test: the whole topic (`records`) from the start in a fresh group. The
 * fetch rate (fetch.nMsg.sec) leaves out the group join, which is not the broker's read path.
 */
export async function consumerPerfTest(
  bootstrap: string,
  topic: string,
  records: number,
): Promise<LoadResult> {
  const out = await run(
    'java',
    javaArgs('org.apache.kafka.tools.ConsumerPerformance', [
      '--bootstrap-server',
      bootstrap,
      '--topic',
      topic,
      '--messages',
      String(records),
      '--group',
      `perf-${Date.now()}`,
      '--timeout',
      '60000',
    ]),
  );
  // header: start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec,
  //         rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec
  const line = out
    .trim()
    .split('\n')
    .filter((l) => /^\d{4}-/.test(l))
    .pop();
  const f = line?.split(',').map((s) => s.trim());
  if (!f || f.length < 10) throw new Error(`ConsumerPerformance: no result line in:\n${out.slice(-2000)}`);
  return { records: Number(f[4]), recordsPerSec: Number(f[9]), mbPerSec: Number(f[8]) };
}

/** kcat -P: `records` lines of `size` bytes from a file, acks as given; timed around the process. */
export async function kcatProduce(
  dir: string,
  bootstrap: string,
  topic: string,
  records: number,
  acks: '1' | 'all',
  size = 100,
): Promise<LoadResult> {
  const file = join(dir, `kcat-${records}-${size}.txt`);
  writeFileSync(file, `${'x'.repeat(size)}\n`.repeat(records));
  const t0 = performance.now();
  await run('kcat', [
    '-P',
    '-b',
    bootstrap,
    '-t',
    topic,
    '-X',
    `acks=${acks === 'all' ? -1 : 1}`,
    '-l',
    file,
  ]);
  const s = (performance.now() - t0) / 1000;
  return { records, recordsPerSec: records / s, mbPerSec: (records * size) / s / 1048576 };
}

/** kcat -C: `records` from the beginning (all partitions), printed as nothing; timed around it. */
export async function kcatConsume(
  bootstrap: string,
  topic: string,
  records: number,
  size = 100,
): Promise<LoadResult> {
  const t0 = performance.now();
  await run('kcat', [
    '-C',
    '-b',
    bootstrap,
    '-t',
    topic,
    '-o',
    'beginning',
    '-c',
    String(records),
    '-q',
    '-f',
    '%o\n',
  ]).then((out) => {
    const got = out.split('\n').length - 1;
    if (got !== records) throw new Error(`kcat -C read ${got} of ${records} records`);
  });
  const s = (performance.now() - t0) / 1000;
  return { records, recordsPerSec: records / s, mbPerSec: (records * size) / s / 1048576 };
}
