import type { BrokerContext } from '../context.js';

/** What a handler knows about the request it is answering. */
export interface RequestInfo {
  apiKey: number;
  apiVersion: number;
  correlationId: number;
  clientId: string | null;
  /** The listener the request arrived on (Metadata answers with that listener's address). */
  listenerName: string;
  /** The client's address (DescribeGroups reports it per member); empty when unknown. */
  clientHost?: string;
  /**
   * Who sent it, in Kafka's form: `User:alice` after SASL, the certificate's distinguished name
   * (`User:CN=...`) after TLS client authentication, `User:ANONYMOUS` otherwise (and when unset).
   */
  principal?: string;
}

/**
 * One Kafka API. The router decodes the request body with the protocol codec, calls `handle`,
 * and encodes what it returns; `null` means "send no response" (Produce with acks=0).
 */
export interface ApiHandler<Req = unknown, Res = unknown> {
  apiKey: number;
  /** The versions this handler truly implements: exactly what ApiVersions advertises. */
  minVersion: number;
  maxVersion: number;
  handle(request: Req, info: RequestInfo, broker: BrokerContext): Res | null | Promise<Res | null>;
}

/** Keeps the request/response types of a handler while storing it in an untyped table. */
export function defineHandler<Req, Res>(handler: ApiHandler<Req, Res>): ApiHandler {
  return handler as unknown as ApiHandler;
}
