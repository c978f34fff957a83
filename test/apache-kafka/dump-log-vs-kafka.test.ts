import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ConsumerGroupHeartbeatResponse, DeleteGroupsResponse } from '@kilgore/protocol';
import { Kafka, logLevel } from 'kafkajs';
import { beforeAll, describe, expect, it } from 'vitest';
import { runKafkaClass } from '../support/apache-kafka.js';
import { startTestBroker } from '../support/broker.js';
import { writeDumpLogFixture } from '../support/dump-log-fixture.js';
import { tempDir } from '../support/temp-dir.js';
import { request } from '../support/wire.js';

/**
 * `kilgore dump-log` beside Apache Kafka 4.1.1's own kafka.tools.DumpLogSegments on the same
 * files: every line of stdout (batch lines field by field, record lines, index and time-index
 * entries, .txnindex entries) must be the same, for a log with every codec, headers, null keys
 * and values, idempotent and transactional batches with commit and abort markers and a
 * LogAppendTime batch; --verify-index-only must agree (and both must catch a broken index);
 * --offsets-decoder must print the same JSON for kafkajs's offset commits in __consumer_offsets,
 * and for a KIP-848 group's records (types 3-8) and tombstones.
 */

const KILGORE_MAIN = fileURLToPath(new URL('../../apps/kilgore/dist/main.js', import.meta.url));

function kilgoreDump(args: string[]): { stdout: string; stderr: string; code: number | null } {
  const r = spawnSync(process.execPath, [KILGORE_MAIN, 'dump-log', ...args], {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  return { stdout: r.stdout, stderr: r.stderr, code: r.status };
}

async function kafkaDump(args: string[]): Promise<{ stdout: string; stderr: string }> {
  const r = await runKafkaClass('kafka.tools.DumpLogSegments', args);
  expect(r.code, r.stderr).toBe(0);
  return r;
}

/** `key: value` pairs of one line, so a difference names the field that differs. */
function fields(line: string): Array<[string, string]> {
  return [...line.matchAll(/(\w+): (\S*)/g)].map((m) => [m[1]!, m[2]!]);
}

function expectSameLines(kilgore: string, kafka: string): void {
  const ours = kilgore.trimEnd().split('\n');
  const theirs = kafka.trimEnd().split('\n');
  for (let i = 0; i < Math.max(ours.length, theirs.length); i++) {
    const a = ours[i] ?? '<missing>';
    const b = theirs[i] ?? '<missing>';
    if (a !== b) {
      // Field by field first: the message then says which field of which line is off.
      expect(fields(a), `line ${i + 1}`).toEqual(fields(b));
      expect(a, `line ${i + 1}`).toBe(b);
    }
  }
}

function segmentFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((n) => /\.(log|index|timeindex|txnindex)$/.test(n))
    .sort()
    .map((n) => join(dir, n));
}

describe("kilgore dump-log prints what Kafka's DumpLogSegments prints", () => {
  let dir: string;
  let files: string[];
  beforeAll(async () => {
    dir = join(tempDir('kilgore-dumplog-'), 'dump-0');
    await writeDumpLogFixture(dir);
    files = segmentFiles(dir);
  });

  it('has the variety the comparison needs', () => {
    expect(files.filter((f) => f.endsWith('.log')).length).toBeGreaterThan(2);
    expect(files.some((f) => f.endsWith('.txnindex'))).toBe(true);
  });

  it('the same output for --deep-iteration --print-data-log over .log, .index, .timeindex and .txnindex', async () => {
    const args = ['--deep-iteration', '--print-data-log', '--files', files.join(',')];
    const [ours, theirs] = [kilgoreDump(args), await kafkaDump(args)];
    expect(ours.code, ours.stderr).toBe(0);
    expect(theirs.stdout).toMatch(/endTxnMarker: ABORT coordinatorEpoch: 3/);
    expect(theirs.stdout).toMatch(/isTransactional: true isControl: true/);
    expect(theirs.stdout).toMatch(/compresscodec: zstd/);
    expect(theirs.stdout).toMatch(/LogAppendTime: \d+/);
    expect(theirs.stdout).toMatch(/^version: 0 producerId: 2001 /m);
    expectSameLines(ours.stdout, theirs.stdout);
    expect(ours.stderr).toBe('');
  });

  it('the same batch lines for a shallow dump, and the same with --skip-record-metadata', async () => {
    const logs = files.filter((f) => f.endsWith('.log')).join(',');
    for (const args of [
      ['--files', logs],
      ['--print-data-log', '--skip-record-metadata', '--files', logs],
    ]) {
      expectSameLines(kilgoreDump(args).stdout, (await kafkaDump(args)).stdout);
    }
  });

  it('--verify-index-only: both find the indexes right, and both report a corrupted copy the same way', async () => {
    const indexes = files.filter((f) => /\.(index|timeindex)$/.test(f));
    const args = ['--verify-index-only', '--files', indexes.join(',')];
    const ours = kilgoreDump(args);
    const theirs = await kafkaDump(args);
    expectSameLines(ours.stdout, theirs.stdout);
    expect(theirs.stderr).not.toMatch(/Mismatch|not found|out of order/);
    expect(ours.stderr).toBe('');

    // A copy of the first segment whose second index entry names the wrong offset.
    const bad = join(tempDir('kilgore-dumplog-bad-'), 'bad-0');
    const { copyFileSync, mkdirSync, readFileSync, writeFileSync } = await import('node:fs');
    mkdirSync(bad, { recursive: true });
    const stem = '00000000000000000000';
    for (const s of ['.log', '.index', '.timeindex']) copyFileSync(join(dir, stem + s), join(bad, stem + s));
    const index = readFileSync(join(bad, `${stem}.index`));
    index.writeInt32BE(index.readInt32BE(8) + 1, 8);
    writeFileSync(join(bad, `${stem}.index`), index);
    const badArgs = ['--verify-index-only', '--files', join(bad, `${stem}.index`)];
    const ourBad = kilgoreDump(badArgs);
    const theirBad = await runKafkaClass('kafka.tools.DumpLogSegments', badArgs);
    expect(theirBad.stderr).toMatch(/Mismatches in :/);
    expect(ourBad.stderr.trim()).toBe(theirBad.stderr.trim());
  });

  it('--offsets-decoder: the same JSON for offset commits in __consumer_offsets', async () => {
    const b = await startTestBroker();
    try {
      const kafka = new Kafka({ brokers: [b.bootstrap], logLevel: logLevel.NOTHING });
      const admin = kafka.admin();
      await admin.connect();
      await admin.createTopics({ topics: [{ topic: 'committed', numPartitions: 2 }], waitForLeaders: true });
      await admin.setOffsets({
        groupId: 'g-dump',
        topic: 'committed',
        partitions: [
          { partition: 0, offset: '7' },
          { partition: 1, offset: '42' },
        ],
      });
      await admin.disconnect();
      const offsetDirs = readdirSync(b.logDir).filter((n) => n.startsWith('__consumer_offsets-'));
      const logs = offsetDirs.flatMap((d) =>
        segmentFiles(join(b.logDir, d)).filter((f) => f.endsWith('.log')),
      );
      const args = ['--offsets-decoder', '--files', logs.join(',')];
      const theirs = await kafkaDump(args);
      expect(theirs.stdout).toMatch(/"group":"g-dump","topic":"committed","partition":1/);
      expect(theirs.stdout).toMatch(/"offset":42/);
      expectSameLines(kilgoreDump(args).stdout, theirs.stdout);
    } finally {
      await b.stop();
    }
  });

  it('--offsets-decoder: the same JSON for KIP-848 group records (types 3-8) and their tombstones', async () => {
    const b = await startTestBroker();
    try {
      const [host, port] = b.bootstrap.split(':');
      const to = { host: host!, port: Number(port) };
      b.broker.context.createTopic('cg-dump', 3);
      const heartbeat = (memberId: string, memberEpoch: number, extra: object = {}) =>
        request<ConsumerGroupHeartbeatResponse>(to, 68, 1, {
          groupId: 'g-848',
          memberId,
          memberEpoch,
          instanceId: null,
          rackId: null,
          rebalanceTimeoutMs: 45_000,
          subscribedTopicNames: memberEpoch === 0 ? ['cg-dump'] : null,
          subscribedTopicRegex: null,
          serverAssignor: null,
          topicPartitions: memberEpoch === 0 ? [] : null,
          ...extra,
        });
      // A static member with a rack and an assignor, then a second one: revocation pending.
      const a = await heartbeat('', 0, { instanceId: 'static-a', rackId: 'rack-1', serverAssignor: 'range' });
      const m = await heartbeat('', 0, { subscribedTopicRegex: 'cg-.*' });
      expect([a.errorCode, m.errorCode]).toEqual([0, 0]);
      await heartbeat(a.memberId!, a.memberEpoch);
      // Both leave; the empty group and its offsets are deleted: every key gets its tombstone.
      await heartbeat(m.memberId!, -1);
      await heartbeat(a.memberId!, -1);
      const deleted = await request<DeleteGroupsResponse>(to, 42, 2, { groupsNames: ['g-848'] });
      expect(deleted.results[0]!.errorCode).toBe(0);
      const logs = readdirSync(b.logDir)
        .filter((n) => n.startsWith('__consumer_offsets-'))
        .flatMap((d) => segmentFiles(join(b.logDir, d)).filter((f) => f.endsWith('.log')));
      const args = ['--offsets-decoder', '--files', logs.join(',')];
      const theirs = await kafkaDump(args);
      for (const type of [3, 4, 5, 6, 7, 8]) {
        expect(theirs.stdout).toContain(`key: {"type":"${type}","data":{"groupId":"g-848"`);
      }
      expect(theirs.stdout).toMatch(/"instanceId":"static-a","rackId":"rack-1"/);
      expect(theirs.stdout).toMatch(/"partitionsPendingRevocation":\[\{"topicId":/);
      expect(theirs.stdout).toMatch(/"type":"3","data":\{"groupId":"g-848"\}\} payload: <DELETE>/);
      expect(theirs.stdout).not.toMatch(/Unknown record type|Error at offset/);
      expectSameLines(kilgoreDump(args).stdout, theirs.stdout);
    } finally {
      await b.stop();
    }
  });

  it('a missing file is one line on stderr and a non-zero exit, after the other files', () => {
    const r = kilgoreDump([
      '--files',
      `${join(dir, '00000000000000099999.log')},${files.find((f) => f.endsWith('.log'))!}`,
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/00000000000000099999\.log: ENOENT/);
    expect(r.stdout).toMatch(/Log starting offset: 0\nbaseOffset: 0 lastOffset: 5 count: 6/);
  });
});
