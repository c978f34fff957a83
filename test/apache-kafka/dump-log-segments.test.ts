import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  appendFileSync,
  copyFileSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { StorageLogStore } from '@kilgore/broker';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runKafkaClass } from '../support/apache-kafka.js';
import { startTestBroker } from '../support/broker.js';
import { tempDir } from '../support/temp-dir.js';
import { requireTool } from '../support/tools.js';

/**
 * Apache Kafka's own reader of segment files, kafka.tools.DumpLogSegments (bin/kafka-dump-log.sh),
 * judges the .log/.index/.timeindex files Kilgore wrote: after produce with every codec (each topic
 * rolled over several segments, with an index entry every 256 bytes), after compaction and after
 * recovery from a kill -9 with a torn tail and lost indexes. Kafka must find no invalid batch, no
 * index or time-index mismatch, and exactly the offsets, keys and values that were produced.
 * Two JVMs in all: one --deep-iteration --print-data-log over every file, one --verify-index-only.
 */

const KILGORE_MAIN = fileURLToPath(new URL('../../apps/kilgore/dist/main.js', import.meta.url));
const CODECS = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;
const SEGMENT_BYTES = 4096;
const INDEX_INTERVAL_BYTES = 256;

interface Produced {
  key: string;
  value: string | null;
}

/** kcat -P of `key<TAB>value` lines (an empty value is sent as null with -Z), 20 records a batch at most. */
function kcatProduce(bootstrap: string, topic: string, codec: string, records: Produced[]): Promise<void> {
  const kcat = requireTool('/usr/bin/kcat', 'kcat');
  return new Promise((resolve, reject) => {
    const child = spawn(
      kcat,
      [
        ...['-b', bootstrap, '-P', '-t', topic, '-p', '0', '-K', '\t', '-Z', '-z', codec],
        ...['-X', 'acks=all', '-X', 'batch.num.messages=20', '-X', 'linger.ms=5'],
      ],
      { stdio: ['pipe', 'ignore', 'pipe'] },
    );
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`kcat -P exited ${code}: ${err}`)),
    );
    child.stdin.end(records.map((r) => `${r.key}\t${r.value ?? ''}\n`).join(''));
  });
}

function distinctValues(prefix: string, n: number, from = 0): Produced[] {
  // Random hex keeps the codecs from squeezing 400 records into one tiny batch.
  return Array.from({ length: n }, (_, i) => ({
    key: `k${from + i}`,
    value: `${prefix}-${from + i}-${randomBytes(12).toString('hex')}`,
  }));
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

/** `kilgore serve` from the build; resolves once it logged that it started, with its output so far. */
async function serve(port: number, logDir: string) {
  const child = spawn(
    process.execPath,
    [
      KILGORE_MAIN,
      'serve',
      ...['--listeners', `PLAINTEXT://127.0.0.1:${port}`, '--log-dirs', logDir, '--num-partitions', '1'],
      ...[
        '--log-segment-bytes',
        String(SEGMENT_BYTES),
        '--log-index-interval-bytes',
        String(INDEX_INTERVAL_BYTES),
      ],
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  children.push(child);
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 60_000;
  while (!out.includes('kilgore broker started')) {
    if (child.exitCode !== null || Date.now() > deadline)
      throw new Error(`kilgore serve did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return { child, exited, out: () => out };
}

/** The .log, .index and .timeindex files of a partition dir, by base offset. */
function segmentFilesOf(partitionDir: string): string[] {
  return readdirSync(partitionDir)
    .filter((f) => /^\d{20}\.(log|index|timeindex)$/.test(f))
    .sort()
    .map((f) => join(partitionDir, f));
}

interface DumpedBatch {
  baseOffset: number;
  lastOffset: number;
  count: number;
  codec: string;
  valid: boolean;
}

interface DumpedRecord {
  offset: number;
  key: string | null;
  value: string | null;
}

interface FileDump {
  lines: string[];
  batches: DumpedBatch[];
  records: DumpedRecord[];
  indexEntries: number;
}

const BATCH_LINE =
  /^baseOffset: (\d+) lastOffset: (\d+) count: (\d+) .* compresscodec: (\w+) crc: \d+ isvalid: (true|false)$/;
const RECORD_LINE =
  /^\| offset: (\d+) (?:CreateTime|LogAppendTime): -?\d+ keySize: (-?\d+) valueSize: (-?\d+) sequence: -?\d+ headerKeys: \[.*?\] key: (.*?) payload: (.*)$/;
/**
 * What DumpLogSegments reports as a problem (printErrors in DumpLogSegments.scala writes them to
 * stderr, with exit code 0: "Mismatches in :<file>" followed by indented details, and the like), or
 * an invalid batch in the dump itself. One string per report, its detail lines joined to it.
 */
const PROBLEM =
  /Mismatches in|mismatch|out of order|not found in the log|Non-consecutive|Error at|invalid bytes|isvalid: false|Exception|corrupt|failed sanity|ERROR/i;

function problemsIn(stdout: string, stderr: string): string[] {
  const reports: string[] = [];
  for (const line of stdout.split('\n')) if (PROBLEM.test(line)) reports.push(line);
  let open = false;
  for (const line of stderr.split('\n')) {
    if (line.trim() === '') continue;
    if (/^\s/.test(line) && open) reports[reports.length - 1] += `\n${line}`;
    else if (/^\s/.test(line)) reports.push(line);
    else {
      reports.push(line);
      open = true;
    }
  }
  return reports;
}

/** Splits DumpLogSegments' stdout into one section per `Dumping <file>` header. */
function parseDump(stdout: string): Map<string, FileDump> {
  const files = new Map<string, FileDump>();
  let current: FileDump | undefined;
  for (const line of stdout.split('\n')) {
    const header = /^Dumping (.+)$/.exec(line);
    if (header) {
      current = { lines: [], batches: [], records: [], indexEntries: 0 };
      files.set(header[1]!, current);
      continue;
    }
    if (current === undefined) continue;
    current.lines.push(line);
    const b = BATCH_LINE.exec(line);
    if (b) {
      current.batches.push({
        baseOffset: Number(b[1]),
        lastOffset: Number(b[2]),
        count: Number(b[3]),
        codec: b[4]!,
        valid: b[5] === 'true',
      });
      continue;
    }
    const r = RECORD_LINE.exec(line);
    if (r) {
      current.records.push({
        offset: Number(r[1]),
        key: Number(r[2]) < 0 ? null : r[4]!,
        value: Number(r[3]) < 0 ? null : r[5]!,
      });
      continue;
    }
    if (/^offset: \d+ position: \d+$/.test(line) || /^timestamp: -?\d+ offset: \d+$/.test(line))
      current.indexEntries++;
  }
  return files;
}

/**
 * A copy of a segment whose first offset-index entry points at the wrong batch and whose first
 * time-index entry is a millisecond off: the control that shows the problems above are seen.
 */
function corruptedCopy(partitionDir: string): string[] {
  const dir = join(tempDir('kilgore-dump-control-'), 'control-0');
  mkdirSync(dir);
  const names = ['00000000000000000000.log', '00000000000000000000.index', '00000000000000000000.timeindex'];
  for (const n of names) copyFileSync(join(partitionDir, n), join(dir, n));
  const index = readFileSync(join(dir, names[1]!));
  const time = readFileSync(join(dir, names[2]!));
  if (index.length < 8 || time.length < 12) throw new Error(`${partitionDir}: no index entries to corrupt`);
  index.writeInt32BE(0, 4); // position 0: the first batch, whose last offset is below the entry's
  time.writeBigInt64BE(time.readBigInt64BE(0) + 1n, 0);
  writeFileSync(join(dir, names[1]!), index);
  writeFileSync(join(dir, names[2]!), time);
  return names.map((n) => join(dir, n));
}

// The scenarios, then the two JVM runs over all of their files.
const produced = new Map<string, Produced[]>(); // topic -> record at each offset
const partitionDirOf = new Map<string, string>();
let compactedBefore = 0;
let recoveryLog = '';
let control: string[] = [];
let deep: { files: Map<string, FileDump>; problems: string[]; code: number | null };
let verify: { problems: string[]; code: number | null };

beforeAll(async () => {
  // 1. An in-process Kilgore: one topic per codec, and a compacted topic.
  const tb = await startTestBroker();
  const admin = new Kafka({ brokers: [tb.bootstrap], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  const small = [
    { name: 'segment.bytes', value: String(SEGMENT_BYTES) },
    { name: 'index.interval.bytes', value: String(INDEX_INTERVAL_BYTES) },
  ];
  await admin.createTopics({
    topics: [
      ...CODECS.map((c) => ({ topic: `codec-${c}`, numPartitions: 1, configEntries: small })),
      {
        topic: 'compacted',
        numPartitions: 1,
        configEntries: [
          ...small.map((e) => (e.name === 'segment.bytes' ? { ...e, value: '1024' } : e)),
          { name: 'cleanup.policy', value: 'compact' },
        ],
      },
    ],
  });
  await admin.disconnect();
  for (const codec of CODECS) {
    const records = distinctValues(codec, 400);
    await kcatProduce(tb.bootstrap, `codec-${codec}`, codec, records);
    produced.set(`codec-${codec}`, records);
  }
  // Ten keys, 30 rounds, and a tombstone for k3 and k7 in the middle (kcat -Z sends '' as null).
  const rounds: Produced[] = [];
  for (let round = 0; round < 30; round++) {
    for (let k = 0; k < 10; k++) {
      const tombstone = round === 15 && (k === 3 || k === 7);
      rounds.push({
        key: `key${k}`,
        value: tombstone ? null : `r${round}-key${k}-${randomBytes(6).toString('hex')}`,
      });
    }
  }
  await kcatProduce(tb.bootstrap, 'compacted', 'none', rounds);
  produced.set('compacted', rounds);
  const store = tb.broker.context.logs;
  if (!(store instanceof StorageLogStore)) throw new Error('the test broker does not keep its logs on disk');
  compactedBefore = store.manager.get('compacted', 0)!.logEndOffset;
  // The pass the cleaner runs every 15 s, run now.
  expect(await store.manager.runCompaction()).toBeGreaterThan(0);
  await tb.broker.stop(); // a clean shutdown; the files stay until the test file ends
  for (const c of CODECS) partitionDirOf.set(`codec-${c}`, join(tb.logDir, `codec-${c}-0`));
  partitionDirOf.set('compacted', join(tb.logDir, 'compacted-0'));

  // 2. `kilgore serve`, killed with SIGKILL mid-life, its active segment given a torn tail and its
  // indexes deleted; restarted (recovery), appended to, then stopped cleanly.
  const crashDir = tempDir('kilgore-dump-crash-');
  const port = await freePort();
  const bootstrap = `127.0.0.1:${port}`;
  const first = await serve(port, crashDir);
  const before = distinctValues('crash', 300);
  await kcatProduce(bootstrap, 'crashed', 'lz4', before);
  first.child.kill('SIGKILL');
  await first.exited;
  const dir = join(crashDir, 'crashed-0');
  const logs = segmentFilesOf(dir).filter((f) => f.endsWith('.log'));
  const active = logs.at(-1)!;
  // A batch cut short, as a write torn by a crash leaves it: the first 40 bytes of the first batch.
  appendFileSync(active, readFileSync(logs[0]!).subarray(0, 40));
  for (const f of segmentFilesOf(dir)) if (!f.endsWith('.log')) rmSync(f); // Kafka rebuilds missing indexes
  const second = await serve(port, crashDir);
  const after = distinctValues('after', 100, 300);
  await kcatProduce(bootstrap, 'crashed', 'lz4', after);
  second.child.kill('SIGTERM');
  await second.exited;
  recoveryLog = second.out();
  produced.set('crashed', [...before, ...after]);
  partitionDirOf.set('crashed', dir);

  // 3. Kafka's tool: one JVM reading every file, one verifying every index.
  const all = [...partitionDirOf.values()].flatMap(segmentFilesOf);
  const d = await runKafkaClass('kafka.tools.DumpLogSegments', [
    '--deep-iteration',
    '--print-data-log',
    '--files',
    all.join(','),
  ]);
  deep = { files: parseDump(d.stdout), problems: problemsIn(d.stdout, d.stderr), code: d.code };
  control = corruptedCopy(partitionDirOf.get('codec-none')!);
  const v = await runKafkaClass('kafka.tools.DumpLogSegments', [
    '--verify-index-only',
    '--files',
    [...all, ...control].filter((f) => !f.endsWith('.log')).join(','),
  ]);
  verify = { problems: problemsIn(v.stdout, v.stderr), code: v.code };
}, 240_000);

/** The dumps of one topic's files, oldest segment first. */
function dumpsOf(topic: string, ext: 'log' | 'index' | 'timeindex'): Array<[string, FileDump]> {
  const dir = partitionDirOf.get(topic)!;
  return [...deep.files.entries()].filter(([f]) => f.startsWith(`${dir}/`) && f.endsWith(`.${ext}`)).sort();
}

function recordsOf(topic: string): DumpedRecord[] {
  return dumpsOf(topic, 'log').flatMap(([, d]) => d.records);
}

describe("Apache Kafka's DumpLogSegments reads Kilgore's segment files", () => {
  it('runs without an error, an invalid batch or an index mismatch', () => {
    expect(deep.code, deep.problems.join('\n')).toBe(0);
    expect(verify.code, verify.problems.join('\n')).toBe(0);
    expect(deep.problems).toEqual([]);
    // Kafka finds the corrupted control copy's two files, and nothing in Kilgore's.
    const controlDir = dirname(control[0]!);
    expect(verify.problems.filter((p) => !p.includes(controlDir))).toEqual([]);
    expect(verify.problems.join('\n')).toMatch(
      /Mismatches in :.*control-0\/00000000000000000000\.index\n\s+Index offset: \d+, log offset: \d+/,
    );
    expect(verify.problems.join('\n')).toMatch(
      /Found timestamp mismatch in :.*control-0\/00000000000000000000\.timeindex/,
    );
    // Every segment file was dumped.
    expect(deep.files.size).toBe([...partitionDirOf.values()].flatMap(segmentFilesOf).length);
  });

  it.each(CODECS)('codec %s: the produced offsets, keys and values, over several segments', (codec) => {
    const topic = `codec-${codec}`;
    const want = produced.get(topic)!;
    expect(recordsOf(topic)).toEqual(want.map((r, offset) => ({ offset, ...r })));
    const logs = dumpsOf(topic, 'log');
    expect(logs.length).toBeGreaterThan(2); // rolled
    for (const [file, d] of logs) {
      // A segment's name is its first offset; its batches are valid and in offset order.
      expect(d.batches[0]?.baseOffset).toBe(Number(basename(file).slice(0, 20)));
      for (const b of d.batches)
        expect(b).toMatchObject({ valid: true, count: b.lastOffset - b.baseOffset + 1 });
    }
    const batches = logs.flatMap(([, d]) => d.batches);
    // librdkafka sends a batch uncompressed when compressing would not shrink it.
    expect(new Set(batches.map((b) => b.codec))).toContain(codec);
    for (const b of batches) expect([codec, 'none']).toContain(b.codec);
    // The indexes hold entries (an index.interval.bytes of 256 adds several per segment).
    expect(dumpsOf(topic, 'index').reduce((n, [, d]) => n + d.indexEntries, 0)).toBeGreaterThan(logs.length);
    expect(dumpsOf(topic, 'timeindex').length).toBe(logs.length);
  });

  it('after compaction: every record left is the one produced at its offset, the latest of each key among them', () => {
    const want = produced.get('compacted')!;
    const got = recordsOf('compacted');
    expect(compactedBefore).toBe(want.length);
    expect(got.length).toBeLessThan(want.length); // the cleaner removed records
    // Every record Kafka reads is the one produced at that offset.
    for (const r of got) expect(r).toEqual({ offset: r.offset, ...want[r.offset]! });
    // The last record of each key survives (the active segment is never cleaned, so older ones may too).
    const last = new Map<string, number>();
    for (const [offset, r] of want.entries()) last.set(r.key, offset);
    const offsets = new Set(got.map((r) => r.offset));
    for (const offset of last.values()) expect(offsets.has(offset)).toBe(true);
    // Offsets increase; the batches carry the gaps (count < lastOffset - baseOffset + 1 is allowed).
    expect(got.map((r) => r.offset)).toEqual([...offsets].sort((a, b) => a - b));
    for (const [, d] of dumpsOf('compacted', 'log')) for (const b of d.batches) expect(b.valid).toBe(true);
  });

  it('after a kill -9, a torn tail and lost indexes: recovery leaves what Kafka would', () => {
    expect(recoveryLog).toContain('no clean-shutdown marker: recovered');
    const want = produced.get('crashed')!;
    expect(recordsOf('crashed')).toEqual(want.map((r, offset) => ({ offset, ...r })));
    const logs = dumpsOf('crashed', 'log');
    expect(logs.length).toBeGreaterThan(2);
    // Rebuilt indexes for every segment, with entries.
    expect(dumpsOf('crashed', 'index').length).toBe(logs.length);
    expect(dumpsOf('crashed', 'timeindex').length).toBe(logs.length);
    expect(dumpsOf('crashed', 'index').reduce((n, [, d]) => n + d.indexEntries, 0)).toBeGreaterThan(
      logs.length,
    );
  });
});
