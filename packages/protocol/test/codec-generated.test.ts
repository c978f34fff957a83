/**
 * Properties of the generated struct decoders/encoders (src/codec/compile.ts) that the round-trip
 * and golden tests do not pin: the shape of decoded objects, fresh defaults, and that schema
 * field names are data in the generated code, never source.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeMessage,
  encodeMessage,
  isFlexibleVersion,
  type MessageSide,
  UNKNOWN_TAGGED_FIELDS,
} from '../src/codec/index.js';
import { apiSchemas } from '../src/messages/index.js';
import { DecodeError, EncodeError, Reader, Writer } from '../src/primitives/index.js';
import { type ApiSchema, type FieldSpec, versionBounds } from '../src/schema/index.js';
import { structArbitrary } from './codec-arbitrary.js';

type Obj = Record<string, unknown>;

function encode(schema: ApiSchema, side: MessageSide, version: number, value: object): Buffer {
  const w = new Writer();
  encodeMessage(schema, side, version, value, w);
  return w.toBuffer();
}

function decode(schema: ApiSchema, side: MessageSide, version: number, bytes: Buffer): Obj {
  const r = new Reader(bytes);
  const value = decodeMessage(schema, side, version, r);
  expect(r.remaining).toBe(0);
  return value;
}

/** Every struct in `value` has exactly the schema's fields as keys, in schema order. */
function expectSchemaKeys(value: Obj, fields: readonly FieldSpec[], path: string): void {
  const keys = Object.keys(value).filter((k) => k !== UNKNOWN_TAGGED_FIELDS);
  expect(keys, path).toEqual(fields.map((f) => f.name));
  for (const f of fields) {
    const v = value[f.name];
    if (v === null || f.fields === undefined) continue;
    if (f.type.startsWith('[]')) {
      (v as Obj[]).forEach((e, i) => {
        expectSchemaKeys(e, f.fields!, `${path}.${f.name}[${i}]`);
      });
    } else {
      expectSchemaKeys(v as Obj, f.fields, `${path}.${f.name}`);
    }
  }
}

function versionsOf(schema: ApiSchema): number[] {
  const b = versionBounds(schema.validVersions);
  return b === undefined ? [] : Array.from({ length: b.max - b.min + 1 }, (_, i) => b.min + i);
}

describe('decoded objects have one shape per struct', () => {
  for (const schema of apiSchemas) {
    it(`${schema.name}: every struct's keys are its schema fields in schema order, at every version`, () => {
      for (const version of versionsOf(schema)) {
        const flexible = isFlexibleVersion(schema, version);
        for (const side of ['request', 'response'] as const) {
          const fields = schema[side].fields;
          for (const value of fc.sample(structArbitrary(fields, version, flexible), {
            numRuns: 4,
            seed: 7,
          })) {
            const decoded = decode(schema, side, version, encode(schema, side, version, value as object));
            expectSchemaKeys(decoded, fields, `${schema.name} ${side} v${version}`);
          }
          // An empty object encodes every field as its default; it decodes to the same shape.
          expectSchemaKeys(
            decode(schema, side, version, encode(schema, side, version, {})),
            fields,
            'defaults',
          );
        }
      }
    });
  }
});

const DefaultsSchema: ApiSchema = {
  name: 'GeneratedDefaults',
  apiKey: 9001,
  validVersions: '0-1',
  flexibleVersions: '1+',
  request: {
    fields: [
      { name: 'id', type: 'int32', versions: '0+' },
      { name: 'list', type: '[]int32', versions: '1+' },
      {
        name: 'inner',
        type: 'Inner',
        versions: '1+',
        fields: [
          { name: 'x', type: 'int8', versions: '0+', default: 4 },
          { name: 'ys', type: '[]string', versions: '0+' },
        ],
      },
      {
        name: 'tagged',
        type: 'Tagged',
        versions: '1+',
        taggedVersions: '1+',
        tag: 0,
        fields: [{ name: 'zs', type: '[]int16', versions: '0+' }],
      },
    ],
  },
  response: { fields: [] },
};

describe('defaults are fresh per decode', () => {
  it('absent arrays and structs are new objects each time, not the shared encode constants', () => {
    const bytes = encode(DefaultsSchema, 'request', 0, { id: 1 });
    const a = decode(DefaultsSchema, 'request', 0, bytes);
    const b = decode(DefaultsSchema, 'request', 0, bytes);
    expect(a).toEqual({ id: 1, list: [], inner: { x: 4, ys: [] }, tagged: { zs: [] } });
    expect(a.list).not.toBe(b.list);
    expect(a.inner).not.toBe(b.inner);
    expect((a.inner as Obj).ys).not.toBe((b.inner as Obj).ys);
    expect(a.tagged).not.toBe(b.tagged);
    for (const v of [a.list, a.inner, a.tagged]) expect(Object.isFrozen(v)).toBe(false);
    // Mutating one decoded value leaves the next decode (and the encoder's defaults) alone.
    (a.list as number[]).push(9);
    ((a.inner as Obj).ys as string[]).push('y');
    expect(decode(DefaultsSchema, 'request', 0, bytes)).toEqual(b);
    expect(encode(DefaultsSchema, 'request', 1, { id: 1 }).toString('hex')).toBe(
      // id, empty compact list, inner {x=4, empty ys, no tags}, no top-level tags
      '00000001' + '01' + '04' + '01' + '00' + '00',
    );
  });

  it('a tagged field missing from the wire is a fresh default; present, it replaces it in place', () => {
    const none = encode(DefaultsSchema, 'request', 1, { id: 1 });
    const a = decode(DefaultsSchema, 'request', 1, none);
    const b = decode(DefaultsSchema, 'request', 1, none);
    expect(a.tagged).toEqual({ zs: [] });
    expect(a.tagged).not.toBe(b.tagged);
    const some = decode(
      DefaultsSchema,
      'request',
      1,
      encode(DefaultsSchema, 'request', 1, { tagged: { zs: [3] } }),
    );
    expect(some.tagged).toEqual({ zs: [3] });
    expect(Object.keys(some)).toEqual(['id', 'list', 'inner', 'tagged']);
  });
});

describe('errors keep their types and messages', () => {
  it('null where the version does not allow it', () => {
    const enc = (value: object) => () => encode(DefaultsSchema, 'request', 1, value);
    expect(enc({ list: null })).toThrow(
      new EncodeError('field list is not nullable in this version but the value is null'),
    );
    expect(enc({ inner: null })).toThrow(
      new EncodeError('struct field inner is not nullable in this version'),
    );
    expect(enc({ inner: { ys: ['a', null] } })).toThrow(
      new EncodeError('field ys is not nullable in this version but the value is null'),
    );
    // id, then a compact null (0) where the list is not nullable
    const bytes = Buffer.from('00000001' + '00', 'hex');
    let caught: unknown;
    try {
      decodeMessage(DefaultsSchema, 'request', 1, new Reader(bytes));
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(DecodeError);
    expect(caught).toMatchObject({
      reason: 'invalid-value',
      offset: 5,
      message: 'null array for non-nullable field list',
    });
  });
});

describe('field names are data in the generated code', () => {
  const names = [
    'a"b',
    "c'd",
    'e\\',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a would-be injection, meant as plain text.
    '`${process.exit(3)}`',
    '"); throw new Error("injected"); ("',
    'line\nbreak',
    '\u2028',
    'constructor',
    'toString',
    'hasOwnProperty',
    '0',
    '',
  ];
  const fieldsOf = (prefix: string): FieldSpec[] =>
    names.map((name) => ({ name: `${prefix}${name}`, type: 'int16', versions: '0+' }));
  const schema: ApiSchema = {
    name: 'Odd "names"\n',
    apiKey: 9002,
    validVersions: '0-1',
    flexibleVersions: '1+',
    request: {
      fields: [
        ...fieldsOf(''),
        { name: 'nested"', type: 'Odd"Type\n', versions: '0+', fields: fieldsOf('n') },
        {
          name: "tagged'",
          type: 'Odd`Tagged',
          versions: '1+',
          taggedVersions: '1+',
          tag: 3,
          fields: fieldsOf('t'),
        },
      ],
    },
    response: { fields: [] },
  };

  for (const version of [0, 1]) {
    it(`v${version}: odd names round-trip as keys and are never run`, () => {
      const obj = (prefix: string) => Object.fromEntries(names.map((n, i) => [`${prefix}${n}`, i + 1]));
      const value: Obj = { ...obj(''), 'nested"': obj('n'), "tagged'": version === 1 ? obj('t') : undefined };
      const decoded = decode(schema, 'request', version, encode(schema, 'request', version, value));
      expect(decoded['a"b']).toBe(1);
      expect(decoded['"); throw new Error("injected"); ("']).toBe(5);
      expect((decoded['nested"'] as Obj)['n\u2028']).toBe(7);
      if (version === 1) expect((decoded["tagged'"] as Obj).tconstructor).toBe(8);
      expect(Object.getPrototypeOf(decoded)).toBe(Object.prototype);
    });
  }

  it('a field named __proto__ is refused when the struct is compiled', () => {
    const bad: ApiSchema = {
      ...schema,
      request: { fields: [{ name: '__proto__', type: 'int8', versions: '0+' }] },
    };
    expect(() => decodeMessage(bad, 'request', 0, new Reader(Buffer.from([1])))).toThrow(/__proto__/);
  });
});
