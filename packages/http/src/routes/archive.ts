import { HttpError } from '../errors.js';
import { Params } from '../params.js';
import { type RouteContext, sendJson } from './context.js';

/**
 * POST /archive/<topic>?upto=<offset>: DeleteRecords, so the records before `upto` are gone
 * (Kafka's meaning of a deletion offset) and the log now starts at `upto`.
 */
export async function archive(ctx: RouteContext): Promise<void> {
  const params = new Params(ctx.url.searchParams, ['upto', 'partition']);
  const partition = params.partition();
  const upto = params.offset('upto');
  if (upto === undefined) throw new HttpError(400, 'bad_offset', 'archive needs upto=<offset>');
  const logStartOffset = await ctx.log.archive(ctx.topic, partition, upto);
  sendJson(ctx.res, 200, { topic: ctx.topic, partition, logStartOffset });
}
