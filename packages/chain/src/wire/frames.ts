/**
 * Framing of replication messages exactly as Kafka frames requests: int32 size, request header
 * v1 (api key, version, correlation id, client id), body; responses: size, correlation id, body.
 */
import {
  decodeMessage,
  decodeRequestHeader,
  decodeResponseHeader,
  encodeMessage,
  encodeRequestHeader,
  encodeResponseHeader,
  inVersionRange,
  Reader,
  type RequestHeader,
  Writer,
} from '@kilgore/protocol';
import { CHAIN_SCHEMAS, CHAIN_SEND_VERSIONS } from './schemas.js';

export const CHAIN_CLIENT_ID = 'kilgore-chain';

function schemaOf(apiKey: number) {
  const s = CHAIN_SCHEMAS.get(apiKey);
  if (s === undefined) throw new Error(`not a chain api key: ${apiKey}`);
  return s;
}

/** The version this node sends of a chain message. */
export function chainSendVersion(apiKey: number): number {
  return CHAIN_SEND_VERSIONS.get(apiKey) ?? 0;
}

export function encodeChainRequest(
  apiKey: number,
  correlationId: number,
  body: object,
  apiVersion = chainSendVersion(apiKey),
): Buffer[] {
  const w = new Writer();
  const size = w.reserveInt32();
  encodeRequestHeader(w, { apiKey, apiVersion, correlationId, clientId: CHAIN_CLIENT_ID }, 1);
  encodeMessage(schemaOf(apiKey), 'request', apiVersion, body, w);
  w.patchInt32(size, w.length - 4);
  return w.toBuffers();
}

/** Decodes a request frame (no size prefix); throws DecodeError or Error for bad input. */
export function decodeChainRequest<T>(frame: Buffer): { header: RequestHeader; body: T } {
  const r = new Reader(frame);
  const header = decodeRequestHeader(r, 1);
  const schema = schemaOf(header.apiKey);
  if (!inVersionRange(schema.validVersions, header.apiVersion))
    throw new Error(`unsupported version ${header.apiVersion} of ${header.apiKey}`);
  return { header, body: decodeMessage<object>(schema, 'request', header.apiVersion, r) as T };
}

/** The answer, in the version of the request it answers. */
export function encodeChainResponse(
  apiKey: number,
  correlationId: number,
  body: object,
  apiVersion = 0,
): Buffer[] {
  const w = new Writer();
  const size = w.reserveInt32();
  encodeResponseHeader(w, correlationId, 0);
  encodeMessage(schemaOf(apiKey), 'response', apiVersion, body, w);
  w.patchInt32(size, w.length - 4);
  return w.toBuffers();
}

export function decodeChainResponse<T>(
  apiKey: number,
  frame: Buffer,
  apiVersion = chainSendVersion(apiKey),
): { correlationId: number; body: T } {
  const r = new Reader(frame);
  const { correlationId } = decodeResponseHeader(r, 0);
  return { correlationId, body: decodeMessage<object>(schemaOf(apiKey), 'response', apiVersion, r) as T };
}
