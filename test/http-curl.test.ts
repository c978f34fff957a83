import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { promisify } from 'node:util';
import { CompressionTypes, Kafka, logLevel, Partitioners, type Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestCerts } from './security/support/certs.js';
import { waitFor } from './support/cluster.js';
import { curl } from './support/curl.js';
import { type ServeProcess, startServe } from './support/serve-process.js';
import { requireTool } from './support/tools.js';

/**
 * The HTTP interface of a real `kilgore serve` (kilgore.http.listeners) driven by curl: records
 * put over HTTP are read by kcat, records produced by kafkajs and kcat (compressed too) are read
 * over HTTP, long polls are woken by a kafkajs produce, and tails follow the log live.
 */
const run = promisify(execFile);
const kcat = requireTool('/usr/bin/kcat', 'kcat');
const MAX_BODY = 4096;

let serve: ServeProcess;
let base: string;
let kafka: Kafka;
let producer: Producer;

beforeAll(async () => {
  serve = await startServe([
    '--kilgore-http-listeners',
    'http://127.0.0.1:0',
    '--kilgore-http-max-request-bytes',
    String(MAX_BODY),
  ]);
  base = serve.httpUrls[0]!;
  expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  kafka = new Kafka({ brokers: [serve.bootstrap], logLevel: logLevel.NOTHING });
  producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
});

afterAll(async () => {
  await producer?.disconnect();
  expect(await serve?.stop()).toBe(0);
});

const post = (path: string, body: Buffer | string, extra: string[] = []) =>
  curl(['-X', 'POST', '--data-binary', '@-', ...extra, `${base}${path}`], body);
const get = (path: string, extra: string[] = []) => curl([...extra, `${base}${path}`]);

async function kcatRead(topic: string, partition: number, count: number): Promise<string> {
  const { stdout } = await run(kcat, [
    '-b',
    serve.bootstrap,
    '-C',
    '-t',
    topic,
    '-p',
    String(partition),
    '-o',
    'beginning',
    '-c',
    String(count),
    '-e',
    '-f',
    '%o|%k|%s\n',
  ]);
  return stdout;
}

describe('put', () => {
  it('appends the body as one record and answers its offset; kcat reads it', async () => {
    const a = await post('/put/http-put', 'first value');
    expect(a.status).toBe(200);
    expect(a.json()).toEqual({ topic: 'http-put', partition: 0, offset: 0 });
    expect(a.headers['x-kilgore-last-offset']).toBe('0');
    const b = await post('/put/http-put?key=user-7', 'second value');
    expect(b.json()).toEqual({ topic: 'http-put', partition: 0, offset: 1 });
    expect(await kcatRead('http-put', 0, 2)).toBe('0||first value\n1|user-7|second value\n');
  });

  it('puts into the partition named by partition=', async () => {
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'http-parts', numPartitions: 3 }] });
    await admin.disconnect();
    const a = await post('/put/http-parts?partition=2&key=k', 'in two');
    expect(a.json()).toEqual({ topic: 'http-parts', partition: 2, offset: 0 });
    expect(await kcatRead('http-parts', 2, 1)).toBe('0|k|in two\n');
    const bad = await post('/put/http-parts?partition=3', 'x');
    expect(bad.status).toBe(404);
    expect(bad.json().error).toBe('unknown_topic_or_partition');
  });

  it('appends a newline-delimited body as one batch with consecutive offsets', async () => {
    const a = await post('/put/http-multi?format=ndjson', 'one\r\ntwo\n\nthree\n');
    expect(a.json()).toEqual({ topic: 'http-multi', partition: 0, offsets: [0, 1, 2] });
    expect(a.headers['x-kilgore-last-offset']).toBe('2');
    const b = await post('/put/http-multi?format=json', JSON.stringify(['four', { n: 5 }, [6]]));
    expect(b.json()).toEqual({ topic: 'http-multi', partition: 0, offsets: [3, 4, 5] });
    expect(await kcatRead('http-multi', 0, 6)).toBe(
      '0||one\n1||two\n2||three\n3||four\n4||{"n":5}\n5||[6]\n',
    );
  });
  it('a JSON null is a null value (tombstone) and comes back as null', async () => {
    const a = await post('/put/http-tombstone?format=json&key=k', JSON.stringify([null, { v: 1 }]));
    expect(a.json()).toEqual({ topic: 'http-tombstone', partition: 0, offsets: [0, 1] });
    expect((await get('/get/http-tombstone?format=json')).json<unknown[]>()).toEqual([null, { v: 1 }]);
    expect((await get('/get/http-tombstone?format=kaf')).body.toString()).toBe('0 -1\n\n1 7\n{"v":1}\n');
    // kcat tells a null value from an empty one: %S is its length, -1 for null.
    const { stdout } = await run(kcat, [
      '-b',
      serve.bootstrap,
      '-C',
      '-t',
      'http-tombstone',
      '-c',
      '2',
      '-e',
      '-f',
      '%o %S\n',
    ]);
    expect(stdout).toBe('0 -1\n1 7\n');
  });

  it('records put over HTTP are read by a kafkajs consumer group', async () => {
    await post('/put/http-kafkajs?format=ndjson&key=kk', 'k1\nk2\nk3\n');
    const consumer = kafka.consumer({ groupId: 'http-kafkajs-group' });
    await consumer.connect();
    await consumer.subscribe({ topic: 'http-kafkajs', fromBeginning: true });
    const seen: string[] = [];
    const done = new Promise<void>((resolve) => {
      void consumer.run({
        eachMessage: async ({ message }) => {
          seen.push(`${message.offset}:${message.key?.toString()}:${message.value?.toString()}`);
          if (seen.length === 3) resolve();
        },
      });
    });
    try {
      await done;
    } finally {
      await consumer.disconnect();
    }
    expect(seen).toEqual(['0:kk:k1', '1:kk:k2', '2:kk:k3']);
  });
});

describe('get', () => {
  beforeAll(async () => {
    await post('/put/http-get?format=ndjson', '{"a":1}\n"text"\n[1,2]\n');
  });

  it('raw: values one per line, with the last offset sent in the headers', async () => {
    const a = await get('/get/http-get?from=0');
    expect(a.status).toBe(200);
    expect(a.body.toString()).toBe('{"a":1}\n"text"\n[1,2]\n');
    expect(a.headers['x-kilgore-last-offset']).toBe('2');
    expect(a.headers['x-kaf-lastmsgsent']).toBe('2');
    expect(a.headers['x-kilgore-next-offset']).toBe('3');
    expect(a.headers['x-kilgore-high-watermark']).toBe('3');
    const rest = await get('/get/http-get?from=1&limit=1');
    expect(rest.body.toString()).toBe('"text"\n');
    expect(rest.headers['x-kilgore-last-offset']).toBe('1');
  });

  it('json: an array of the values parsed as JSON', async () => {
    const a = await get('/get/http-get?from=0&format=json');
    expect(a.headers['content-type']).toBe('application/json');
    expect(a.json<unknown[]>()).toEqual([{ a: 1 }, 'text', [1, 2]]);
  });

  it('kaf: offset and size per record, then the value', async () => {
    const a = await get('/get/http-get?from=1&format=kaf');
    expect(a.body.toString()).toBe('1 6\n"text"\n2 5\n[1,2]\n');
    expect(a.headers['x-kaf-lastmsgsent']).toBe('2');
  });

  it('at the end of the log: no record, and last offset = from - 1 to poll from again', async () => {
    const a = await get('/get/http-get?from=3&format=json');
    expect(a.json<unknown[]>()).toEqual([]);
    expect(a.headers['x-kilgore-last-offset']).toBe('2');
  });

  it('multiget: the records named, in the order named', async () => {
    const a = await get('/get/http-get?offsets=2,0,2&format=kaf');
    expect(a.body.toString()).toBe('2 5\n[1,2]\n0 7\n{"a":1}\n2 5\n[1,2]\n');
    const missing = await get('/get/http-get?offsets=0,9');
    expect(missing.status).toBe(404);
    expect(missing.json()).toMatchObject({ error: 'offset_not_found', offset: 9 });
  });

  it('reads records produced by kafkajs with gzip and by kcat with snappy, lz4 and zstd', async () => {
    await producer.send({
      topic: 'http-compressed',
      compression: CompressionTypes.GZIP,
      messages: [
        { value: 'g1', partition: 0 },
        { value: 'g2', partition: 0 },
      ],
    });
    for (const codec of ['snappy', 'lz4', 'zstd']) {
      const child = spawn(kcat, [
        '-b',
        serve.bootstrap,
        '-P',
        '-t',
        'http-compressed',
        '-p',
        '0',
        '-z',
        codec,
      ]);
      child.stdin.end(`${codec}-a\n${codec}-b\n`);
      await new Promise((r) => child.once('close', r));
    }
    const a = await get('/get/http-compressed?from=0&format=raw');
    expect(a.body.toString()).toBe('g1\ng2\nsnappy-a\nsnappy-b\nlz4-a\nlz4-b\nzstd-a\nzstd-b\n');
    const zstdOnly = await get('/get/http-compressed?offsets=7,6&format=kaf');
    expect(zstdOnly.body.toString()).toBe('7 6\nzstd-b\n6 6\nzstd-a\n');
  });

  it('isolation=read_committed leaves out an aborted kafkajs transaction; the default shows it', async () => {
    const tx = kafka.producer({ transactionalId: 'http-tx', idempotent: true, maxInFlightRequests: 1 });
    await tx.connect();
    try {
      const committed = await tx.transaction();
      await committed.send({ topic: 'http-tx', messages: [{ value: 'c1', partition: 0 }] });
      await committed.commit();
      const aborted = await tx.transaction();
      await aborted.send({ topic: 'http-tx', messages: [{ value: 'a1', partition: 0 }] });
      await aborted.abort();
      const again = await tx.transaction();
      await again.send({ topic: 'http-tx', messages: [{ value: 'c2', partition: 0 }] });
      await again.commit();
    } finally {
      await tx.disconnect();
    }
    // Offsets: c1 0, marker 1, a1 2, marker 3, c2 4, marker 5.
    const all = await get('/get/http-tx?from=0&format=kaf');
    expect(all.body.toString()).toBe('0 2\nc1\n2 2\na1\n4 2\nc2\n');
    const committedOnly = await get('/get/http-tx?from=0&format=kaf&isolation=read_committed');
    expect(committedOnly.body.toString()).toBe('0 2\nc1\n4 2\nc2\n');
    const inAborted = await get('/get/http-tx?offsets=2&isolation=read_committed');
    expect(inAborted.status).toBe(404);
    expect((await get('/get/http-tx?isolation=dirty')).json().error).toBe('bad_isolation');
  });

  it('long poll: wait_ms holds the request until a kafkajs produce wakes it', async () => {
    await post('/put/http-poll', 'before');
    const polling = get('/get/http-poll?from=1&wait_ms=25000&format=json');
    await new Promise((r) => setTimeout(r, 300));
    await producer.send({ topic: 'http-poll', messages: [{ value: '{"woke":true}', partition: 0 }] });
    const a = await polling;
    expect(a.json<unknown[]>()).toEqual([{ woke: true }]);
    expect(a.headers['x-kilgore-last-offset']).toBe('1');
  });
});

describe('archive', () => {
  it('deletes the records before upto; ListOffsets earliest moves there', async () => {
    await post('/put/http-archive?format=ndjson', 'a\nb\nc\nd\n');
    const a = await post('/archive/http-archive?upto=2', '');
    expect(a.status).toBe(200);
    expect(a.json()).toEqual({ topic: 'http-archive', partition: 0, logStartOffset: 2 });
    const admin = kafka.admin();
    await admin.connect();
    const offsets = await admin.fetchTopicOffsets('http-archive');
    await admin.disconnect();
    expect(offsets).toEqual([expect.objectContaining({ partition: 0, low: '2', high: '4' })]);
    const gone = await get('/get/http-archive?from=0');
    expect(gone.status).toBe(416);
    expect(gone.json()).toMatchObject({ error: 'offset_out_of_range', logStartOffset: 2, highWatermark: 4 });
    // Without from= a get starts at the log start.
    expect((await get('/get/http-archive')).body.toString()).toBe('c\nd\n');
    const past = await post('/archive/http-archive?upto=99', '');
    expect(past.status).toBe(416);
  });
});

describe('tail', () => {
  /** curl -N on a tail; resolves the child and a way to read what it printed so far. */
  function follow(path: string): { child: ChildProcess; seen: () => string } {
    const child = spawn(requireTool('/usr/bin/curl', 'curl'), ['-s', '-N', `${base}${path}`]);
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
    });
    return { child, seen: () => out };
  }

  it('SSE: curl -N sees a record produced after it started, with its offset as id', async () => {
    await post('/put/http-tail', 'old');
    const t = follow('/tail/http-tail');
    try {
      // The first (empty) poll is answered with a comment: the stream is open.
      await waitFor('tail open', () => (t.seen().includes(': waiting') ? true : undefined), 10_000, 50);
      await producer.send({ topic: 'http-tail', messages: [{ value: 'new\nsecond line', partition: 0 }] });
      await waitFor(
        'tail event',
        () => (t.seen().includes('data: second line') ? true : undefined),
        10_000,
        50,
      );
      expect(t.seen()).toContain('id: 1\ndata: new\ndata: second line\n\n');
      expect(t.seen()).not.toContain('old');
    } finally {
      t.child.kill();
    }
  });

  it('raw: from= replays, then follows', async () => {
    const t = follow('/tail/http-tail?format=raw&from=0');
    try {
      await waitFor('replay', () => (t.seen().includes('second line\n') ? true : undefined), 10_000, 50);
      await post('/put/http-tail', 'after');
      await waitFor('follow', () => (t.seen().endsWith('after\n') ? true : undefined), 10_000, 50);
      expect(t.seen()).toBe('old\nnew\nsecond line\nafter\n');
    } finally {
      t.child.kill();
    }
  });

  it('HEAD answers the headers of a tail and ends', async () => {
    const a = await curl(['-I', `${base}/tail/http-tail`]);
    expect(a.status).toBe(200);
    expect(a.headers['content-type']).toBe('text/event-stream');
  });

  it('an unknown topic is a 404 before any stream starts', async () => {
    const a = await get('/tail/http-no-such-topic');
    expect(a.status).toBe(404);
    expect(a.json().error).toBe('unknown_topic_or_partition');
  });
});

describe('bad input is a 4xx with a JSON error body', () => {
  beforeAll(async () => {
    await post('/put/http-bad-input', 'one record');
  });
  const cases: [string, () => ReturnType<typeof get>, number, string][] = [
    ['unknown topic', () => get('/get/http-never-created'), 404, 'unknown_topic_or_partition'],
    ['bad offset', () => get('/get/http-bad-input?from=-1'), 400, 'bad_offset'],
    ['offset past the end', () => get('/get/http-bad-input?from=99'), 416, 'offset_out_of_range'],
    ['bad format', () => get('/get/http-bad-input?format=xml'), 400, 'bad_format'],
    ['bad partition', () => get('/get/http-bad-input?partition=x'), 400, 'bad_partition'],
    ['unknown parameter', () => get('/get/http-bad-input?form=0'), 400, 'unknown_parameter'],
    ['bad multiget offset', () => get('/get/http-bad-input?offsets=1,x'), 400, 'bad_offset'],
    ['bad JSON body', () => post('/put/http-bad?format=json', '[1,'), 400, 'bad_json'],
    ['JSON that is not an array', () => post('/put/http-bad?format=json', '{"a":1}'), 400, 'bad_json'],
    ['empty batch', () => post('/put/http-bad?format=ndjson', '\n\n'), 400, 'empty_batch'],
    ['body too big', () => post('/put/http-bad', 'x'.repeat(MAX_BODY + 1)), 413, 'body_too_large'],
    [
      'chunked body too big',
      () => post('/put/http-bad', 'x'.repeat(MAX_BODY * 3), ['-H', 'Transfer-Encoding: chunked']),
      413,
      'body_too_large',
    ],
    ['bad topic name', () => post('/put/has%20space', 'x'), 400, 'bad_topic'],
    ['archive without upto', () => post('/archive/http-bad-input', ''), 400, 'bad_offset'],
    ['wrong method', () => post('/get/http-bad-input', 'x'), 405, 'method_not_allowed'],
    ['unknown route', () => get('/nothing/here'), 404, 'not_found'],
    ['unparsable request target', () => get('/', ['--request-target', 'http://[']), 400, 'bad_url'],
  ];
  it.each(cases)('%s', async (_name, request, status, error) => {
    const a = await request();
    expect(a.status).toBe(status);
    expect(a.headers['content-type']).toBe('application/json');
    const body = a.json();
    expect(body.error).toBe(error);
    expect(typeof body.message).toBe('string');
  });

  it('a value that is not JSON fails format=json with a message naming its offset', async () => {
    await post('/put/http-notjson', 'plain text');
    const a = await get('/get/http-notjson?format=json');
    expect(a.status).toBe(422);
    expect(a.json()).toMatchObject({ error: 'not_json', offset: 0 });
    expect(a.json().message).toContain('offset 0');
  });

  it('nothing bad was appended and the broker still serves', async () => {
    const a = await get('/get/http-bad');
    expect(a.status).toBe(404);
    expect(serve.child.exitCode).toBeNull();
  });
});

describe('openapi', () => {
  it('GET /openapi.json is an OpenAPI 3 document of every route', async () => {
    const a = await get('/openapi.json');
    const doc = a.json<{ openapi: string; paths: Record<string, unknown> }>();
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths).sort()).toEqual([
      '/archive/{topic}',
      '/get/{topic}',
      '/openapi.json',
      '/put/{topic}',
      '/tail/{topic}',
    ]);
  });
});

describe('kilgore serve settings', () => {
  it('a bad kilgore.http.listeners stops kilgore serve with a message naming it', async () => {
    await expect(startServe(['--kilgore-http-listeners', 'ftp://127.0.0.1:1'])).rejects.toThrow(
      /kilgore\.http\.listeners.*is not http:\/\/host:port/,
    );
  });

  it('https:// serves the keystore of ssl.keystore.location', async () => {
    const certs = makeTestCerts();
    const secure = await startServe([
      '--kilgore-http-listeners',
      'https://127.0.0.1:0',
      '--ssl-keystore-location',
      certs.serverKeystorePath,
    ]);
    try {
      const url = secure.httpUrls[0]!;
      expect(url).toMatch(/^https:/);
      const put = await curl(
        ['--cacert', certs.caPath, '-X', 'POST', '--data-binary', '@-', `${url}/put/tls`],
        'x',
      );
      expect(put.json()).toEqual({ topic: 'tls', partition: 0, offset: 0 });
    } finally {
      expect(await secure.stop()).toBe(0);
      rmSync(certs.dir, { recursive: true, force: true });
    }
  });
});
