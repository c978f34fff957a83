import type { Reader } from '../primitives/reader.js';
import type { Writer } from '../primitives/writer.js';
import type { ApiSchema } from '../schema/types.js';
import { inVersionRange } from '../schema/versions.js';
import { compileStruct, type StructPlan } from './compile.js';
import { UnsupportedVersionError } from './errors.js';
import type { MessageData, MessageSide } from './types.js';

interface SchemaPlans {
  request: (StructPlan | undefined)[];
  response: (StructPlan | undefined)[];
}

/** Plans compiled on first use per (schema, side, version) and kept for the process lifetime. */
const plans = new WeakMap<ApiSchema, SchemaPlans>();

/** Whether `version` uses compact encodings and tagged fields (regardless of support). */
export function isFlexibleVersion(schema: ApiSchema, version: number): boolean {
  return inVersionRange(schema.flexibleVersions, version);
}

export function isSupportedVersion(schema: ApiSchema, version: number): boolean {
  return inVersionRange(schema.validVersions, version);
}

/** The compiled plan for one side and version; throws UnsupportedVersionError outside validVersions. */
export function planFor(schema: ApiSchema, side: MessageSide, version: number): StructPlan {
  let byVersion = plans.get(schema);
  if (byVersion === undefined) {
    byVersion = { request: [], response: [] };
    plans.set(schema, byVersion);
  }
  const list = side === 'request' ? byVersion.request : byVersion.response;
  let plan = list[version];
  if (plan === undefined) {
    if (!isSupportedVersion(schema, version)) throw new UnsupportedVersionError(schema.apiKey, version, true);
    const label = `${schema.name}_${side}_v${version}`;
    plan = compileStruct(schema[side].fields, version, isFlexibleVersion(schema, version), label);
    list[version] = plan;
  }
  return plan;
}

/**
 * Decodes one message body at the reader's position. Every field of the schema is present in
 * the result: fields the version lacks hold their defaults. Byte and record fields are zero-copy
 * views of the input. Malformed input throws DecodeError only.
 */
export function decodeMessage<T extends object = MessageData>(
  schema: ApiSchema,
  side: MessageSide,
  version: number,
  reader: Reader,
): T {
  return planFor(schema, side, version).decode(reader) as T;
}

/**
 * Encodes one message body. A missing (undefined) field is written as its default, so callers
 * can omit fields their version lacks. Values of fields absent in `version` are dropped silently
 * (Kafka would refuse non-ignorable ones; a broker answering an old client wants them dropped).
 * Tagged fields are written only when they differ from their default.
 */
export function encodeMessage(
  schema: ApiSchema,
  side: MessageSide,
  version: number,
  value: object,
  writer: Writer,
): void {
  planFor(schema, side, version).encode(writer, value as MessageData);
}
