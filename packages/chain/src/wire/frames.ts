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
  Reader,
  type RequestHeader,
  Writer,
} from '@kilgore/protocol';
import { CHAIN_SCHEMAS } from './schemas.js';

export const CHAIN_CLIENT_ID = 'kilgore-chain';

function schemaOf(apiKey: number) {
  const s = CHAIN_SCHEMAS.get(apiKey);
  if (s === undefined) throw new Error(`not a chain api key: ${apiKey}`);
  return s;
}

export function encodeChainRequest(apiKey: number, correlationId: number, body: object): Buffer[] {
  const w = new Writer();
  const size = w.reserveInt32();
  encodeRequestHeader(w, { apiKey, apiVersion: 0, correlationId, clientId: CHAIN_CLIENT_ID }, 1);
  encodeMessage(schemaOf(apiKey), 'request', 0, body, w);
  w.patchInt32(size, w.length - 4);
  return w.toBuffers();
}

/** Decodes a request frame (no size prefix); throws DecodeError or Error for bad input. */
export function decodeChainRequest<T>(frame: Buffer): { header: RequestHeader; body: T } {
  const r = new Reader(frame);
  const header = decodeRequestHeader(r, 1);
  if (header.apiVersion !== 0)
    throw new Error(`unsupported version ${header.apiVersion} of ${header.apiKey}`);
  return { header, body: decodeMessage<object>(schemaOf(header.apiKey), 'request', 0, r) as T };
}

export function encodeChainResponse(apiKey: number, correlationId: number, body: object): Buffer[] {
  const w = new Writer();
  const size = w.reserveInt32();
  encodeResponseHeader(w, correlationId, 0);
  encodeMessage(schemaOf(apiKey), 'response', 0, body, w);
  w.patchInt32(size, w.length - 4);
  return w.toBuffers();
}

export function decodeChainResponse<T>(apiKey: number, frame: Buffer): { correlationId: number; body: T } {
  const r = new Reader(frame);
  const { correlationId } = decodeResponseHeader(r, 0);
  return { correlationId, body: decodeMessage<object>(schemaOf(apiKey), 'response', 0, r) as T };
}
