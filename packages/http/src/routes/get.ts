import { HttpError } from '../errors.js';
import { GET_FORMATS, render } from '../formats.js';
import type { FetchResult } from '../log-client.js';
import { Params } from '../params.js';
import type { LogRecord } from '../records.js';
import { positionHeaders, type RouteContext } from './context.js';

/** How much one step of a get with limit= reads (the first batch always comes whole). */
const LIMITED_STEP_BYTES = 64 * 1024;
/** The most offsets one multiget may name. */
const MAX_MULTIGET = 1000;

/**
 * GET /get/<topic>: records from `from` (default: the log start) in format raw, json or kaf, at
 * most `limit` of them and about `max_bytes` (always at least one). wait_ms > 0 holds a request
 * that finds nothing until a record arrives or the time is up. `offsets=3,17,42` instead answers
 * exactly those records, in the order named.
 */
export async function get(ctx: RouteContext): Promise<void> {
  const params = new Params(ctx.url.searchParams, [
    'from',
    'offsets',
    'partition',
    'format',
    'wait_ms',
    'max_bytes',
    'limit',
    'isolation',
  ]);
  const partition = params.partition();
  const format = params.choice('format', GET_FORMATS);
  const readCommitted = params.readCommitted();
  if (params.has('offsets')) {
    for (const only of ['from', 'wait_ms', 'limit']) {
      if (params.has(only)) throw new HttpError(400, 'bad_parameter', `${only}= does not go with offsets=`);
    }
    return multiget(ctx, partition, format, params.offsets('offsets', MAX_MULTIGET), readCommitted);
  }
  const maxBytes = params.int('max_bytes', ctx.config.maxResponseBytes, 1, ctx.config.maxResponseBytes);
  const waitMs = Math.min(params.int('wait_ms', 0), ctx.config.maxWaitMs);
  const limit = params.int('limit', Number.MAX_SAFE_INTEGER, 1, Number.MAX_SAFE_INTEGER);
  const from = params.offset('from') ?? (await ctx.log.earliest(ctx.topic, partition));
  const limited = params.has('limit');
  const records: LogRecord[] = [];
  let budget = maxBytes;
  let next = from;
  let got: FetchResult;
  // With a limit, read in small steps: ten records should not cost a 1 MiB read and decode.
  do {
    const step = limited ? Math.min(budget, LIMITED_STEP_BYTES) : budget;
    got = await ctx.log.fetch(
      ctx.topic,
      partition,
      next,
      step,
      records.length === 0 ? waitMs : 0,
      limit - records.length,
      readCommitted,
    );
    budget -= step;
    records.push(...got.records);
    if (got.records.length === 0) break;
    next = records[records.length - 1]!.offset + 1n;
  } while (records.length < limit && budget > 0 && next < got.highWatermark);
  send(ctx, format, records, positionHeaders(next - 1n, got.highWatermark, got.logStartOffset));
}

/**
 * Each offset is looked up with a fetch of one batch (the one holding it); offsets that batch
 * also holds are answered from it. An offset with no record (archived, compacted away, or not
 * written yet) is a 404 naming it: an answer never leaves a named record out silently.
 */
async function multiget(
  ctx: RouteContext,
  partition: number,
  format: (typeof GET_FORMATS)[number],
  offsets: bigint[],
  readCommitted: boolean,
): Promise<void> {
  const found = new Map<bigint, LogRecord>();
  let highWatermark = -1n;
  let logStartOffset = -1n;
  for (const offset of [...new Set(offsets)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (found.has(offset)) continue;
    const got = await ctx.log
      .fetch(ctx.topic, partition, offset, 1, 0, undefined, readCommitted)
      .catch((err: unknown) => {
        // Outside the log (archived, or not written yet): that offset has no record.
        if (err instanceof HttpError && err.status === 416) {
          throw new HttpError(
            404,
            'offset_not_found',
            `${ctx.topic}-${partition} has no record at offset ${offset}`,
            {
              offset: Number(offset),
              ...err.details,
            },
          );
        }
        throw err;
      });
    highWatermark = got.highWatermark;
    logStartOffset = got.logStartOffset;
    for (const r of got.records) found.set(r.offset, r);
    if (!found.has(offset)) {
      throw new HttpError(
        404,
        'offset_not_found',
        `${ctx.topic}-${partition} has no record at offset ${offset}`,
        {
          offset: Number(offset),
          logStartOffset: Number(logStartOffset),
          highWatermark: Number(highWatermark),
        },
      );
    }
  }
  const records = offsets.map((o) => found.get(o)!);
  send(
    ctx,
    format,
    records,
    positionHeaders(records[records.length - 1]!.offset, highWatermark, logStartOffset),
  );
}

function send(
  ctx: RouteContext,
  format: (typeof GET_FORMATS)[number],
  records: LogRecord[],
  headers: Record<string, string>,
): void {
  const { contentType, body } = render(format, records);
  ctx.res.writeHead(200, {
    'content-type': contentType,
    'content-length': body.length,
    'x-kilgore-record-count': String(records.length),
    ...headers,
  });
  ctx.res.end(body);
}
