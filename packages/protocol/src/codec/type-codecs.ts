import { DecodeError, EncodeError } from '../primitives/decode-error.js';
import type { Reader } from '../primitives/reader.js';
import type { Writer } from '../primitives/writer.js';
import type { PrimitiveType } from '../schema/types.js';
import { CodeScope, int } from './codegen.js';

export type ReadFn = (r: Reader) => unknown;
export type WriteFn = (w: Writer, v: unknown) => void;

/**
 * How one type is read and written in one encoding context, as source for the generated struct
 * functions (compile.ts): primitives become inline Reader/Writer calls, arrays and structs calls
 * to their own generated functions.
 */
export interface TypeCodec {
  /** An expression reading one value from the Reader variable `r`. */
  readExpr(r: string, scope: CodeScope): string;
  /** A block writing the value in variable `v` (an identifier, read more than once) to Writer `w`. */
  writeStmt(w: string, v: string, scope: CodeScope): string;
  /** Fewest bytes a value takes on the wire: bounds hostile array counts before allocation. */
  readonly minSize: number;
}

type ReadMethod = keyof Reader & `read${string}`;
type WriteMethod = keyof Writer & `write${string}`;

/** One primitive encoding: the Reader/Writer methods that handle it. */
interface PrimitiveOps {
  readonly read: ReadMethod;
  readonly write: WriteMethod;
  readonly minSize: number;
  /** Non-nullable strings and bytes: refuse null before writing (the Writer would not). */
  readonly refusesNull: boolean;
}

const ops = (read: ReadMethod, write: WriteMethod, minSize: number, refusesNull = false): PrimitiveOps => ({
  read,
  write,
  minSize,
  refusesNull,
});

// Fixed-width types read and write the same in every version.
const FIXED: Partial<Record<PrimitiveType, PrimitiveOps>> = {
  bool: ops('readBool', 'writeBool', 1),
  int8: ops('readInt8', 'writeInt8', 1),
  int16: ops('readInt16', 'writeInt16', 2),
  uint16: ops('readUInt16', 'writeUInt16', 2),
  int32: ops('readInt32', 'writeInt32', 4),
  uint32: ops('readUInt32', 'writeUInt32', 4),
  int64: ops('readInt64', 'writeInt64', 8),
  float64: ops('readFloat64', 'writeFloat64', 8),
  uuid: ops('readUuid', 'writeUuid', 16),
};

function variableOps(type: PrimitiveType, flexible: boolean, nullable: boolean): PrimitiveOps {
  if (type === 'string') {
    if (flexible) {
      return nullable
        ? ops('readCompactNullableString', 'writeCompactNullableString', 1)
        : ops('readCompactString', 'writeCompactString', 1, true);
    }
    return nullable
      ? ops('readNullableString', 'writeNullableString', 2)
      : ops('readString', 'writeString', 2, true);
  }
  // bytes and records share the wire format; records stay a raw zero-copy slice here.
  if (flexible) {
    return nullable
      ? ops('readCompactNullableBytes', 'writeCompactNullableBytes', 1)
      : ops('readCompactBytes', 'writeCompactBytes', 1, true);
  }
  return nullable
    ? ops('readNullableBytes', 'writeNullableBytes', 4)
    : ops('readBytes', 'writeBytes', 4, true);
}

function nullNotAllowed(name: string): () => never {
  return () => {
    throw new EncodeError(`field ${name} is not nullable in this version but the value is null`);
  };
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
  const p = FIXED[type] ?? variableOps(type, flexible, nullable);
  const refuseNull = p.refusesNull ? nullNotAllowed(name) : undefined;
  return {
    readExpr: (r) => `${r}.${p.read}()`,
    writeStmt: (w, v, scope) =>
      refuseNull === undefined
        ? `${w}.${p.write}(${v});`
        : `{ if (${v} === null) ${scope.ref(refuseNull)}(); ${w}.${p.write}(${v}); }`,
    minSize: p.minSize,
  };
}

/** An array of `elem` (elements are never null, as in Kafka); `label` names the generated code. */
export function arrayCodec(
  elem: TypeCodec,
  flexible: boolean,
  nullable: boolean,
  name: string,
  label: string,
): TypeCodec {
  const rs = new CodeScope();
  const readCount = flexible ? 'readCompactArrayLength' : 'readArrayLength';
  const onNullRead = nullable ? 'return null;' : `throw ${rs.ref((r: Reader) => nullArray(r, name))}(r);`;
  const read = rs.compile<ReadFn>(
    `readArray_${label}`,
    ['r'],
    `const n = r.${readCount}(${int(elem.minSize)});
if (n < 0) ${onNullRead}
const items = new Array(n);
for (let i = 0; i < n; i++) items[i] = ${elem.readExpr('r', rs)};
return items;`,
  );

  const ws = new CodeScope();
  const writeCount = flexible ? 'writeCompactArrayLength' : 'writeArrayLength';
  const onNullWrite = nullable ? `w.${writeCount}(-1);` : `${ws.ref(nullNotAllowed(name))}();`;
  const write = ws.compile<WriteFn>(
    `writeArray_${label}`,
    ['w', 'v'],
    `if (v === null) {
  ${onNullWrite}
  return;
}
const n = v.length;
w.${writeCount}(n);
for (let i = 0; i < n; i++) {
  const e = v[i];
  ${elem.writeStmt('w', 'e', ws)}
}`,
  );
  return {
    readExpr: (r, scope) => `${scope.ref(read)}(${r})`,
    writeStmt: (w, v, scope) => `${scope.ref(write)}(${w}, ${v});`,
    minSize: flexible ? 1 : 4,
  };
}

function nullArray(r: Reader, name: string): DecodeError {
  return new DecodeError('invalid-value', `null array for non-nullable field ${name}`, r.offset);
}

/** A codec's writer as a standalone function (a tagged field is encoded into its own buffer). */
export function writeFunction(codec: TypeCodec, label: string): WriteFn {
  const ws = new CodeScope();
  return ws.compile<WriteFn>(`write_${label}`, ['w', 'v'], codec.writeStmt('w', 'v', ws));
}
