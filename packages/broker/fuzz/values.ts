import { type ApiSchema, type FieldSpec, isPrimitiveType, type PrimitiveType } from '@kilgore/protocol';
import type { Rng } from './rng.js';

/**
 * Random request bodies shaped by a schema: every field gets a value (the codec writes the ones
 * the version has), biased towards what exercises handlers: names of topics and groups that
 * exist in the fuzzed broker, boundary integers, empty and null collections, short arrays.
 */

const NAMES = ['fuzz', 'fuzz-1', 'orders', '__consumer_offsets', '', '*', 'g', 'kafka-cluster', 'a.b_c-d'];
const INTS = [0, 1, -1, 2, 3, 100, 1000, 0x7fff, -0x8000, 0x7fffffff, -0x80000000];
const BIGINTS = [0n, 1n, -1n, -2n, -3n, 1000n, 2n ** 63n - 1n, -(2n ** 63n)];

export function randomBody(schema: ApiSchema, rng: Rng, records: readonly Buffer[]): Record<string, unknown> {
  return struct(schema.request.fields, rng, records, 0);
}

function struct(
  fields: readonly FieldSpec[],
  rng: Rng,
  records: readonly Buffer[],
  depth: number,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) out[f.name] = value(f, rng, records, depth);
  return out;
}

function value(f: FieldSpec, rng: Rng, records: readonly Buffer[], depth: number): unknown {
  const nullable = f.nullableVersions !== undefined;
  if (nullable && rng.chance(0.1)) return null;
  if (f.type.startsWith('[]')) {
    const elem = f.type.slice(2);
    const n = depth > 3 ? 0 : rng.pick([0, 1, 1, 1, 2, 3]);
    const list: unknown[] = [];
    for (let i = 0; i < n; i++) {
      list.push(
        isPrimitiveType(elem)
          ? primitive(elem, rng, records)
          : struct(f.fields ?? [], rng, records, depth + 1),
      );
    }
    return list;
  }
  if (isPrimitiveType(f.type)) return primitive(f.type, rng, records);
  return struct(f.fields ?? [], rng, records, depth + 1);
}

function primitive(type: PrimitiveType, rng: Rng, records: readonly Buffer[]): unknown {
  switch (type) {
    case 'bool':
      return rng.chance(0.5);
    case 'int8':
      return rng.pick([0, 1, 2, 3, 4, -1, 127, -128]);
    case 'int16':
      return rng.pick([0, 1, -1, 2, 3, 0x7fff, -0x8000]);
    case 'uint16':
      return rng.pick([0, 1, 0xffff]);
    case 'int32':
      return rng.chance(0.7) ? rng.pick(INTS) : rng.u32() | 0;
    case 'uint32':
      return rng.pick([0, 1, 0xffffffff]);
    case 'int64':
      return rng.pick(BIGINTS);
    case 'float64':
      return rng.pick([0, 1.5, -1, Number.NaN]);
    case 'string':
      return rng.chance(0.85) ? rng.pick(NAMES) : rng.bytes(rng.below(12)).toString('latin1');
    case 'uuid':
      return rng.chance(0.5) ? 'AAAAAAAAAAAAAAAAAAAAAA' : rng.bytes(16).toString('base64url');
    case 'bytes':
      return rng.bytes(rng.below(16));
    case 'records':
      return records.length > 0 && rng.chance(0.8) ? rng.pick(records) : rng.bytes(rng.below(80));
  }
}
