import { DecodeError, EncodeError } from '../primitives/decode-error.js';
import { type RawTaggedField, Reader } from '../primitives/reader.js';
import { Writer } from '../primitives/writer.js';
import type { FieldSpec } from '../schema/types.js';
import { inVersionRange } from '../schema/versions.js';
import { fieldDefault } from './defaults.js';
import { arrayCodec, primitiveCodec, type ReadFn, type TypeCodec, type WriteFn } from './type-codecs.js';
import { isPrimitiveType, type MessageData, UNKNOWN_TAGGED_FIELDS } from './types.js';

/** One field of a struct, compiled for one version. */
interface FieldPlan {
  readonly name: string;
  readonly tag: number;
  /** Present fields: read from the wire. Absent and tagged fields: a fresh default. */
  readonly decode: ReadFn;
  /** Present, untagged fields only. */
  readonly write: WriteFn;
  /** Tagged fields only: the codec used inside the field's tagged bytes. */
  readonly tagged: TypeCodec | undefined;
  readonly encodeDefault: unknown;
  readonly isDefault: (v: unknown) => boolean;
}

/**
 * A struct (the message body, a struct field, or an element of a struct array) compiled for one
 * version: the ops run in order with no per-call decisions about versions or encodings.
 */
export interface StructPlan {
  /** Every field in schema order, so decoded objects always have the same keys and shape. */
  readonly fields: readonly FieldPlan[];
  /** Fields on the wire in this version, in order. */
  readonly regular: readonly FieldPlan[];
  /** Tagged fields in this version, ascending by tag. */
  readonly tagged: readonly FieldPlan[];
  readonly taggedByTag: ReadonlyMap<number, FieldPlan>;
  readonly flexible: boolean;
  readonly minSize: number;
}

const noWrite: WriteFn = () => {};

export function compileStruct(specs: readonly FieldSpec[], version: number, flexible: boolean): StructPlan {
  const fields: FieldPlan[] = [];
  const regular: FieldPlan[] = [];
  const tagged: FieldPlan[] = [];
  let minSize = flexible ? 1 : 0;
  for (const spec of specs) {
    const def = fieldDefault(spec);
    const present = inVersionRange(spec.versions, version);
    const isTagged = present && flexible && inVersionRange(spec.taggedVersions, version);
    if (isTagged && spec.tag === undefined) throw new TypeError(`field ${spec.name}: tagged but has no tag`);
    const nullable = inVersionRange(spec.nullableVersions, version);
    const base = {
      name: spec.name,
      tag: spec.tag ?? -1,
      encodeDefault: def.constant,
      isDefault: def.isDefault,
    };
    if (!present) {
      fields.push({ ...base, decode: def.make, write: noWrite, tagged: undefined });
      continue;
    }
    const codec = typeCodec(spec, version, flexible, nullable, isTagged);
    if (isTagged) {
      const plan: FieldPlan = { ...base, decode: def.make, write: noWrite, tagged: codec };
      fields.push(plan);
      tagged.push(plan);
    } else {
      const plan: FieldPlan = { ...base, decode: codec.read, write: codec.write, tagged: undefined };
      fields.push(plan);
      regular.push(plan);
      minSize += codec.minSize;
    }
  }
  tagged.sort((a, b) => a.tag - b.tag);
  const taggedByTag = new Map(tagged.map((f) => [f.tag, f]));
  if (taggedByTag.size !== tagged.length) throw new TypeError('duplicate tags in one struct');
  return { fields, regular, tagged, taggedByTag, flexible, minSize };
}

function typeCodec(
  spec: FieldSpec,
  version: number,
  flexible: boolean,
  nullable: boolean,
  inTaggedField: boolean,
): TypeCodec {
  const type = spec.type;
  if (type.startsWith('[]')) {
    const elemType = type.slice(2);
    const elem = isPrimitiveType(elemType)
      ? primitiveCodec(elemType, flexible, false, spec.name)
      : structCodec(spec.name, structFields(spec), version, flexible, false, false);
    return arrayCodec(elem, flexible, nullable, spec.name);
  }
  if (isPrimitiveType(type)) return primitiveCodec(type, flexible, nullable, spec.name);
  return structCodec(spec.name, structFields(spec), version, flexible, nullable, inTaggedField);
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
): TypeCodec {
  const plan = compileStruct(specs, version, flexible);
  const read: ReadFn = (r) => decodeStruct(plan, r);
  if (!nullable) {
    const write: WriteFn = (w, v) => {
      if (v === null) throw new EncodeError(`struct field ${name} is not nullable in this version`);
      encodeStruct(plan, w, v as MessageData);
    };
    return { read, write, minSize: plan.minSize };
  }
  if (inTaggedField) {
    return {
      read: (r) => (r.readUnsignedVarint() === 0 ? null : decodeStruct(plan, r)),
      write: (w, v) => {
        if (v === null) {
          w.writeUInt8(0);
        } else {
          w.writeUInt8(1);
          encodeStruct(plan, w, v as MessageData);
        }
      },
      minSize: 1,
    };
  }
  return {
    read: (r) => (r.readInt8() < 0 ? null : decodeStruct(plan, r)),
    write: (w, v) => {
      if (v === null) {
        w.writeInt8(-1);
      } else {
        w.writeInt8(1);
        encodeStruct(plan, w, v as MessageData);
      }
    },
    minSize: 1,
  };
}

export function decodeStruct(plan: StructPlan, r: Reader): MessageData {
  const obj: MessageData = {};
  const fields = plan.fields;
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i]!;
    obj[f.name] = f.decode(r);
  }
  if (plan.flexible) readTaggedSection(plan, r, obj);
  return obj;
}

function readTaggedSection(plan: StructPlan, r: Reader, obj: MessageData): void {
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
    const f = plan.taggedByTag.get(tag);
    if (f?.tagged !== undefined) {
      // A sub-reader keeps a field from reading into its neighbours; trailing bytes a newer
      // writer may have added to a known field are skipped, as Kafka does.
      obj[f.name] = f.tagged.read(new Reader(r.buf, start, end));
    } else {
      if (unknown === undefined) unknown = [];
      unknown.push({ tag, data: r.buf.subarray(start, end) });
    }
    r.offset = end;
  }
  if (unknown !== undefined) obj[UNKNOWN_TAGGED_FIELDS] = unknown;
}

export function encodeStruct(plan: StructPlan, w: Writer, obj: MessageData): void {
  const regular = plan.regular;
  for (let i = 0; i < regular.length; i++) {
    const f = regular[i]!;
    const v = obj[f.name];
    f.write(w, v === undefined ? f.encodeDefault : v);
  }
  if (plan.flexible) writeTaggedSection(plan, w, obj);
}

function writeTaggedSection(plan: StructPlan, w: Writer, obj: MessageData): void {
  const unknown = obj[UNKNOWN_TAGGED_FIELDS] as readonly RawTaggedField[] | undefined;
  const hasUnknown = unknown !== undefined && unknown.length > 0;
  if (plan.tagged.length === 0 && !hasUnknown) {
    w.writeUInt8(0);
    return;
  }
  // Tagged fields are rare and small: encode each into its own buffer to learn its size.
  const out: RawTaggedField[] = hasUnknown ? unknown.slice() : [];
  for (const f of plan.tagged) {
    const v = obj[f.name];
    if (v === undefined || f.isDefault(v)) continue;
    const sub = new Writer(64);
    f.tagged!.write(sub, v);
    out.push({ tag: f.tag, data: sub.toBuffer() });
  }
  if (hasUnknown) out.sort((a, b) => a.tag - b.tag);
  w.writeUnsignedVarint(out.length);
  for (const t of out) w.writeRawTaggedField(t.tag, t.data);
}
