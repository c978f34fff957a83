import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeMessage,
  decodeRequest,
  encodeMessage,
  isFlexibleVersion,
  UnsupportedVersionError,
} from '../src/codec/index.js';
import { apiSchemas, schemaForApiKey } from '../src/messages/index.js';
import { DecodeError, Reader, Writer } from '../src/primitives/index.js';
import { type ApiSchema, versionBounds } from '../src/schema/index.js';
import { structArbitrary } from './codec-arbitrary.js';

/** Runs `fn` and returns the DecodeError it must throw (any other outcome fails the test). */
function decodeErrorOf(fn: () => unknown): DecodeError {
  try {
    fn();
  } catch (e) {
    if (e instanceof DecodeError) return e;
    throw new Error(`expected DecodeError, got ${String(e)}`);
  }
  throw new Error('expected DecodeError, but decoding succeeded');
}

function allVersions(schema: ApiSchema): number[] {
  const b = versionBounds(schema.validVersions)!;
  return Array.from({ length: b.max - b.min + 1 }, (_, i) => b.min + i);
}

const metadata = schemaForApiKey(3)!;
const produce = schemaForApiKey(0)!;

describe('malformed primitives', () => {
  it.each([
    ['negative string length', 'fffe', (r: Reader) => r.readNullableString(), 'negative-length'],
    ['string length past the end', '0005616263', (r: Reader) => r.readString(), 'length-past-end'],
    ['negative bytes length', 'fffffffb', (r: Reader) => r.readNullableBytes(), 'negative-length'],
    ['bytes length past the end', '7fffffff00', (r: Reader) => r.readBytes(), 'length-past-end'],
    ['compact bytes past the end', 'ffffffff0f', (r: Reader) => r.readCompactBytes(), 'length-past-end'],
    ['negative array count', 'fffffffe', (r: Reader) => r.readArrayLength(), 'negative-length'],
    ['huge array count', '7fffffff0000', (r: Reader) => r.readArrayLength(), 'length-past-end'],
    [
      'huge compact array count',
      'feffffff0f00',
      (r: Reader) => r.readCompactArrayLength(),
      'length-past-end',
    ],
    ['6-byte varint count', '80808080800100', (r: Reader) => r.readCompactArrayLength(), 'varint-too-long'],
    ['string over 32767 bytes', '8001' + '00', (r: Reader) => r.readString(), 'negative-length'],
    ['compact string over 32767 bytes', '818002', (r: Reader) => r.readCompactString(), 'invalid-value'],
    ['huge tagged-field count', 'ffffffff0f', (r: Reader) => r.skipTaggedFields(), 'length-past-end'],
    ['truncated int64', '00000000000000', (r: Reader) => r.readInt64(), 'truncated'],
    ['truncated uuid', '00'.repeat(15), (r: Reader) => r.readUuid(), 'truncated'],
  ])('%s -> DecodeError(%s)', (_name, hex, read, reason) => {
    const err = decodeErrorOf(() => read(new Reader(Buffer.from(hex, 'hex'))));
    expect(err.reason).toBe(reason);
  });

  it('a 0x7fffffff array count in a message is rejected before any allocation', () => {
    // Metadata v1 request: topics array count 0x7fffffff, then two bytes.
    const err = decodeErrorOf(() =>
      decodeMessage(metadata, 'request', 1, new Reader(Buffer.from('7fffffff0000', 'hex'))),
    );
    expect(err.reason).toBe('length-past-end');
    // A per-type bound: 2 bytes cannot hold even one int32 element.
    expect(
      decodeErrorOf(() => new Reader(Buffer.from('00000001abcd', 'hex')).readArrayLength(4)).reason,
    ).toBe('length-past-end');
  });

  it('null where a field is not nullable is invalid-value', () => {
    // Produce v3: transactional_id null (ok), acks, timeout, topic_data count -1 (not nullable).
    const bytes = Buffer.from('ffff' + 'ffff' + '00007530' + 'ffffffff', 'hex');
    expect(decodeErrorOf(() => decodeMessage(produce, 'request', 3, new Reader(bytes))).reason).toBe(
      'invalid-value',
    );
  });
});

describe('malformed messages, every schema', () => {
  it('every strict prefix of a valid encoding is a DecodeError', () => {
    for (const schema of apiSchemas) {
      for (const version of allVersions(schema)) {
        const flexible = isFlexibleVersion(schema, version);
        for (const side of ['request', 'response'] as const) {
          const [value] = fc.sample(structArbitrary(schema[side].fields, version, flexible), {
            numRuns: 1,
            seed: 42,
          });
          const w = new Writer();
          encodeMessage(schema, side, version, value!, w);
          const bytes = w.toBuffer();
          // Every cut for small encodings; a spread of cuts for larger ones.
          const step = Math.max(1, Math.floor(bytes.length / 64));
          for (let len = 0; len < bytes.length; len += step) {
            decodeErrorOf(() => decodeMessage(schema, side, version, new Reader(bytes.subarray(0, len))));
          }
        }
      }
    }
  });

  it('random bytes decode or fail with DecodeError, never anything else', () => {
    const cases = apiSchemas.flatMap((schema) =>
      allVersions(schema).flatMap((version) =>
        (['request', 'response'] as const).map((side) => ({ schema, version, side })),
      ),
    );
    fc.assert(
      fc.property(
        fc.constantFrom(...cases),
        fc.uint8Array({ maxLength: 64 }),
        ({ schema, version, side }, raw) => {
          try {
            decodeMessage(schema, side, version, new Reader(Buffer.from(raw)));
          } catch (e) {
            if (!(e instanceof DecodeError)) throw e;
          }
        },
      ),
      { numRuns: 5000 },
    );
  });

  it('random frames fail only with DecodeError or UnsupportedVersionError', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...apiSchemas),
        fc.integer({ min: -1, max: 20 }),
        fc.uint8Array({ maxLength: 80 }),
        (schema, version, rest) => {
          const frame = Buffer.alloc(4 + rest.length);
          frame.writeInt16BE(schema.apiKey, 0);
          frame.writeInt16BE(version, 2);
          Buffer.from(rest).copy(frame, 4);
          try {
            decodeRequest(frame);
          } catch (e) {
            if (!(e instanceof DecodeError) && !(e instanceof UnsupportedVersionError)) throw e;
          }
        },
      ),
      { numRuns: 3000 },
    );
  });
});
