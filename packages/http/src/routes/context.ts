import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HttpConfig } from '../config.js';
import type { LogClient } from '../log-client.js';

/** What a route handler gets: the topic from the path, the request, and the log to act on. */
export interface RouteContext {
  topic: string;
  url: URL;
  req: IncomingMessage;
  res: ServerResponse;
  log: LogClient;
  config: HttpConfig;
  /** Aborted when the HTTP server or the broker stops: streams (tails) end. */
  stopping: AbortSignal;
  /** The request body, read up to kilgore.http.max.request.bytes (413 past it). */
  body(): Promise<Buffer>;
}

/** Answers with a JSON body. */
export function sendJson(
  res: ServerResponse,
  status: number,
  value: unknown,
  headers: Record<string, string> = {},
): void {
  const body = JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? Number(v) : v));
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    ...headers,
  });
  res.end(body);
}

/**
 * The headers telling a polling client where it is: the offset of the last record sent (Kaf's
 * x-kaf-lastmsgsent is the same number), the next offset to ask for, and the partition's bounds.
 * With no record sent, "last" is the offset before `from`, so `last + 1` is always where to go on.
 */
export function positionHeaders(
  last: bigint,
  highWatermark: bigint,
  logStartOffset: bigint,
): Record<string, string> {
  return {
    'x-kilgore-last-offset': String(last),
    'x-kaf-lastmsgsent': String(last),
    'x-kilgore-next-offset': String(last + 1n),
    'x-kilgore-high-watermark': String(highWatermark),
    'x-kilgore-log-start-offset': String(logStartOffset),
  };
}
