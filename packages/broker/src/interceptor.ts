import type { RequestInfo } from './handlers/types.js';

/** A decoded request as an interceptor sees it: the header facts and the request body. */
export interface InterceptedRequest extends RequestInfo {
  /** The decoded request body (the protocol's `<Api>Request` type for `apiKey`). */
  readonly body: unknown;
}

/**
 * Runs the handler with `body` (the original or a modified copy) and resolves its response body;
 * `null` means "no response" (Produce acks=0).
 */
export type InterceptNext = (body: unknown) => Promise<unknown>;

/**
 * Wraps every decoded request before its handler, for tests (fault injection, observation).
 * Return `next(request.body)` to pass through, another response body to answer instead, `null`
 * to send nothing; throw `CloseConnection` to drop the connection. Off unless a broker is started
 * with one; the router then takes the direct path with no extra work.
 */
export type RequestInterceptor = (request: InterceptedRequest, next: InterceptNext) => Promise<unknown>;
