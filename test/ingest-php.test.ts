import { execFile } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServeProcess, startServe } from './support/serve.js';
import { tempDir } from './support/temp-dir.js';
import { requireTool } from './support/tools.js';

/**
 * The unix-socket ingest of `kilgore serve` (packages/ingest) written to by real PHP (Debian's
 * php-cli) from many short-lived processes, read back exactly with kcat and kafkajs.
 */
const run = promisify(execFile);
const php = requireTool('/usr/bin/php', 'php-cli');
const kcat = requireTool('/usr/bin/kcat', 'kcat');
const writerPhp = fileURLToPath(new URL('./clients/php/ingest-writer.php', import.meta.url));
const rawPhp = fileURLToPath(new URL('./clients/php/ingest-raw.php', import.meta.url));

let serve: ServeProcess;
let socket: string;
let bootstrap: string;
let kafka: Kafka;

beforeAll(async () => {
  const dir = tempDir('kilgore-ingest-');
  socket = join(dir, 'run', 'ingest.sock');
  serve = await startServe([
    '--log-dir',
    join(dir, 'data'),
    '--auto-create-topics-enable',
    'false',
    '--kilgore-ingest-socket',
    socket,
    '--kilgore-ingest-socket-mode',
    '0600',
    '--kilgore-ingest-max-message-bytes',
    '1000',
    '--kilgore-ingest-batch-records',
    '100',
  ]);
  if (serve.child.exitCode !== null) throw new Error(`kilgore serve did not start:\n${serve.out()}`);
  bootstrap = serve.bootstrap;
  kafka = new Kafka({ brokers: [bootstrap], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: 'events', numPartitions: 3 }, { topic: 'small' }] });
  await admin.disconnect();
});

afterAll(async () => {
  await serve?.stop();
});

interface Row {
  partition: number;
  key: string;
  value: string;
}

/** Everything in the topic, by kcat (librdkafka), once it holds at least `count` records. */
async function readAll(topic: string, count: number): Promise<Row[]> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const { stdout } = await run(kcat, [
      '-b',
      bootstrap,
      '-C',
      '-t',
      topic,
      '-o',
      'beginning',
      '-e',
      '-q',
      '-f',
      '%p\t%k\t%s\n',
    ]);
    const rows = stdout
      .split('\n')
      .filter((l) => l.length > 0)
      .map((l) => {
        const [p, key, value] = l.split('\t');
        return { partition: Number(p), key: key ?? '', value: value ?? '' };
      });
    if (rows.length >= count || Date.now() > deadline) return rows;
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function phpRaw(hex: string, close = false): Promise<string> {
  const { stdout } = await run(php, [rawPhp, socket, hex, ...(close ? ['close'] : [])]);
  return stdout;
}

function frameHex(topic: string, key: string, value: string | Buffer): string {
  const body = Buffer.concat([
    Buffer.from([topic.length]),
    Buffer.from(topic),
    Buffer.from([key.length]),
    Buffer.from(key),
    Buffer.from(value),
  ]);
  const len = Buffer.alloc(4);
  len.writeUInt32LE(body.length);
  return Buffer.concat([len, body]).toString('hex');
}

describe('unix-socket ingest with PHP writers', () => {
  it('creates the socket with the configured permissions', () => {
    const st = statSync(socket);
    expect(st.isSocket()).toBe(true);
    expect(st.mode & 0o777).toBe(0o600);
  });

  it('appends every message of 60 short-lived PHP processes, keyed ones where Kafka would put them', async () => {
    const writers = 60;
    const perWriter = 40;
    const ids = [...Array(writers).keys()];
    // 6 PHP processes at a time, each connecting, writing and exiting.
    for (let i = 0; i < writers; i += 6) {
      await Promise.all(
        ids
          .slice(i, i + 6)
          .map((id) => run(php, [writerPhp, socket, 'events', String(id), String(perWriter)])),
      );
    }
    const rows = await readAll('events', writers * perWriter);
    expect(rows.length).toBe(writers * perWriter);
    const expected = ids.flatMap((w) => [...Array(perWriter).keys()].map((i) => `w${w}-${i}`));
    expect(rows.map((r) => r.value).sort()).toEqual(expected.sort());

    // Keyed records: the partition kafkajs's Java-compatible default partitioner picks.
    const partitioner = Partitioners.DefaultPartitioner();
    const meta = [0, 1, 2].map((p) => ({ partitionId: p, leader: 1 }));
    for (const r of rows) {
      const [w, i] = r.value.slice(1).split('-').map(Number) as [number, number];
      const key = i % 3 === 2 ? '' : `k${w}-${i % 5}`;
      expect(r.key).toBe(key);
      if (key !== '') {
        expect(r.partition).toBe(
          partitioner({ topic: 'events', partitionMetadata: meta, message: { key, value: null } }),
        );
      }
    }
    // One writer's messages in one partition are in the order it wrote them.
    const seen = new Map<string, number>();
    for (const r of rows) {
      const [w, i] = r.value.slice(1).split('-').map(Number) as [number, number];
      const at = `${r.partition}/${w}`;
      expect(i).toBeGreaterThan(seen.get(at) ?? -1);
      seen.set(at, i);
    }
  });

  it('answers a writer that half-closes with OK and the count, and kafkajs reads those records', async () => {
    const { stdout } = await run(php, [writerPhp, socket, 'small', 'acked', '25', 'ack']);
    expect(stdout).toBe('OK 25\n');
    const consumer = kafka.consumer({ groupId: 'ingest-check' });
    await consumer.connect();
    await consumer.subscribe({ topic: 'small', fromBeginning: true });
    const values: string[] = [];
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`only ${values.length} records read`)), 30_000);
      void consumer.run({
        eachMessage: async ({ message }) => {
          values.push(message.value?.toString() ?? '');
          if (values.length === 25) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
    await consumer.disconnect();
    expect(values).toEqual([...Array(25).keys()].map((i) => `wacked-${i}`));
  });

  it('answers bad frames clearly, keeps good ones, and stays up', async () => {
    const good = frameHex('small', '', 'good-1');
    // A length over kilgore.ingest.max.message.bytes: answered and closed at once.
    const big = Buffer.alloc(4);
    big.writeUInt32LE(5000);
    expect(await phpRaw(good + big.toString('hex'))).toMatch(
      /^ERR 0 0 frame of 5000 bytes is larger than kilgore.ingest.max.message.bytes \(1000\)\n$/,
    );
    // A frame too short to hold the topic and key lengths.
    expect(await phpRaw('0100000005')).toMatch(/^ERR 0 0 frame of 1 bytes is too short/);
    // A topic length running past the frame's end: that frame alone is dropped.
    expect(await phpRaw(`05000000ff61626364${good}`)).toMatch(/^ERR 1 1 topic length 255 runs past the end/);
    // A bad topic name, an unknown topic (auto-create is off): dropped and said why.
    expect(await phpRaw(frameHex('bad topic!', '', 'x') + frameHex('small', '', 'good-2'))).toMatch(
      /^ERR 1 1 Topic name .*illegal/,
    );
    expect(await phpRaw(frameHex('nosuchtopic', '', 'x'))).toMatch(
      /^ERR 0 1 UNKNOWN_TOPIC_OR_PARTITION for topic 'nosuchtopic'/,
    );
    // A writer that dies inside a frame: what came before it is kept.
    await phpRaw(frameHex('small', '', 'good-3') + frameHex('small', '', 'cut-off').slice(0, 20), true);
    expect(await phpRaw(frameHex('small', 'k', 'good-4'))).toBe('OK 1\n');

    const rows = await readAll('small', 25 + 5);
    expect(rows.map((r) => r.value).filter((v) => v.startsWith('good') || v.startsWith('cut'))).toEqual([
      'good-1',
      'good-1',
      'good-2',
      'good-3',
      'good-4',
    ]);
    expect(serve.child.exitCode).toBe(null);
    expect(serve.out()).toMatch(/bad frame, connection closed/);
    expect(serve.out()).toMatch(/connection closed inside a frame/);
  });
});
