import { setImmediate as nextTurn } from 'node:timers/promises';
import { HttpError } from '../errors.js';
import { Params } from '../params.js';
import type { LogRecord } from '../records.js';
import type { RouteContext } from './context.js';

const TAIL_FORMATS = ['sse', 'raw'] as const;
/** How long one fetch of a tail waits; an SSE tail sends a comment line after each empty one. */
const POLL_MS = 10_000;

/**
 * GET /tail/<topic>: follows the log live, from `from` (default: the end, as `tail -f` starts),
 * for a browser's EventSource (format=sse, the default: `id:` is the offset, so a reconnecting
 * EventSource resumes after the last record it saw through Last-Event-ID) or `curl -N`
 * (format=raw: each value and a newline, chunked). Each wait is a Fetch parked on the log, so
 * a record is sent as soon as it is committed. The first fetch is made before answering, so an
 * unknown topic or a denied read is still a plain 4xx.
 */
export async function tail(ctx: RouteContext): Promise<void> {
  const params = new Params(ctx.url.searchParams, ['from', 'partition', 'format', 'isolation']);
  const partition = params.partition();
  const format = params.choice('format', TAIL_FORMATS);
  const readCommitted = params.readCommitted();
  let next = params.offset('from') ?? resumeAfter(ctx) ?? (await ctx.log.latest(ctx.topic, partition));
  const maxBytes = ctx.config.maxResponseBytes;
  let got = await ctx.log.fetch(ctx.topic, partition, next, maxBytes, 0, undefined, readCommitted);
  const { res } = ctx;
  let closed = false;
  res.on('close', () => {
    closed = true;
  });
  res.writeHead(200, {
    'content-type': format === 'sse' ? 'text/event-stream' : 'application/octet-stream',
    'cache-control': 'no-cache',
    'x-accel-buffering': 'no',
  });
  // HEAD: the headers say the stream would start; there is no body to follow.
  if (ctx.req.method === 'HEAD') {
    res.end();
    return;
  }
  res.flushHeaders();
  const stopping = ctx.stopping;
  while (!closed && !stopping.aborted) {
    let full = false;
    for (const r of got.records) full = !res.write(format === 'sse' ? sseEvent(r) : rawLine(r)) || full;
    if (got.records.length > 0) next = got.records[got.records.length - 1]!.offset + 1n;
    else if (format === 'sse') res.write(': waiting\n\n');
    // A slow reader is not sent more than one read ahead of what it took.
    if (full && !closed) await new Promise((resolve) => res.once('drain', resolve).once('close', resolve));
    if (closed || stopping.aborted) break;
    // A fetch that answers at once with nothing (the broker is stopping) must not make this
    // loop spin on promises alone: let the event loop run (and 'close' arrive) in between.
    if (got.records.length === 0) await nextTurn();
    try {
      got = await ctx.log.fetch(ctx.topic, partition, next, maxBytes, POLL_MS, undefined, readCommitted);
    } catch (err) {
      // Headers are gone: say what happened in the stream, then end it.
      const e = err instanceof HttpError ? err : new HttpError(500, 'internal', (err as Error).message);
      if (format === 'sse') res.end(`event: error\ndata: ${e.body()}\n\n`);
      else res.end();
      return;
    }
  }
  res.end();
}

/** A reconnecting EventSource's Last-Event-ID: the offset it saw last. */
function resumeAfter(ctx: RouteContext): bigint | undefined {
  const id = ctx.req.headers['last-event-id'];
  if (typeof id !== 'string' || !/^\d{1,19}$/.test(id)) return undefined;
  return BigInt(id) + 1n;
}

function sseEvent(r: LogRecord): string {
  // A value's lines become data: lines (EventSource joins them with \n again).
  const text = r.value === null ? '' : r.value.toString('utf8');
  const data = text
    .split(/\r\n|\r|\n/)
    .map((line) => `data: ${line}\n`)
    .join('');
  return `id: ${r.offset}\n${data}\n`;
}

function rawLine(r: LogRecord): Buffer {
  return r.value === null ? Buffer.from('\n') : Buffer.concat([r.value, Buffer.from('\n')]);
}
