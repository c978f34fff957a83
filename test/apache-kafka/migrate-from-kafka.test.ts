import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Broker, loadConfig } from '@kilgore/broker';
import { decodeRecordBatch, type FetchResponse, iterateBatches } from '@kilgore/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApacheKafka, runKafkaClass, startApacheKafka } from '../support/apache-kafka.js';
import { tempDir } from '../support/temp-dir.js';
import { requireTool } from '../support/tools.js';
import { request } from '../support/wire.js';

/**
 * The migration path from Apache Kafka: a real Kafka 4.1.1 (KRaft, one node) takes records with every
 * codec from kcat, some from an idempotent producer, over several 1 MiB segments; it is stopped
 * cleanly, and its topic-partition dirs are copied as they are (segments, indexes, producer-state
 * snapshots, leader-epoch-checkpoint, partition.metadata) into an empty Kilgore log dir. Kilgore
 * starts on it: the topic is there with Kafka's topic id, every record reads back at its offset,
 * and appends continue from Kafka's end offset. Kafka's DumpLogSegments then checks the mixed
 * segments (Kafka's and Kilgore's appends side by side).
 */

const run = promisify(execFile);
const TOPIC = 'migrated';
const CODECS = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;

interface Rec {
  key: string;
  value: string;
}

function kcatProduce(
  bootstrap: string,
  partition: number,
  codec: string,
  records: Rec[],
  extra: string[] = [],
) {
  const kcat = requireTool('/usr/bin/kcat', 'kcat');
  return new Promise<void>((resolve, reject) => {
    const child = spawn(
      kcat,
      [
        ...['-b', bootstrap, '-P', '-t', TOPIC, '-p', String(partition), '-K', '\t', '-z', codec],
        ...['-X', 'acks=all', '-X', 'linger.ms=5', '-X', 'batch.num.messages=50', ...extra],
      ],
      { stdio: ['pipe', 'ignore', 'pipe'] },
    );
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`kcat -P exited ${code}: ${err}`)),
    );
    child.stdin.end(records.map((r) => `${r.key}\t${r.value}\n`).join(''));
  });
}

/** Every record of a partition from the beginning: `[offset, key, value]`. */
async function kcatConsume(bootstrap: string, partition: number): Promise<Array<[number, string, string]>> {
  const kcat = requireTool('/usr/bin/kcat', 'kcat');
  const { stdout } = await run(
    kcat,
    [
      '-b',
      bootstrap,
      '-C',
      '-t',
      TOPIC,
      '-p',
      String(partition),
      '-o',
      'beginning',
      '-e',
      '-f',
      '%o\t%k\t%s\n',
    ],
    { timeout: 60_000, maxBuffer: 64 * 1024 * 1024 },
  );
  return stdout
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => {
      const [o, k, v] = l.split('\t');
      return [Number(o), k!, v!];
    });
}

/**
 * One Fetch v11 at `offset` (as a consumer seeking there sends it); the error code, high watermark
 * and the first record at or after `offset`, decoded with the async codecs (zstd has no sync one).
 */
async function fetchAt(offset: number) {
  const [host, port] = broker!.bootstrap.split(':');
  const body = await request<FetchResponse>({ host: host!, port: Number(port) }, 1, 11, {
    replicaId: -1,
    maxWaitMs: 0,
    minBytes: 0,
    maxBytes: 64 * 1024,
    isolationLevel: 0,
    sessionId: 0,
    sessionEpoch: -1,
    topics: [
      {
        topic: TOPIC,
        partitions: [
          {
            partition: 0,
            currentLeaderEpoch: -1,
            fetchOffset: BigInt(offset),
            logStartOffset: -1n,
            partitionMaxBytes: 64 * 1024,
          },
        ],
      },
    ],
    forgottenTopicsData: [],
    rackId: '',
  });
  const p = body.responses[0]!.partitions[0]!;
  const bytes = p.records ?? Buffer.alloc(0);
  for (const b of iterateBatches(bytes)) {
    const batch = await decodeRecordBatch(bytes.subarray(b.position, b.position + b.size));
    for (const r of batch.records) {
      if (Number(r.offset) >= offset) {
        return {
          errorCode: p.errorCode,
          highWatermark: Number(p.highWatermark),
          first: { offset: Number(r.offset), key: r.key?.toString(), value: r.value?.toString() },
        };
      }
    }
  }
  return { errorCode: p.errorCode, highWatermark: Number(p.highWatermark), first: undefined };
}

function records(prefix: string, n: number, valueBytes: number): Rec[] {
  // Random hex: every codec shrinks it a little, none squeezes it to nothing.
  return Array.from({ length: n }, (_, i) => ({
    key: `${prefix}-${i}`,
    value: `${prefix}-${i}-${randomBytes(valueBytes / 2).toString('hex')}`,
  }));
}

let kafka: ApacheKafka | undefined;
let broker: Broker | undefined;
afterAll(async () => {
  await broker?.stop();
  await kafka?.kill();
});

const produced: Rec[][] = [[], []]; // by partition, index = offset
let kafkaTopicId = '';
let kafkaFiles: string[] = [];
let logDir = '';
let kafkaEpochs = '';
let kafkaConfigs: string[] = [];
let epochs: number[] = []; // partitionLeaderEpoch of partition 1's batches, from DumpLogSegments

/** The parts of a DumpLogSegments output that dump one partition's files ending in `ext`. */
function sectionsOf(stdout: string, partition: number, ext: string): string {
  const dir = join(logDir, `${TOPIC}-${partition}`);
  return stdout
    .split(/^Dumping /m)
    .filter((s) => s.startsWith(`${dir}/`) && s.slice(0, s.indexOf('\n')).endsWith(ext))
    .join('');
}

/** Kafka's Java consumer (kafka-console-consumer) reads a partition from the beginning: `offset key value` lines. */
async function javaConsume(partition: number, count: number): Promise<string[]> {
  const r = await runKafkaClass('org.apache.kafka.tools.consumer.ConsoleConsumer', [
    ...['--bootstrap-server', broker!.bootstrap, '--topic', TOPIC, '--partition', String(partition)],
    ...['--offset', 'earliest', '--max-messages', String(count), '--timeout-ms', '30000'],
    ...['--property', 'print.offset=true', '--property', 'print.key=true', '--property', 'key.separator= '],
  ]);
  const lines = r.stdout.split('\n').filter((l) => l.startsWith('Offset:'));
  if (lines.length !== count)
    throw new Error(`the Java consumer read ${lines.length} of ${count}:\n${r.stderr.slice(-4000)}`);
  return lines.map((l) => l.replace(/^Offset:(\d+)\s+/, '$1 '));
}

beforeAll(async () => {
  kafka = await startApacheKafka({
    serverProperties: { 'log.segment.bytes': 1024 * 1024, 'auto.create.topics.enable': false },
  });
  const create = await runKafkaClass('org.apache.kafka.tools.TopicCommand', [
    ...['--bootstrap-server', kafka.bootstrap, '--create', '--topic', TOPIC],
    ...['--partitions', '2', '--replication-factor', '1'],
    ...['--config', 'retention.ms=-1', '--config', 'max.message.bytes=2000000'],
  ]);
  expect(create.code, `${create.stdout}\n${create.stderr}`).toBe(0);
  // Partition 0: ~2.5 MiB (3 segments or more) with each codec in turn; partition 1: an idempotent producer.
  for (const codec of CODECS) {
    const batch = records(codec, 600, 1000);
    await kcatProduce(kafka.bootstrap, 0, codec, batch);
    produced[0]!.push(...batch);
  }
  // A restart, as any long-lived Kafka has had: KRaft elects the leaders anew, so what follows is
  // written in leader epoch 2 (leader-epoch-checkpoint: 0 0, 2 <offset>).
  await kafka.stop();
  await kafka.restart();
  const idempotent = records('idem', 300, 100);
  await kcatProduce(kafka.bootstrap, 1, 'lz4', idempotent, ['-X', 'enable.idempotence=true']);
  produced[1]!.push(...idempotent);
  // Topic configs live in Kafka's metadata log, not in the partition dirs: read them from Kafka
  // (kafka-configs --describe) and give them to Kilgore before it starts, in its own file
  // (without retention.ms=-1, Kilgore's 7-day default would delete old segments at once).
  const describe = await runKafkaClass('kafka.admin.ConfigCommand', [
    ...['--bootstrap-server', kafka.bootstrap, '--describe'],
    ...['--entity-type', 'topics', '--entity-name', TOPIC],
  ]);
  kafkaConfigs = [
    ...describe.stdout.matchAll(/^\s+([a-z.]+)=(\S+) sensitive=false synonyms=\{DYNAMIC_TOPIC_CONFIG/gm),
  ].map((m) => `${m[1]}=${m[2]}`);
  expect(describe.code, describe.stderr).toBe(0);
  await kafka.stop(); // a clean shutdown: segments and indexes closed, snapshots written

  // The copy: each <topic>-<partition> dir, whole, into an empty Kilgore log dir. Kafka's log-dir
  // root (meta.properties, its checkpoints, __cluster_metadata-0) stays behind.
  logDir = tempDir('kilgore-migrated-');
  for (const p of [0, 1])
    cpSync(join(kafka.logDir, `${TOPIC}-${p}`), join(logDir, `${TOPIC}-${p}`), { recursive: true });
  mkdirSync(join(logDir, 'kilgore-topic-configs'));
  writeFileSync(join(logDir, 'kilgore-topic-configs', `${TOPIC}.properties`), `${kafkaConfigs.join('\n')}\n`);
  kafkaFiles = readdirSync(join(logDir, `${TOPIC}-0`)).sort();
  kafkaEpochs = readFileSync(join(logDir, `${TOPIC}-1`, 'leader-epoch-checkpoint'), 'utf8');
  kafkaTopicId = /topic_id: (\S+)/.exec(
    readFileSync(join(logDir, `${TOPIC}-0`, 'partition.metadata'), 'utf8'),
  )![1]!;

  const { config } = loadConfig({
    flags: { listeners: 'PLAINTEXT://127.0.0.1:0', 'log.dirs': logDir, 'logger.level': 'silent' },
  });
  broker = await Broker.start({ config });
}, 240_000);

describe('a partition dir written by Apache Kafka, served by Kilgore', () => {
  it("copies Kafka's files as they are: several segments, indexes, a snapshot, the epoch and id files", () => {
    expect(kafkaFiles.filter((f) => f.endsWith('.log')).length).toBeGreaterThanOrEqual(3);
    expect(kafkaFiles).toEqual(expect.arrayContaining(['leader-epoch-checkpoint', 'partition.metadata']));
    expect(kafkaFiles.some((f) => f.endsWith('.snapshot'))).toBe(true);
    expect(kafkaEpochs).toBe('0\n1\n2 0\n'); // partition 1 was written after the restart, in epoch 2
  });

  it("knows the topic, its partitions, Kafka's topic id and the configs carried over", () => {
    const topic = broker!.context.topics.get(TOPIC);
    expect(topic).toMatchObject({ name: TOPIC, partitions: 2, id: kafkaTopicId });
    expect(kafkaConfigs.sort()).toEqual(['max.message.bytes=2000000', 'retention.ms=-1']);
    expect(Object.fromEntries(broker!.context.topicConfigs.get(TOPIC))).toEqual({
      'max.message.bytes': '2000000',
      'retention.ms': '-1',
    });
  });

  it('serves every record Kafka stored, at its offset', async () => {
    for (const p of [0, 1]) {
      const got = await kcatConsume(broker!.bootstrap, p);
      expect(got.length).toBe(produced[p]!.length);
      expect(got).toEqual(produced[p]!.map((r, offset) => [offset, r.key, r.value]));
    }
  });

  it('reads from any offset: segment starts, index entries, the last record', async () => {
    const dir = join(logDir, `${TOPIC}-0`);
    const bases = readdirSync(dir)
      .filter((f) => f.endsWith('.log'))
      .map((f) => Number(f.slice(0, 20)));
    const n = produced[0]!.length;
    for (const offset of [...bases, ...bases.map((b) => b + 1), 7, 777, 1234, 2345, n - 2, n - 1]) {
      const r = await fetchAt(offset);
      expect(r.errorCode).toBe(0);
      expect(r.highWatermark).toBe(n);
      expect(r.first).toEqual({ offset, ...produced[0]![offset]! });
    }
  });

  it("appends after Kafka's end offset, and Kafka's DumpLogSegments accepts the mixed segments", async () => {
    const more = [records('after-0', 50, 200), records('after-1', 50, 200)];
    await kcatProduce(broker!.bootstrap, 0, 'zstd', more[0]!);
    // An idempotent producer again: Kilgore must not hand out a producer id that Kafka's batches
    // in this log already carry (its sequence numbers would then clash with theirs).
    await kcatProduce(broker!.bootstrap, 1, 'zstd', more[1]!, ['-X', 'enable.idempotence=true']);
    for (const p of [0, 1]) {
      const got = await kcatConsume(broker!.bootstrap, p);
      const want = [...produced[p]!, ...more[p]!];
      expect(got).toEqual(want.map((r, offset) => [offset, r.key, r.value]));
      // Kafka's Java consumer too, which tracks leader epochs (KIP-320) from the batches it reads.
      expect(await javaConsume(p, want.length)).toEqual(
        want.map((r, offset) => `${offset} ${r.key} ${r.value}`),
      );
    }
    await broker!.stop();
    broker = undefined;
    // One JVM reads both partitions: their records, and the index and time-index checks (which
    // deep iteration runs too, reporting mismatches on stderr).
    const filesOf = (p: number) =>
      readdirSync(join(logDir, `${TOPIC}-${p}`))
        .filter((f) => /^\d{20}\.(log|index|timeindex)$/.test(f))
        .sort()
        .map((f) => join(logDir, `${TOPIC}-${p}`, f));
    const deep = await runKafkaClass('kafka.tools.DumpLogSegments', [
      '--deep-iteration',
      '--files',
      [...filesOf(0), ...filesOf(1)].join(','),
    ]);
    expect(deep.code).toBe(0);
    expect(deep.stderr.trim()).toBe(''); // where its mismatch reports would be
    expect(deep.stdout).not.toMatch(/isvalid: false/);
    for (const p of [0, 1]) {
      const logs = sectionsOf(deep.stdout, p, '.log');
      const offsets = [...logs.matchAll(/^\| offset: (\d+) /gm)].map((m) => Number(m[1]));
      expect(offsets).toEqual(Array.from({ length: produced[p]!.length + 50 }, (_, i) => i));
      if (p === 1) epochs = [...logs.matchAll(/ partitionLeaderEpoch: (-?\d+) /g)].map((m) => Number(m[1]));
    }
    expect(existsSync(join(logDir, '.kafka_cleanshutdown'))).toBe(true);
  });
});

describe('leader epochs after a migration', () => {
  // Kafka wrote partition 1 in leader epoch 2 (after its restart). A single Kilgore node takes
  // the newest epoch its log holds (chain/partition-answers.ts), so its appends and Metadata
  // carry 2 as well: epochs in the log never go down, and Kafka's consumer, which keeps the
  // newest epoch it saw, never takes Kilgore's Metadata for stale.
  it("reads partition 1's batch epochs: Kafka's 2s, then Kilgore's appends", () => {
    expect(epochs.slice(0, 6)).toEqual([2, 2, 2, 2, 2, 2]); // 300 records, 50 a batch, from Kafka
    expect(epochs.length).toBeGreaterThan(6); // and Kilgore's
  });

  it("keeps the partition's leader epochs non-decreasing across Kafka's batches and Kilgore's", () => {
    expect(epochs).toEqual([...epochs].sort((a, b) => a - b));
  });
});
