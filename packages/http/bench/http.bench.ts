/**
 * Requests/s through the HTTP interface of one `kilgore serve` (a child process, built dist,
 * acks=all), measured with autocannon from this process:
 *
 *   put          POST /put/bench with a VALUE_BYTES body: one record, one Produce, per request.
 *   put ndjson   POST /put/bench?format=ndjson with BATCH lines: one batch per request.
 *   get          GET /get/bench?from=<random>&limit=10&format=raw: one Fetch, ten records.
 *   multiget     GET /get/bench?offsets=<3 random>: three Fetches.
 *   baseline     the same GET against a bare node:http server (a child process answering "{}"):
 *                what HTTP alone costs on this machine, so each row's ratio is Kilgore's share.
 *
 *   pnpm bench:http   (env: CONNECTIONS=50 DURATION=10 seconds per row, VALUE_BYTES=100, BATCH=100)
 *
 * autocannon and the broker share the machine's cores: read the ratios, not the absolutes.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

const CONNECTIONS = Number(process.env.CONNECTIONS ?? 50);
const DURATION = Number(process.env.DURATION ?? 10);
const VALUE_BYTES = Number(process.env.VALUE_BYTES ?? 100);
const BATCH = Number(process.env.BATCH ?? 100);
const main = fileURLToPath(new URL('../../../apps/kilgore/dist/main.js', import.meta.url));

interface Result {
  requests: { average: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}
type Request = { method?: string; path: string; body?: string };
interface Options {
  url: string;
  connections: number;
  duration: number;
  method?: string;
  body?: string;
  requests?: Request[];
}
const cannon = autocannon as unknown as (opts: Options) => Promise<Result>;

/** Starts a child process and resolves once `ready` appears in its output (with that line). */
function start(args: string[], ready: string): Promise<{ child: ChildProcess; line: string }> {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  return new Promise((resolve, reject) => {
    const onData = (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n').find((l) => l.includes(ready));
      if (line !== undefined) resolve({ child, line });
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited ${code}:\n${out}`)));
  });
}

async function row(name: string, opts: Omit<Options, 'connections' | 'duration'>, baseline?: number) {
  const r = await cannon({ ...opts, connections: CONNECTIONS, duration: DURATION });
  if (r.non2xx > 0 || r.errors > 0 || r.timeouts > 0) {
    throw new Error(`${name}: ${r.non2xx} non-2xx answers, ${r.errors} errors, ${r.timeouts} timeouts`);
  }
  const ratio = baseline === undefined ? '' : `  ${(r.requests.average / baseline).toFixed(2)}x baseline`;
  console.log(`${name.padEnd(12)} ${r.requests.average.toFixed(0).padStart(8)} requests/s${ratio}`);
  return r.requests.average;
}

/** Random offsets below `end`, so gets read all over the log rather than one cached batch. */
function randomGets(end: number, count: number, path: (offsets: number[]) => string): Request[] {
  return Array.from({ length: 200 }, () => ({
    path: path(Array.from({ length: count }, () => Math.floor(Math.random() * end))),
  }));
}

async function main_(): Promise<void> {
  if (!existsSync(main)) throw new Error(`${main} is missing: run npx tsc -b first`);
  const dir = mkdtempSync(join(tmpdir(), 'kilgore-http-bench-'));
  const port = 20000 + Math.floor(Math.random() * 20000);
  const serve = await start(
    [
      main,
      'serve',
      '--listeners',
      `PLAINTEXT://127.0.0.1:${port}`,
      '--log-dir',
      join(dir, 'data'),
      '--kilgore-http-listeners',
      'http://127.0.0.1:0',
      '--kilgore-http-max-request-bytes',
      String(BATCH * (VALUE_BYTES + 1) + 1024),
      '--logger-level',
      'info',
    ],
    'http interface listening',
  );
  const base = (JSON.parse(serve.line) as { urls: string[] }).urls[0]!;
  const bare = await start(
    [
      '-e',
      `require('node:http').createServer((q, s) => { q.resume(); q.on('end', () => s.end('{}')); })
         .listen(0, '127.0.0.1', function () { console.log('bare ' + this.address().port); });`,
    ],
    'bare ',
  );
  const bareUrl = `http://127.0.0.1:${bare.line.split(' ')[1]}`;
  try {
    const value = 'v'.repeat(VALUE_BYTES);
    const lines = Array.from({ length: BATCH }, () => value).join('\n');
    console.log(
      `HTTP interface, ${CONNECTIONS} connections, ${DURATION} s per row, ${VALUE_BYTES}-byte values, acks=all`,
    );
    const baseline = await row('baseline', { url: `${bareUrl}/get/bench?from=0&limit=10` });
    await row('put', { url: `${base}/put/bench`, method: 'POST', body: value }, baseline);
    await row(
      'put ndjson',
      { url: `${base}/put/bench?format=ndjson`, method: 'POST', body: lines },
      baseline,
    ).then((rps) =>
      console.log(
        `${''.padEnd(12)} ${(rps * BATCH).toFixed(0).padStart(8)} records/s in batches of ${BATCH}`,
      ),
    );
    const end = Number(
      (await fetch(`${base}/get/bench?limit=1`)).headers.get('x-kilgore-high-watermark') ?? '0',
    );
    await row(
      'get',
      { url: base, requests: randomGets(end - 10, 1, ([o]) => `/get/bench?from=${o}&limit=10`) },
      baseline,
    );
    await row(
      'multiget',
      { url: base, requests: randomGets(end, 3, (os) => `/get/bench?offsets=${os.join(',')}`) },
      baseline,
    );
  } finally {
    bare.child.kill();
    serve.child.kill('SIGTERM');
    await new Promise((r) => serve.child.once('close', r));
    rmSync(dir, { recursive: true, force: true });
  }
}

await main_();
