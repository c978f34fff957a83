/**
 * int64 fields of batch headers as numbers, without a BigInt per read: two int32 reads. Exact
 * below 2^53 (offsets and millisecond timestamps); beyond that rounded, as Number(bigint) is.
 */
export function readInt64(buf: Buffer, pos: number): number {
  return buf.readInt32BE(pos) * 4294967296 + buf.readUInt32BE(pos + 4);
}

/** Writes a non-negative safe integer (or -1) as an int64, without a BigInt. */
export function writeInt64(buf: Buffer, value: number, pos: number): void {
  const hi = Math.floor(value / 4294967296);
  buf.writeInt32BE(hi, pos);
  buf.writeUInt32BE(value - hi * 4294967296, pos + 4);
}
