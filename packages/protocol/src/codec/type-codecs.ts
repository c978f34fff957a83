import { DecodeError, EncodeError } from '../primitives/decode-error.js';
import type { Reader } from '../primitives/reader.js';
import type { Writer } from '../primitives/writer.js';
import type { PrimitiveType } from '../schema/types.js';

export type ReadFn = (r: Reader) => unknown;
export type WriteFn = (w: Writer, v: unknown) => void;

/** How one type is read and written in one encoding context. */
export interface TypeCodec {
  readonly read: ReadFn;
  readonly write: WriteFn;
  /** Fewest bytes a value takes on the wire: bounds hostile array counts before allocation. */
  readonly minSize: number;
}

const codec = (read: ReadFn, write: WriteFn, minSize: number): TypeCodec => ({ read, write, minSize });

// Fixed-width types read and write the same in every version; build them once.
const FIXED: Partial<Record<PrimitiveType, TypeCodec>> = {
  bool: codec(
    (r) => r.readBool(),
    (w, v) => w.writeBool(v as boolean),
    1,
  ),
  int8: codec(
    (r) => r.readInt8(),
    (w, v) => w.writeInt8(v as number),
    1,
  ),
  int16: codec(
    (r) => r.readInt16(),
    (w, v) => w.writeInt16(v as number),
    2,
  ),
  uint16: codec(
    (r) => r.readUInt16(),
    (w, v) => w.writeUInt16(v as number),
    2,
  ),
  int32: codec(
    (r) => r.readInt32(),
    (w, v) => w.writeInt32(v as number),
    4,
  ),
  uint32: codec(
    (r) => r.readUInt32(),
    (w, v) => w.writeUInt32(v as number),
    4,
  ),
  int64: codec(
    (r) => r.readInt64(),
    (w, v) => w.writeInt64(v as bigint),
    8,
  ),
  float64: codec(
    (r) => r.readFloat64(),
    (w, v) => w.writeFloat64(v as number),
    8,
  ),
  uuid: codec(
    (r) => r.readUuid(),
    (w, v) => w.writeUuid(v as string),
    16,
  ),
};

function nullNotAllowed(name: string): never {
  throw new EncodeError(`field ${name} is not nullable in this version but the value is null`);
}

/**
 * The codec of a primitive type. `name` only labels encode errors; `flexible` selects compact
 * lengths; `nullable` whether null is accepted on either side.
 */
export function primitiveCodec(
  type: PrimitiveType,
  flexible: boolean,
  nullable: boolean,
  name: string,
): TypeCodec {
  const fixed = FIXED[type];
  if (fixed !== undefined) return fixed;
  if (type === 'string') {
    if (flexible) {
      return nullable
        ? codec(
            (r) => r.readCompactNullableString(),
            (w, v) => w.writeCompactNullableString(v as string | null),
            1,
          )
        : codec(
            (r) => r.readCompactString(),
            (w, v) => (v === null ? nullNotAllowed(name) : w.writeCompactString(v as string)),
            1,
          );
    }
    return nullable
      ? codec(
          (r) => r.readNullableString(),
          (w, v) => w.writeNullableString(v as string | null),
          2,
        )
      : codec(
          (r) => r.readString(),
          (w, v) => (v === null ? nullNotAllowed(name) : w.writeString(v as string)),
          2,
        );
  }
  // bytes and records share the wire format; records stay a raw zero-copy slice here.
  if (flexible) {
    return nullable
      ? codec(
          (r) => r.readCompactNullableBytes(),
          (w, v) => w.writeCompactNullableBytes(v as Buffer | null),
          1,
        )
      : codec(
          (r) => r.readCompactBytes(),
          (w, v) => (v === null ? nullNotAllowed(name) : w.writeCompactBytes(v as Buffer)),
          1,
        );
  }
  return nullable
    ? codec(
        (r) => r.readNullableBytes(),
        (w, v) => w.writeNullableBytes(v as Buffer | null),
        4,
      )
    : codec(
        (r) => r.readBytes(),
        (w, v) => (v === null ? nullNotAllowed(name) : w.writeBytes(v as Buffer)),
        4,
      );
}

/** An array of `elem` (elements are never null, as in Kafka). */
export function arrayCodec(elem: TypeCodec, flexible: boolean, nullable: boolean, name: string): TypeCodec {
  const readElem = elem.read;
  const writeElem = elem.write;
  const min = elem.minSize;
  const readItems = (r: Reader, n: number): unknown[] | null => {
    if (n < 0) {
      if (nullable) return null;
      throw nullArray(r, name);
    }
    const items = new Array<unknown>(n);
    for (let i = 0; i < n; i++) items[i] = readElem(r);
    return items;
  };
  const read: ReadFn = flexible
    ? (r) => readItems(r, r.readCompactArrayLength(min))
    : (r) => readItems(r, r.readArrayLength(min));
  const write: WriteFn = (w, v) => {
    if (v === null) {
      if (!nullable) nullNotAllowed(name);
      if (flexible) w.writeCompactArrayLength(-1);
      else w.writeArrayLength(-1);
      return;
    }
    const items = v as readonly unknown[];
    const n = items.length;
    if (flexible) w.writeCompactArrayLength(n);
    else w.writeArrayLength(n);
    for (let i = 0; i < n; i++) writeElem(w, items[i]);
  };
  return codec(read, write, flexible ? 1 : 4);
}

function nullArray(r: Reader, name: string): DecodeError {
  return new DecodeError('invalid-value', `null array for non-nullable field ${name}`, r.offset);
}
