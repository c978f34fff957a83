import type { BrokerContext } from './context.js';
import { handlerTable } from './handlers/index.js';
import type { RequestInfo } from './handlers/types.js';

/** Who an in-process request comes from; the authorizer checks it as it checks a connection. */
export interface LocalCaller {
  /** Kafka form, e.g. `User:alice`; absent means `User:ANONYMOUS`. */
  principal?: string;
  /** For ACL host rules and group member lists; empty when unknown. */
  clientHost?: string;
  clientId?: string;
  /** The listener whose address Metadata answers with; the first one when absent. */
  listenerName?: string;
}

/** Thrown when an in-process request names an API or version the broker does not serve. */
export class LocalRequestError extends Error {}

/**
 * Calls a Kafka API handler in-process with a request body in the codec's decoded form, and
 * resolves with its response body, the same objects the router would have encoded. Interfaces
 * that sit above the broker (HTTP, unix-socket ingest) use this so that every write and read goes
 * through the same checks, ACLs, replication and acks as a Kafka client's request.
 * Resolves with `null` where Kafka sends no response (Produce with acks=0).
 */
export function createLocalRequests(context: BrokerContext) {
  const table = handlerTable();
  let correlationId = 0;
  return async function request<Res = unknown>(
    apiKey: number,
    apiVersion: number,
    body: object,
    caller: LocalCaller = {},
  ): Promise<Res | null> {
    const handler = table[apiKey];
    if (handler === undefined || apiVersion < handler.minVersion || apiVersion > handler.maxVersion) {
      throw new LocalRequestError(`api key ${apiKey} version ${apiVersion} is not served by this broker`);
    }
    correlationId = (correlationId + 1) | 0;
    const info: RequestInfo = {
      apiKey,
      apiVersion,
      correlationId,
      clientId: caller.clientId ?? null,
      listenerName: caller.listenerName ?? context.advertised[0]?.listener ?? '',
      clientHost: caller.clientHost ?? '',
      principal: caller.principal,
    };
    return (await handler.handle(body, info, context)) as Res | null;
  };
}

export type LocalRequests = ReturnType<typeof createLocalRequests>;
