/**
 * fast-check arbitraries shaped by a schema at one version: fields the version has get random
 * values, the others their defaults, so decode(encode(x)) must give back exactly x.
 */
import fc from 'fast-check';
import { isPrimitiveType } from '../src/codec/index.js';
import type { FieldSpec, PrimitiveType } from '../src/schema/index.js';
import { inVersionRange } from '../src/schema/index.js';

type Value = unknown;
type Obj = Record<string, unknown>;

const buffer = (max: number) => fc.uint8Array({ maxLength: max }).map((a) => Buffer.from(a));

function primitive(type: PrimitiveType): fc.Arbitrary<Value> {
  switch (type) {
    case 'bool':
      return fc.boolean();
    case 'int8':
      return fc.integer({ min: -128, max: 127 });
    case 'int16':
      return fc.integer({ min: -32768, max: 32767 });
    case 'uint16':
      return fc.integer({ min: 0, max: 65535 });
    case 'int32':
      return fc.integer({ min: -0x80000000, max: 0x7fffffff });
    case 'uint32':
      return fc.integer({ min: 0, max: 0xffffffff });
    case 'int64':
      return fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
    case 'float64':
      return fc.double();
    case 'string':
      return fc.string({ unit: 'grapheme', maxLength: 12 });
    case 'uuid':
      return fc.uint8Array({ minLength: 16, maxLength: 16 }).map((a) => Buffer.from(a).toString('base64url'));
    case 'bytes':
    case 'records':
      return buffer(24);
  }
}

/** Tags far above any Kafka uses, sorted and unique, as a decoder would return them. */
const unknownTagged = fc
  .uniqueArray(fc.integer({ min: 10_000, max: 10_020 }), { maxLength: 2 })
  .chain((tags) =>
    fc.tuple(...tags.sort((a, b) => a - b).map((tag) => buffer(6).map((data) => ({ tag, data })))),
  );

/** The default a decoder fills in for a field its version lacks (mirrors Kafka's generator). */
export function defaultOf(f: FieldSpec): Value {
  const d = f.default;
  if (f.type === 'records') return null;
  if (
    d === null &&
    !['bool', 'int8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'float64', 'uuid'].includes(f.type)
  )
    return null;
  if (f.type.startsWith('[]')) return [];
  if (!isPrimitiveType(f.type)) return defaultStruct(f.fields ?? []);
  switch (f.type) {
    case 'bool':
      return d === true || d === 'true';
    case 'int64':
      return d === undefined ? 0n : BigInt(d as bigint);
    case 'string':
      return d === undefined ? '' : String(d);
    case 'uuid':
      return d === undefined ? 'AAAAAAAAAAAAAAAAAAAAAA' : String(d);
    case 'bytes':
      return Buffer.alloc(0);
    default:
      return d === undefined ? 0 : Number(d);
  }
}

function defaultStruct(fields: readonly FieldSpec[]): Obj {
  const obj: Obj = {};
  for (const f of fields) obj[f.name] = defaultOf(f);
  return obj;
}

function fieldArbitrary(f: FieldSpec, version: number, flexible: boolean): fc.Arbitrary<Value> {
  let arb: fc.Arbitrary<Value>;
  if (f.type.startsWith('[]')) {
    const elem = f.type.slice(2);
    const elemArb = isPrimitiveType(elem)
      ? primitive(elem as PrimitiveType)
      : structArbitrary(f.fields ?? [], version, flexible);
    arb = fc.array(elemArb, { maxLength: 3 });
  } else if (isPrimitiveType(f.type)) {
    arb = primitive(f.type as PrimitiveType);
  } else {
    arb = structArbitrary(f.fields ?? [], version, flexible);
  }
  return inVersionRange(f.nullableVersions, version) ? fc.option(arb, { nil: null, freq: 4 }) : arb;
}

export function structArbitrary(
  fields: readonly FieldSpec[],
  version: number,
  flexible: boolean,
  withUnknownTags = true,
): fc.Arbitrary<Obj> {
  const shape: Record<string, fc.Arbitrary<Value>> = {};
  for (const f of fields) {
    shape[f.name] = inVersionRange(f.versions, version)
      ? fieldArbitrary(f, version, flexible)
      : fc.constant(null).map(() => defaultOf(f));
  }
  const record = fc.record(shape) as fc.Arbitrary<Obj>;
  if (!flexible || !withUnknownTags) return record;
  return fc
    .tuple(record, unknownTagged)
    .map(([obj, unknown]) => (unknown.length > 0 ? { ...obj, unknownTaggedFields: unknown } : obj));
}
