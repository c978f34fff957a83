import { badRequest } from '../errors.js';
import type { PutRecord } from '../log-client.js';
import { Params } from '../params.js';
import { type RouteContext, sendJson } from './context.js';

const PUT_FORMATS = ['raw', 'ndjson', 'json'] as const;

/**
 * POST /put/<topic>: format=raw (default) appends the body as one record's value; ndjson one
 * record per non-empty line; json one per element of a JSON array (a string element is its
 * text, null a null value, anything else its JSON). A multi-record body is one batch in one write, so its records
 * get consecutive offsets. key= sets every record's key.
 */
export async function put(ctx: RouteContext): Promise<void> {
  const params = new Params(ctx.url.searchParams, ['partition', 'key', 'format']);
  const partition = params.partition();
  const format = params.choice('format', PUT_FORMATS);
  const keyText = params.string('key');
  const key = keyText === undefined ? null : Buffer.from(keyText, 'utf8');
  const body = await ctx.body();
  const values = format === 'raw' ? [body] : format === 'ndjson' ? lines(body) : jsonElements(body);
  if (values.length === 0) throw badRequest('empty_batch', `a format=${format} body with no record`);
  const records: PutRecord[] = values.map((value) => ({ key, value }));
  const base = await ctx.log.put(ctx.topic, partition, records);
  const last = base + BigInt(records.length - 1);
  const headers = { 'x-kilgore-last-offset': String(last) };
  if (format === 'raw') {
    sendJson(ctx.res, 200, { topic: ctx.topic, partition, offset: base }, headers);
  } else {
    const offsets = records.map((_, i) => base + BigInt(i));
    sendJson(ctx.res, 200, { topic: ctx.topic, partition, offsets }, headers);
  }
}

/** Non-empty lines; a trailing CR (CRLF files) is not part of the value. */
function lines(body: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let start = 0;
  while (start < body.length) {
    let end = body.indexOf(10, start);
    if (end < 0) end = body.length;
    const stop = end > start && body[end - 1] === 13 ? end - 1 : end;
    if (stop > start) out.push(body.subarray(start, stop));
    start = end + 1;
  }
  return out;
}

/** A JSON null is a null value (a tombstone), as format=json shows one on the way out. */
function jsonElements(body: Buffer): (Buffer | null)[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw badRequest('bad_json', `the body is not JSON: ${(err as Error).message}`);
  }
  if (!Array.isArray(parsed))
    throw badRequest('bad_json', 'a format=json body must be a JSON array of records');
  return parsed.map((v: unknown) =>
    v === null ? null : Buffer.from(typeof v === 'string' ? v : JSON.stringify(v), 'utf8'),
  );
}
