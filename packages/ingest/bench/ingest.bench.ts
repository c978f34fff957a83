/**
 * Records/s into one `kilgore serve` (a child process, built dist, acks=all, one 3-partition
 * topic per run) from 50 concurrent writers, three ways, the same 100-byte keyed records:
 *
 *   socket        50 unix-socket connections to kilgore.ingest.socket, one kahego frame per
 *                 write as a PHP app would send; done when every writer got its `OK <n>` line
 *                 after half-closing (so everything is appended, acks=all).
 *   socket, php   the same from 50 php-cli processes (test/clients/php/ingest-writer.php, one
 *                 fwrite per message, its own ~8-byte values, a third unkeyed), timed from
 *                 spawning them to their OK lines.
 *   kafkajs 1/send 50 kafkajs producers, one record per send() awaited: what an app that cannot
 *                 batch gets from a Kafka client.
 *   kafkajs batch 50 kafkajs producers, 100 records per send(): a client that can batch.
 *
 *   pnpm bench:ingest   (env: WRITERS=50 RECORDS=4000 per socket writer, UNBATCHED=400 per
 *   kafkajs writer sending one at a time, VALUE_BYTES=100)
 *
 * The bench process drives all writers, on the same 2 cores as the broker: read the ratios.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { encodeFrame } from '@kilgore/ingest';
import { Kafka, logLevel } from 'kafkajs';
import { startServe } from '../../../test/support/serve.js';

const WRITERS = Number(process.env.WRITERS ?? 50);
const RECORDS = Number(process.env.RECORDS ?? 4000);
const UNBATCHED = Number(process.env.UNBATCHED ?? 400);
const VALUE_BYTES = Number(process.env.VALUE_BYTES ?? 100);
const writerPhp = fileURLToPath(new URL('../../../test/clients/php/ingest-writer.php', import.meta.url));
const run = promisify(execFile);
/** Whether the ingest socket takes connections yet (the bench runs kilgore serve at warn level). */
function socketAccepts(socket: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = connect(socket);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => {
      probe.destroy();
      resolve(false);
    });
  });
}

const value = Buffer.alloc(VALUE_BYTES, 'v');
const keyOf = (w: number, i: number): string => `key-${w}-${i % 16}`;

function socketWriter(socket: string, topic: string, w: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const c = connect(socket);
    let answer = '';
    c.on('connect', async () => {
      for (let i = 0; i < RECORDS; i++) {
        // One frame per write, as PHP's fwrite; wait for drain like a blocking write would.
        if (!c.write(encodeFrame(topic, keyOf(w, i), value))) await new Promise((r) => c.once('drain', r));
      }
      c.end();
    });
    c.on('data', (d) => {
      answer += d.toString();
    });
    c.on('close', () =>
      answer === `OK ${RECORDS}\n` ? resolve() : reject(new Error(`writer ${w}: ${answer}`)),
    );
    c.on('error', reject);
  });
}

async function kafkajsRun(kafka: Kafka, topic: string, perWriter: number, perSend: number): Promise<number> {
  const producers = await Promise.all(
    [...Array(WRITERS).keys()].map(async () => {
      const p = kafka.producer({ allowAutoTopicCreation: true });
      await p.connect();
      return p;
    }),
  );
  // Metadata for the topic before the clock starts (the socket run's topic is created inside it).
  await producers[0]!.send({ topic, messages: [{ key: 'warm', value }] });
  const start = performance.now();
  await Promise.all(
    producers.map(async (p, w) => {
      for (let i = 0; i < perWriter; i += perSend) {
        const messages = [];
        for (let j = i; j < Math.min(perWriter, i + perSend); j++) messages.push({ key: keyOf(w, j), value });
        await p.send({ topic, acks: -1, messages });
      }
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  await Promise.all(producers.map((p) => p.disconnect()));
  return (WRITERS * perWriter) / seconds;
}

async function main_(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'kilgore-ingest-bench-'));
  const socket = join(dir, 'ingest.sock');
  const serve = await startServe(
    [
      '--log-dir',
      join(dir, 'data'),
      '--num-partitions',
      '3',
      '--kilgore-ingest-socket',
      socket,
      '--logger-level',
      'warn',
    ],
    { ready: () => socketAccepts(socket), timeoutMs: 60_000 },
  );
  try {
    if (serve.child.exitCode !== null) throw new Error(`kilgore serve exited:\n${serve.out()}`);
    const kafka = new Kafka({
      brokers: [serve.bootstrap],
      logLevel: logLevel.NOTHING,
      clientId: 'bench',
    });
    const line = (name: string, records: number, rate: number, base?: number): void =>
      console.log(
        `${name.padEnd(16)} ${String(records).padStart(8)} records ${Math.round(rate).toString().padStart(9)} records/s` +
          (base === undefined ? '' : `  socket / this: ${(base / rate).toFixed(2)}`),
      );
    console.log(`${WRITERS} concurrent writers, ${VALUE_BYTES}-byte values, 16 keys per writer, acks=all`);
    // Warm-up (JIT, topic creation), not printed.
    await Promise.all([...Array(WRITERS).keys()].map((w) => socketWriter(socket, 'warm', w)));
    const start = performance.now();
    await Promise.all([...Array(WRITERS).keys()].map((w) => socketWriter(socket, 'socket', w)));
    const socketRate = (WRITERS * RECORDS) / ((performance.now() - start) / 1000);
    line('socket', WRITERS * RECORDS, socketRate);
    if (!existsSync('/usr/bin/php')) throw new Error('/usr/bin/php is missing: apt-get install php-cli');
    const phpStart = performance.now();
    const answers = await Promise.all(
      [...Array(WRITERS).keys()].map((w) =>
        run('/usr/bin/php', [writerPhp, socket, 'socket-php', String(w), String(RECORDS), 'ack']),
      ),
    );
    const phpRate = (WRITERS * RECORDS) / ((performance.now() - phpStart) / 1000);
    const bad = answers.find((a) => a.stdout !== `OK ${RECORDS}\n`);
    if (bad) throw new Error(`a php writer got ${bad.stdout}`);
    line('socket, php', WRITERS * RECORDS, phpRate, socketRate);
    const one = await kafkajsRun(kafka, 'kafkajs-one', UNBATCHED, 1);
    line('kafkajs 1/send', WRITERS * UNBATCHED, one, socketRate);
    const batched = await kafkajsRun(kafka, 'kafkajs-batch', RECORDS, 100);
    line('kafkajs 100/send', WRITERS * RECORDS, batched, socketRate);
  } finally {
    await serve.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main_();
