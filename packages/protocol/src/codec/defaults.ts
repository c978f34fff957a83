import { ZERO_UUID } from '../primitives/uuid.js';
import type { FieldSpec } from '../schema/types.js';
import { CodeScope, entry } from './codegen.js';
import { isPrimitiveType, type MessageData, UNKNOWN_TAGGED_FIELDS } from './types.js';

/**
 * A field's default, following Kafka's generator (FieldSpec.fieldDefault): an explicit `default`
 * wins (`null` only for nullable fields); otherwise 0 / 0n / false / '' / zero UUID / empty bytes /
 * empty array / a struct of defaults, and null for records. Nullable fields are NOT null by
 * default unless the schema says `default: null`, exactly as in Kafka, because tagged fields are
 * written only when they differ from this value and that must match Kafka byte for byte.
 */
export interface FieldDefault {
  /** A fresh value for a decoded object (arrays and structs are never shared). */
  make(): unknown;
  /** A shared value for encoding a missing field; never handed to callers. */
  readonly constant: unknown;
  /** Whether `make()` returns `constant` itself (immutables), so generated code may inline it. */
  readonly shared: boolean;
  isDefault(value: unknown): boolean;
}

const EMPTY_BUFFER = Buffer.alloc(0);
const EMPTY_ARRAY: readonly unknown[] = Object.freeze([]);
const cache = new WeakMap<FieldSpec, FieldDefault>();

function constant(value: unknown): FieldDefault {
  return { make: () => value, constant: value, shared: true, isDefault: (v) => v === value };
}

const NULL_DEFAULT = constant(null);

export function fieldDefault(f: FieldSpec): FieldDefault {
  let d = cache.get(f);
  if (d === undefined) {
    d = computeDefault(f);
    cache.set(f, d);
  }
  return d;
}

function computeDefault(f: FieldSpec): FieldDefault {
  const type = f.type;
  const given = f.default;
  if (type === 'records') return NULL_DEFAULT;
  if (given === null && !isScalar(type)) return NULL_DEFAULT;
  if (type.startsWith('[]')) {
    return {
      make: () => [],
      constant: EMPTY_ARRAY,
      shared: false,
      isDefault: (v) => Array.isArray(v) && v.length === 0,
    };
  }
  if (!isPrimitiveType(type)) return structDefault(f);
  switch (type) {
    case 'bool':
      return constant(given === true || given === 'true');
    case 'int64':
      return constant(given === undefined || given === '' ? 0n : BigInt(given as bigint | number | string));
    case 'string':
      return constant(given === undefined ? '' : String(given));
    case 'uuid':
      return constant(given === undefined || given === '' ? ZERO_UUID : String(given));
    case 'bytes':
      return {
        make: () => EMPTY_BUFFER,
        constant: EMPTY_BUFFER,
        shared: true,
        isDefault: (v) => Buffer.isBuffer(v) && v.length === 0,
      };
    default:
      // int8, int16, uint16, int32, uint32, float64; Kafka also allows "0x.." strings.
      return constant(given === undefined || given === '' ? 0 : Number(given));
  }
}

/** Types whose explicit `default: null` would be a schema bug rather than "null". */
function isScalar(type: string): boolean {
  return isPrimitiveType(type) && type !== 'string' && type !== 'bytes' && type !== 'records';
}

function structDefault(f: FieldSpec): FieldDefault {
  const fields = f.fields;
  if (fields === undefined) throw new TypeError(`field ${f.name}: struct type ${f.type} has no fields`);
  // Generated like the decoders (compile.ts): one object literal with the keys in schema order,
  // as in a decoded struct, and no per-key dynamic stores.
  const scope = new CodeScope();
  const entries = fields.map((sub) => {
    const d = fieldDefault(sub);
    return entry(sub.name, d.shared ? scope.ref(d.constant) : `${scope.ref(d.make)}()`);
  });
  const make = scope.compile<() => MessageData>(`default_${f.type}`, [], `return { ${entries.join(', ')} };`);
  return {
    make,
    constant: Object.freeze(make()),
    shared: false,
    isDefault: (v) => {
      if (v === null || typeof v !== 'object') return false;
      const obj = v as MessageData;
      const unknown = obj[UNKNOWN_TAGGED_FIELDS] as unknown[] | undefined;
      if (unknown !== undefined && unknown.length > 0) return false;
      for (const sub of fields) {
        const value = obj[sub.name];
        if (value !== undefined && !fieldDefault(sub).isDefault(value)) return false;
      }
      return true;
    },
  };
}
