import {
  decodeRequestHeader,
  encodeRequestHeader,
  peekRequestApi,
  type RequestHeader,
} from '../header/request-header.js';
import { decodeResponseHeader, encodeResponseHeader } from '../header/response-header.js';
import { requestHeaderVersion, responseHeaderVersion } from '../header/versions.js';
import { Reader } from '../primitives/reader.js';
import { Writer } from '../primitives/writer.js';
import { requireSchema } from './by-key.js';
import { decodeMessage, encodeMessage } from './message.js';
import type { MessageData } from './types.js';

/** A decoded request frame. */
export interface DecodedRequest<T extends object = MessageData> {
  header: RequestHeader;
  body: T;
}

/**
 * Decodes a request frame (the bytes after the 4-byte size, as FrameSplitter yields them).
 * Throws UnsupportedVersionError (carrying the api key and version; use peekRequestApi for the
 * correlation id) for unknown keys or versions, DecodeError for malformed bytes. Trailing bytes
 * after the body are ignored, as Kafka does.
 */
export function decodeRequest<T extends object = MessageData>(frame: Buffer): DecodedRequest<T> {
  const { apiKey, apiVersion } = peekRequestApi(frame);
  const schema = requireSchema(apiKey, apiVersion);
  const r = new Reader(frame);
  const header = decodeRequestHeader(r, requestHeaderVersion(apiKey, apiVersion));
  return { header, body: decodeMessage<T>(schema, 'request', apiVersion, r) };
}

/** Encodes a whole request, size prefix included, as chunks for `socket.writev` (or Buffer.concat). */
export function encodeRequest(request: { header: RequestHeader; body: object }): Buffer[] {
  const { header, body } = request;
  const schema = requireSchema(header.apiKey, header.apiVersion);
  const w = new Writer();
  const size = w.reserveInt32();
  encodeRequestHeader(w, header, requestHeaderVersion(header.apiKey, header.apiVersion));
  encodeMessage(schema, 'request', header.apiVersion, body, w);
  w.patchInt32(size, w.length - 4);
  return w.toBuffers();
}

/**
 * Encodes a whole response, size prefix included, with the header version Kafka uses for this
 * (api, version). Large byte fields (records) are referenced, not copied: write the chunks with
 * `socket.writev` or `cork`/`write`.
 */
export function encodeResponse(
  apiKey: number,
  apiVersion: number,
  correlationId: number,
  body: object,
): Buffer[] {
  const schema = requireSchema(apiKey, apiVersion);
  const w = new Writer();
  const size = w.reserveInt32();
  encodeResponseHeader(w, correlationId, responseHeaderVersion(apiKey, apiVersion));
  encodeMessage(schema, 'response', apiVersion, body, w);
  w.patchInt32(size, w.length - 4);
  return w.toBuffers();
}

/** Decodes a response frame (without its size prefix) for a request the caller sent. */
export function decodeResponse<T extends object = MessageData>(
  apiKey: number,
  apiVersion: number,
  frame: Buffer,
): { correlationId: number; body: T } {
  const schema = requireSchema(apiKey, apiVersion);
  const r = new Reader(frame);
  const { correlationId } = decodeResponseHeader(r, responseHeaderVersion(apiKey, apiVersion));
  return { correlationId, body: decodeMessage<T>(schema, 'response', apiVersion, r) };
}
