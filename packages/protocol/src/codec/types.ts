import type { PrimitiveType } from '../schema/types.js';

/** A decoded message or struct: plain object, camelCase keys as in `FieldSpec.name`. */
export type MessageData = Record<string, unknown>;

/** Which half of an API a schema side describes. */
export type MessageSide = 'request' | 'response';

/**
 * Key under which a decoded struct keeps tagged fields it did not recognise (raw, zero-copy).
 * Encoding writes them back in tag order, so bytes from a newer client re-encode unchanged.
 * The key is present only when there were such fields.
 */
export const UNKNOWN_TAGGED_FIELDS = 'unknownTaggedFields';

const PRIMITIVES: ReadonlySet<string> = new Set<PrimitiveType>([
  'bool',
  'int8',
  'int16',
  'uint16',
  'int32',
  'uint32',
  'int64',
  'float64',
  'string',
  'bytes',
  'uuid',
  'records',
]);

export function isPrimitiveType(type: string): type is PrimitiveType {
  return PRIMITIVES.has(type);
}
