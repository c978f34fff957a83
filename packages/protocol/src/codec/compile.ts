/**
 * Compiles a struct (a message body, a struct field, or an element of a struct array) for one
 * version into a decoder and an encoder generated with `new Function`, once per (struct, version,
 * flexible-ness); message.ts caches the result.
 *
 * Why generated: a loop over field descriptors (`obj[f.name] = f.decode(r)`) makes every keyed
 * load and store megamorphic, because every struct of every API goes through the same lines, and
 * it pays a closure call per field. The produce path is CPU-bound on the broker's main thread and
 * that loop showed up in its profile. Generated code gives each struct its own small function:
 * the decoder builds the object as one literal in schema order (one hidden class per struct, the
 * reads in wire order), calls Reader methods inline for primitives, and the encoder reads each
 * property by a constant name. The same technique as protobufjs, avsc and fast-json-stringify.
 *
 * See codegen.ts for the rules that keep schema values out of the source.
 */
import { DecodeError, EncodeError } from '../primitives/decode-error.js';
import { type RawTaggedField, Reader } from '../primitives/reader.js';
import { Writer } from '../primitives/writer.js';
import type { FieldSpec } from '../schema/types.js';
import { inVersionRange } from '../schema/versions.js';
import { CodeScope, entry, int, prop } from './codegen.js';
import { type FieldDefault, fieldDefault } from './defaults.js';
import { arrayCodec, primitiveCodec, type TypeCodec, writeFunction } from './type-codecs.js';
import { isPrimitiveType, type MessageData, UNKNOWN_TAGGED_FIELDS } from './types.js';

/** A struct compiled for one version. */
export interface StructPlan {
  /** Reads the struct; every schema field is a key of the result, in schema order. */
  readonly decode: (r: Reader) => MessageData;
  /** Writes the struct; undefined fields are written as their defaults. */
  readonly encode: (w: Writer, obj: MessageData) => void;
  readonly flexible: boolean;
  /** Fewest bytes the struct takes on the wire. */
  readonly minSize: number;
}

/** A tagged field of the struct being compiled. */
interface TaggedPlan {
  readonly spec: FieldSpec;
  readonly tag: number;
  readonly codec: TypeCodec;
  readonly def: FieldDefault;
}

/** `label` names the generated functions (profiles, stack traces); it is never code. */
export function compileStruct(
  specs: readonly FieldSpec[],
  version: number,
  flexible: boolean,
  label = 'struct',
): StructPlan {
  const ds = new CodeScope();
  const es = new CodeScope();
  const literal: string[] = [];
  const writes: string[] = [];
  const tagged: TaggedPlan[] = [];
  let minSize = flexible ? 1 : 0;
  for (const spec of specs) {
    const def = fieldDefault(spec);
    const present = inVersionRange(spec.versions, version);
    const isTagged = present && flexible && inVersionRange(spec.taggedVersions, version);
    if (isTagged && spec.tag === undefined) throw new TypeError(`field ${spec.name}: tagged but has no tag`);
    if (!present || isTagged) {
      // Absent fields hold a fresh default; tagged ones too, until the tagged section says otherwise.
      literal.push(entry(spec.name, defaultExpr(def, ds)));
      if (!present) continue;
    }
    const nullable = inVersionRange(spec.nullableVersions, version);
    const codec = typeCodec(spec, version, flexible, nullable, isTagged, label);
    if (isTagged) {
      tagged.push({ spec, tag: spec.tag!, codec, def });
      continue;
    }
    literal.push(entry(spec.name, codec.readExpr('r', ds)));
    writes.push(`v = ${prop('o', spec.name)};
if (v === undefined) v = ${es.ref(def.constant)};
${codec.writeStmt('w', 'v', es)}`);
    minSize += codec.minSize;
  }
  tagged.sort((a, b) => a.tag - b.tag);
  if (new Set(tagged.map((t) => t.tag)).size !== tagged.length)
    throw new TypeError('duplicate tags in one struct');

  const afterFields = flexible
    ? `${ds.ref(readTaggedSection)}(r, o, ${ds.ref(knownTagReader(tagged, label))});`
    : '';
  const decode = ds.compile<StructPlan['decode']>(
    `decode_${label}`,
    ['r'],
    `const o = { ${literal.join(',\n')} };
${afterFields}
return o;`,
  );
  if (flexible) writes.push(taggedSectionWriter(tagged, es, label));
  const encode = es.compile<StructPlan['encode']>(
    `encode_${label}`,
    ['w', 'o'],
    `let v;\n${writes.join('\n')}`,
  );
  return { decode, encode, flexible, minSize };
}

/** Source for a field's default in a decoded object: the value itself if immutable, else a fresh one. */
function defaultExpr(def: FieldDefault, scope: CodeScope): string {
  return def.shared ? scope.ref(def.constant) : `${scope.ref(def.make)}()`;
}

function typeCodec(
  spec: FieldSpec,
  version: number,
  flexible: boolean,
  nullable: boolean,
  inTaggedField: boolean,
  parent: string,
): TypeCodec {
  const type = spec.type;
  if (type.startsWith('[]')) {
    const elemType = type.slice(2);
    const label = `${parent}_${elemType}`;
    const elem = isPrimitiveType(elemType)
      ? primitiveCodec(elemType, flexible, false, spec.name)
      : structCodec(spec.name, structFields(spec), version, flexible, false, false, label);
    return arrayCodec(elem, flexible, nullable, spec.name, `${parent}_${spec.name}`);
  }
  if (isPrimitiveType(type)) return primitiveCodec(type, flexible, nullable, spec.name);
  return structCodec(
    spec.name,
    structFields(spec),
    version,
    flexible,
    nullable,
    inTaggedField,
    `${parent}_${type}`,
  );
}

function structFields(spec: FieldSpec): FieldSpec[] {
  if (spec.fields === undefined) throw new TypeError(`field ${spec.name}: type ${spec.type} has no fields`);
  return spec.fields;
}

/**
 * A struct-valued field. Kafka marks a nullable struct with an int8 (-1 null, 1 present), except
 * inside a tagged field where the marker is an unsigned varint (0 null, 1 present).
 */
function structCodec(
  name: string,
  specs: readonly FieldSpec[],
  version: number,
  flexible: boolean,
  nullable: boolean,
  inTaggedField: boolean,
  label: string,
): TypeCodec {
  const { decode, encode, minSize } = compileStruct(specs, version, flexible, label);
  if (!nullable) {
    const refuseNull = (): never => {
      throw new EncodeError(`struct field ${name} is not nullable in this version`);
    };
    return {
      readExpr: (r, s) => `${s.ref(decode)}(${r})`,
      writeStmt: (w, v, s) => `{ if (${v} === null) ${s.ref(refuseNull)}(); ${s.ref(encode)}(${w}, ${v}); }`,
      minSize,
    };
  }
  // The null marker: [read it, test for null, write null, write present].
  const [readMarker, isNull, writeNull, writePresent] = inTaggedField
    ? ['readUnsignedVarint', '=== 0', 'writeUInt8(0)', 'writeUInt8(1)']
    : ['readInt8', '< 0', 'writeInt8(-1)', 'writeInt8(1)'];
  return {
    readExpr: (r, s) => `(${r}.${readMarker}() ${isNull} ? null : ${s.ref(decode)}(${r}))`,
    writeStmt: (w, v, s) =>
      `if (${v} === null) { ${w}.${writeNull}; } else { ${w}.${writePresent}; ${s.ref(encode)}(${w}, ${v}); }`,
    minSize: 1,
  };
}

/** Reads one known tagged field into `o` from a reader bounded to its bytes; false if unknown. */
type KnownTagReader = (tag: number, sub: Reader, o: MessageData) => boolean;

const noKnownTags: KnownTagReader = () => false;

function knownTagReader(tagged: readonly TaggedPlan[], label: string): KnownTagReader {
  if (tagged.length === 0) return noKnownTags;
  const s = new CodeScope();
  const cases = tagged.map(
    (t) => `case ${int(t.tag)}: ${prop('o', t.spec.name)} = ${t.codec.readExpr('sub', s)}; return true;`,
  );
  return s.compile<KnownTagReader>(
    `readTags_${label}`,
    ['tag', 'sub', 'o'],
    `switch (tag) {\n${cases.join('\n')}\n}\nreturn false;`,
  );
}

function readTaggedSection(r: Reader, obj: MessageData, readKnown: KnownTagReader): void {
  const at = r.offset;
  const count = r.readUnsignedVarint();
  if (count === 0) return;
  // Each tagged field takes at least two bytes (tag, size).
  if (count * 2 > r.remaining) {
    throw new DecodeError('length-past-end', `${count} tagged fields exceed ${r.remaining} bytes left`, at);
  }
  let unknown: RawTaggedField[] | undefined;
  for (let i = 0; i < count; i++) {
    const tag = r.readUnsignedVarint();
    const sizeAt = r.offset;
    const size = r.readUnsignedVarint();
    if (size > r.remaining) {
      throw new DecodeError('length-past-end', `tagged field ${tag} of ${size} bytes past the end`, sizeAt);
    }
    const start = r.offset;
    const end = start + size;
    // A sub-reader keeps a field from reading into its neighbours; trailing bytes a newer
    // writer may have added to a known field are skipped, as Kafka does.
    if (!readKnown(tag, new Reader(r.buf, start, end), obj)) {
      if (unknown === undefined) unknown = [];
      unknown.push({ tag, data: r.buf.subarray(start, end) });
    }
    r.offset = end;
  }
  if (unknown !== undefined) obj[UNKNOWN_TAGGED_FIELDS] = unknown;
}

/**
 * Source that writes the tagged section: each known field that differs from its default is
 * encoded into its own buffer (they are rare and small, and the size comes first on the wire),
 * then everything goes out with the unknown fields kept from decoding, in tag order.
 */
function taggedSectionWriter(tagged: readonly TaggedPlan[], es: CodeScope, label: string): string {
  const lines = [`let known;`];
  for (const t of tagged) {
    const write = writeFunction(t.codec, `${label}_${t.spec.name}`);
    const tag = t.tag;
    const encodeOne = (v: unknown): RawTaggedField => {
      const sub = new Writer(64);
      write(sub, v);
      return { tag, data: sub.toBuffer() };
    };
    lines.push(`v = ${prop('o', t.spec.name)};
if (v !== undefined && !${es.ref(t.def.isDefault)}(v)) (known ??= []).push(${es.ref(encodeOne)}(v));`);
  }
  lines.push(`${es.ref(writeTaggedSection)}(w, ${prop('o', UNKNOWN_TAGGED_FIELDS)}, known);`);
  return lines.join('\n');
}

function writeTaggedSection(
  w: Writer,
  unknown: readonly RawTaggedField[] | undefined,
  known: RawTaggedField[] | undefined,
): void {
  const hasUnknown = unknown !== undefined && unknown.length > 0;
  let out = known;
  if (hasUnknown) {
    out = known === undefined ? unknown.slice() : [...unknown, ...known];
    out.sort((a, b) => a.tag - b.tag);
  }
  if (out === undefined) {
    w.writeUInt8(0);
    return;
  }
  w.writeUnsignedVarint(out.length);
  for (const t of out) w.writeRawTaggedField(t.tag, t.data);
}
