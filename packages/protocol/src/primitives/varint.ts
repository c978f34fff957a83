/** Bytes an unsigned varint of `value` (0..2^32-1) takes on the wire. */
export function sizeOfUnsignedVarint(value: number): number {
  if (value < 0x80) return 1;
  if (value < 0x4000) return 2;
  if (value < 0x200000) return 3;
  if (value < 0x10000000) return 4;
  return 5;
}

/** Zigzag-encodes an int32 into its unsigned 32-bit form. */
export function zigzag32(n: number): number {
  return ((n << 1) ^ (n >> 31)) >>> 0;
}

/** Bytes a zigzag varint of `n` (int32) takes on the wire. */
export function sizeOfVarint(n: number): number {
  return sizeOfUnsignedVarint(zigzag32(n));
}

/** Bytes a zigzag varlong of `n` (int64) takes on the wire. */
export function sizeOfVarlong(n: bigint): number {
  let z = BigInt.asUintN(64, (n << 1n) ^ (n >> 63n));
  let size = 1;
  while (z >= 0x80n) {
    z >>= 7n;
    size++;
  }
  return size;
}
