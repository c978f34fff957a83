/**
 * Message schemas as data, in the shape of Apache Kafka's `common/message/*.json` files.
 *
 * A schema names the API, its key, the versions a broker may speak, which of them are flexible
 * (KIP-482 compact encodings + tagged fields), and the fields of the request and the response.
 * One generic codec (`../codec`) reads and writes any of them, so adding an API is adding data.
 *
 * Version ranges use Kafka's notation: "3" (only 3), "3+" (3 and later), "0-7" (inclusive),
 * "none" (never).
 */

/** Kafka's spelling of a version range: "0+", "3-7", "5", "none". */
export type VersionRange = string;

/** Primitive field types, named as in Kafka's JSON schemas. */
export type PrimitiveType =
  | 'bool'
  | 'int8'
  | 'int16'
  | 'uint16'
  | 'int32'
  | 'uint32'
  | 'int64'
  | 'float64'
  | 'string'
  | 'bytes'
  | 'uuid'
  /** Record batches: decoded as a raw Buffer slice, never parsed by the message codec. */
  | 'records';

/**
 * A field's type: a primitive, an array of primitives (`[]int32`), or an array of structs
 * (`[]SomeStruct`, with `fields` given inline) or a single struct (`SomeStruct`, with `fields`).
 */
export type FieldType = PrimitiveType | `[]${string}` | string;

export interface FieldSpec {
  /** camelCase name used as the key of the decoded object (Kafka's JSON uses PascalCase). */
  name: string;
  type: FieldType;
  /** Versions in which the field exists on the wire (or in tagged fields). */
  versions: VersionRange;
  /** Versions in which the field may be null (strings, bytes, arrays, structs, records). */
  nullableVersions?: VersionRange;
  /** Versions in which the field is sent as a tagged field, with `tag`. */
  taggedVersions?: VersionRange;
  tag?: number;
  /**
   * Value used when the field is absent in a version (decoding) and the default Kafka assumes.
   * Numbers for int8..int32/float64, bigint for int64, strings for string/uuid, booleans, null.
   */
  default?: number | bigint | string | boolean | null;
  /** Whether Kafka silently drops a non-default value in versions without the field. */
  ignorable?: boolean;
  /** Fields of a struct or of each element of a struct array. */
  fields?: FieldSpec[];
  /** Free-text note, as in Kafka's "about". */
  about?: string;
}

export interface MessageSpec {
  /** The fields of one side (request or response). */
  fields: FieldSpec[];
}

export interface ApiSchema {
  /** Kafka's API name: "Produce", "Fetch", ... */
  name: string;
  apiKey: number;
  /** The versions Kilgore's codec can encode and decode for this API. */
  validVersions: VersionRange;
  /** Versions that use compact encodings and tagged fields. */
  flexibleVersions: VersionRange;
  request: MessageSpec;
  response: MessageSpec;
}
