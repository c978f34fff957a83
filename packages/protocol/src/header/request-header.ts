import { DecodeError } from '../primitives/decode-error.js';
import type { Reader } from '../primitives/reader.js';
import type { Writer } from '../primitives/writer.js';

export interface RequestHeader {
  apiKey: number;
  apiVersion: number;
  correlationId: number;
  /** Absent in header v0 (decoded as null). */
  clientId: string | null;
}

export type RequestHeaderVersion = 0 | 1 | 2;

/**
 * v0: api_key, api_version, correlation_id. v1: + client_id as a classic nullable string (never
 * compact, even in flexible requests). v2: v1 + tagged fields (read and discarded: no header tag
 * means anything to a broker today).
 */
export function decodeRequestHeader(r: Reader, version: RequestHeaderVersion): RequestHeader {
  const apiKey = r.readInt16();
  const apiVersion = r.readInt16();
  const correlationId = r.readInt32();
  const clientId = version >= 1 ? r.readNullableString() : null;
  if (version >= 2) r.skipTaggedFields();
  return { apiKey, apiVersion, correlationId, clientId };
}

export function encodeRequestHeader(w: Writer, header: RequestHeader, version: RequestHeaderVersion): void {
  w.writeInt16(header.apiKey);
  w.writeInt16(header.apiVersion);
  w.writeInt32(header.correlationId);
  if (version >= 1) w.writeNullableString(header.clientId);
  if (version >= 2) w.writeUInt8(0);
}

/** The fixed first 8 bytes of every request header, readable without knowing the API. */
export interface RequestApi {
  apiKey: number;
  apiVersion: number;
  correlationId: number;
}

/**
 * Reads api key, version and correlation id from the start of a request frame without a schema,
 * so an unsupported API or version can still be answered (or logged) with the right correlation.
 */
export function peekRequestApi(frame: Buffer): RequestApi {
  if (frame.length < 8) {
    throw new DecodeError('truncated', `request header needs 8 bytes, frame has ${frame.length}`, 0);
  }
  return {
    apiKey: frame.readInt16BE(0),
    apiVersion: frame.readInt16BE(2),
    correlationId: frame.readInt32BE(4),
  };
}
