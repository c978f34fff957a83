import { Reader } from '../primitives/reader.js';
import { Writer } from '../primitives/writer.js';
import type { ApiSchema } from '../schema/types.js';
import { UnsupportedVersionError } from './errors.js';
import { decodeMessage, encodeMessage, isSupportedVersion } from './message.js';
import { lookupSchema } from './registry.js';
import type { MessageData } from './types.js';

/** The schema for `apiKey` if `apiVersion` is supported; otherwise UnsupportedVersionError. */
export function requireSchema(apiKey: number, apiVersion: number): ApiSchema {
  const schema = lookupSchema(apiKey);
  if (schema === undefined) throw new UnsupportedVersionError(apiKey, apiVersion, false);
  if (!isSupportedVersion(schema, apiVersion)) throw new UnsupportedVersionError(apiKey, apiVersion, true);
  return schema;
}

const asReader = (input: Buffer | Reader): Reader => (input instanceof Reader ? input : new Reader(input));

export function decodeRequestBody<T extends object = MessageData>(
  apiKey: number,
  version: number,
  input: Buffer | Reader,
): T {
  return decodeMessage<T>(requireSchema(apiKey, version), 'request', version, asReader(input));
}

export function decodeResponseBody<T extends object = MessageData>(
  apiKey: number,
  version: number,
  input: Buffer | Reader,
): T {
  return decodeMessage<T>(requireSchema(apiKey, version), 'response', version, asReader(input));
}

export function encodeRequestBody(apiKey: number, version: number, value: object): Buffer {
  const w = new Writer();
  encodeMessage(requireSchema(apiKey, version), 'request', version, value, w);
  return w.toBuffer();
}

export function encodeResponseBody(apiKey: number, version: number, value: object): Buffer {
  const w = new Writer();
  encodeMessage(requireSchema(apiKey, version), 'response', version, value, w);
  return w.toBuffer();
}
