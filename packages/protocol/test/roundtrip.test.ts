import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeMessage, encodeMessage, isFlexibleVersion, type MessageSide } from '../src/codec/index.js';
import { apiSchemas } from '../src/messages/index.js';
import { Reader, Writer } from '../src/primitives/index.js';
import { type ApiSchema, versionBounds } from '../src/schema/index.js';
import { structArbitrary } from './codec-arbitrary.js';

function versionsOf(schema: ApiSchema): number[] {
  const b = versionBounds(schema.validVersions);
  if (b === undefined) return [];
  return Array.from({ length: b.max - b.min + 1 }, (_, i) => b.min + i);
}

const SIDES: MessageSide[] = ['request', 'response'];

describe('decode(encode(x)) deep-equals x for every schema, version and side', () => {
  it('has the registry to iterate', () => {
    expect(apiSchemas.length).toBeGreaterThan(20);
  });

  for (const schema of apiSchemas) {
    it(`${schema.name} (${schema.apiKey}) ${schema.validVersions}`, () => {
      const versions = versionsOf(schema);
      expect(versions.length).toBeGreaterThan(0);
      for (const version of versions) {
        const flexible = isFlexibleVersion(schema, version);
        for (const side of SIDES) {
          const arb = structArbitrary(schema[side].fields, version, flexible);
          fc.assert(
            fc.property(arb, (value) => {
              const w = new Writer(32);
              encodeMessage(schema, side, version, value, w);
              const bytes = w.toBuffer();
              const r = new Reader(bytes);
              const decoded = decodeMessage(schema, side, version, r);
              expect(r.remaining).toBe(0);
              expect(decoded).toEqual(value);
              // Bytes are stable: what we decode re-encodes to the same bytes.
              const again = new Writer(32);
              encodeMessage(schema, side, version, decoded, again);
              expect(again.toBuffer().equals(bytes)).toBe(true);
            }),
            { numRuns: 25 },
          );
        }
      }
    });
  }
});
