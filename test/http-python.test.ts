import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { waitFor } from './support/cluster.js';
import { type ServeProcess, startServe } from './support/serve-process.js';
import { requireTool } from './support/tools.js';

/**
 * A Python program using only urllib (test/clients/python/http_poll.py) against the HTTP
 * interface of `kilgore serve`: puts, polls on with the x-kilgore-last-offset header, and a long
 * poll woken by a kafkajs produce, and a 404's JSON error body read from urllib's HTTPError.
 */
const python = requireTool('/usr/bin/python3', 'python3');
const script = fileURLToPath(new URL('./clients/python/http_poll.py', import.meta.url));
const COUNT = 10;

let serve: ServeProcess;
beforeAll(async () => {
  serve = await startServe(['--kilgore-http-listeners', 'http://127.0.0.1:0']);
});
afterAll(async () => {
  expect(await serve?.stop()).toBe(0);
});

it('a urllib client puts, polls on from the header, and is woken by a Kafka produce', async () => {
  const child = spawn(python, [script, serve.httpUrls[0]!, 'py-http', String(COUNT)]);
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const exited = new Promise<number | null>((r) => child.once('close', r));
  const lines = () =>
    out
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  try {
    await waitFor(
      'the script to long-poll',
      () => (lines().some((l) => 'waiting' in l) ? true : undefined),
      30_000,
      50,
    );
    const kafka = new Kafka({ brokers: [serve.bootstrap], logLevel: logLevel.NOTHING });
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    await producer.send({ topic: 'py-http', messages: [{ value: '{"from":"kafkajs"}', partition: 0 }] });
    await producer.disconnect();
    expect(await exited).toBe(0);
  } finally {
    child.kill();
  }
  const [summary, waiting, woken, error] = lines();
  expect(err).toBe('');
  const expected = Array.from({ length: COUNT }, (_, n) => ({ n }));
  expect(summary).toEqual({
    put: Array.from({ length: COUNT }, (_, i) => i),
    read: expected,
    polls: Math.ceil(COUNT / 3),
  });
  expect(waiting).toEqual({ waiting: COUNT });
  expect(woken).toEqual({ woken: [{ from: 'kafkajs' }], last: COUNT });
  expect(error).toMatchObject({ status: 404, error: { error: 'unknown_topic_or_partition' } });
});
