import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { expect } from 'vitest';

/**
 * The scenario that test/clients-pypi.test.ts and test/clients-go.test.ts run for each client
 * program (test/clients/python/clients.py, test/clients/go): produce, consume in a group and
 * commit, produce more, and consume again in the same group: the second run must continue from
 * the committed offsets, nothing read twice and nothing skipped. The second batch goes compressed
 * with the codec given for the client, so the consumer decompresses what its producer packed.
 */

/** [partition, offset] of an acknowledged record. */
export type Acked = [number, number];
/** [partition, offset, key, value] of a consumed record. */
export type Consumed = [number, number, string, string];

export interface ClientProgram {
  /** Sends k<i>/v<i> for i in [from, from+count), compressed with `codec` if given; the acknowledged [partition, offset] of each. */
  produce(from: number, count: number, codec?: string): Promise<Acked[]>;
  /** Reads `count` records in `group`, commits, leaves; what it read and how many partitions it held. */
  consume(group: string, count: number): Promise<{ records: Consumed[]; assigned: number }>;
}

/** Runs a client program that prints one JSON line; a failure carries its stderr. */
export function runJson<T>(
  file: string,
  args: string[],
  options: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {},
): Promise<T> {
  return new Promise((resolve, reject) => {
    execFile(
      file,
      args,
      { timeout: options.timeoutMs ?? 45_000, env: options.env ?? process.env, maxBuffer: 16 << 20 },
      (err, stdout, stderr) => {
        if (err) {
          reject(new Error(`${file} ${args.join(' ')} failed: ${err.message}\n${stderr}`));
          return;
        }
        try {
          resolve(JSON.parse(stdout) as T);
        } catch {
          reject(new Error(`${file} ${args.join(' ')} printed no JSON:\n${stdout}\n${stderr}`));
        }
      },
    );
  });
}

export async function createTopic(bootstrap: string, topic: string, partitions: number): Promise<void> {
  const admin = new Kafka({
    clientId: 'resume-check',
    brokers: [bootstrap],
    logLevel: logLevel.NOTHING,
  }).admin();
  await admin.connect();
  try {
    expect(
      await admin.createTopics({ topics: [{ topic, numPartitions: partitions }], waitForLeaders: true }),
    ).toBe(true);
  } finally {
    await admin.disconnect();
  }
}

const values = (from: number, count: number) => Array.from({ length: count }, (_, i) => `v${from + i}`);

/** Every partition's acknowledged offsets are consecutive, continuing from `next` (updated in place). */
function expectConsecutive(acked: Acked[], next: Map<number, number>): void {
  const byPartition = new Map<number, number[]>();
  for (const [p, o] of acked) byPartition.set(p, [...(byPartition.get(p) ?? []), o]);
  for (const [p, offsets] of byPartition) {
    const from = next.get(p) ?? 0;
    expect(offsets.sort((a, b) => a - b)).toEqual(offsets.map((_, i) => from + i));
    next.set(p, from + offsets.length);
  }
}

/**
 * produce 0..n-1, consume n in `group`; produce n..2n-1 (with `codec`), consume n in `group` again. Checks what
 * each run read against what was acknowledged, and the group's committed offsets (read with
 * kafkajs) against the partitions' ends.
 */
export async function produceConsumeResume(
  client: ClientProgram,
  opts: {
    bootstrap: string;
    topic: string;
    group: string;
    partitions: number;
    records: number;
    codec: string;
  },
): Promise<void> {
  const { bootstrap, topic, group, partitions, records: n, codec } = opts;
  const ends = new Map<number, number>();
  const key = (p: number, o: number) => `${p}@${o}`;

  const ackedFirst = await client.produce(0, n);
  expect(ackedFirst).toHaveLength(n);
  expectConsecutive(ackedFirst, ends);
  expect(ends.size, 'the keys spread the records over every partition').toBe(partitions);

  const first = await client.consume(group, n);
  expect(first.assigned).toBe(partitions);
  expect(first.records.map((r) => r[3]).sort()).toEqual(values(0, n).sort());
  expect(new Set(first.records.map((r) => key(r[0], r[1])))).toEqual(
    new Set(ackedFirst.map(([p, o]) => key(p, o))),
  );
  for (const [, , k, v] of first.records) expect(k.slice(1)).toBe(v.slice(1));

  const afterFirst = new Map(ends);
  const ackedSecond = await client.produce(n, n, codec);
  expect(ackedSecond).toHaveLength(n);
  expectConsecutive(ackedSecond, ends);

  // The resumed run: exactly the new records, each at or past where the first run committed.
  const second = await client.consume(group, n);
  expect(second.assigned).toBe(partitions);
  expect(second.records.map((r) => r[3]).sort()).toEqual(values(n, n).sort());
  expect(new Set(second.records.map((r) => key(r[0], r[1])))).toEqual(
    new Set(ackedSecond.map(([p, o]) => key(p, o))),
  );
  for (const [p, o] of second.records) expect(o).toBeGreaterThanOrEqual(afterFirst.get(p) ?? 0);

  const admin = new Kafka({
    clientId: 'resume-check',
    brokers: [bootstrap],
    logLevel: logLevel.NOTHING,
  }).admin();
  await admin.connect();
  try {
    const committed = (await admin.fetchOffsets({ groupId: group, topics: [topic] }))[0]?.partitions ?? [];
    const committedByPartition = Object.fromEntries(committed.map((c) => [c.partition, Number(c.offset)]));
    expect(committedByPartition).toEqual(Object.fromEntries(ends));
    const high = await admin.fetchTopicOffsets(topic);
    expect(Object.fromEntries(high.map((h) => [h.partition, Number(h.high)]))).toEqual(
      Object.fromEntries(ends),
    );
  } finally {
    await admin.disconnect();
  }
}

const CODECS = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];

/**
 * The codecs of the record batches in the topic's segments under `logDir`, read from each batch
 * header (attributes & 7): the broker keeps the batches as the producer packed them.
 */
export function codecsOnDisk(logDir: string, topic: string): Set<string> {
  const seen = new Set<string>();
  for (const dir of readdirSync(logDir).filter((d) => d.startsWith(`${topic}-`))) {
    for (const file of readdirSync(join(logDir, dir)).filter((f) => f.endsWith('.log'))) {
      const log = readFileSync(join(logDir, dir, file));
      // baseOffset 8, batchLength 4, partitionLeaderEpoch 4, magic 1, crc 4, attributes 2
      for (let at = 0; at + 23 <= log.length; at += 12 + log.readInt32BE(at + 8)) {
        seen.add(CODECS[log.readInt16BE(at + 21) & 7] ?? 'unknown');
      }
    }
  }
  return seen;
}
