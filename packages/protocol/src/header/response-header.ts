import type { Reader } from '../primitives/reader.js';
import type { Writer } from '../primitives/writer.js';

export type ResponseHeaderVersion = 0 | 1;

export interface ResponseHeader {
  correlationId: number;
}

/** v0: correlation_id. v1: + tagged fields (read and discarded). */
export function decodeResponseHeader(r: Reader, version: ResponseHeaderVersion): ResponseHeader {
  const correlationId = r.readInt32();
  if (version >= 1) r.skipTaggedFields();
  return { correlationId };
}

export function encodeResponseHeader(w: Writer, correlationId: number, version: ResponseHeaderVersion): void {
  w.writeInt32(correlationId);
  if (version >= 1) w.writeUInt8(0);
}
