import { crc32c } from './crc32c.js';

/**
 * The 61-byte header of a RecordBatch v2, read and patched in place without touching the
 * records. Offsets of each field (all big-endian):
 *
 *   0 baseOffset int64 | 8 batchLength int32 | 12 partitionLeaderEpoch int32 | 16 magic int8 |
 *   17 crc uint32 | 21 attributes int16 | 23 lastOffsetDelta int32 | 27 baseTimestamp int64 |
 *   35 maxTimestamp int64 | 43 producerId int64 | 51 producerEpoch int16 | 53 baseSequence int32 |
 *   57 recordsCount int32 | 61 records...
 *
 * The CRC covers byte 21 to the end, so baseOffset and the leader epoch can be rewritten
 * without recomputing it; attributes and maxTimestamp cannot.
 */
export const BATCH_HEADER_SIZE = 61;
/** baseOffset + batchLength: the bytes before the part that batchLength counts. */
export const LOG_OVERHEAD = 12;
/** Where magic sits in both the v2 and the legacy (v0/v1) layouts. */
export const MAGIC_OFFSET = 16;

export const BatchOffsets = {
  baseOffset: 0,
  batchLength: 8,
  partitionLeaderEpoch: 12,
  magic: 16,
  crc: 17,
  attributes: 21,
  lastOffsetDelta: 23,
  baseTimestamp: 27,
  maxTimestamp: 35,
  producerId: 43,
  producerEpoch: 51,
  baseSequence: 53,
  recordsCount: 57,
} as const;

/** Attribute bits of a v2 batch. */
export const BatchAttributes = {
  compressionMask: 0x07,
  timestampTypeLogAppend: 0x08,
  transactional: 0x10,
  control: 0x20,
  deleteHorizon: 0x40,
} as const;

export interface RecordBatchHeader {
  baseOffset: bigint;
  /** Bytes after the batchLength field; the whole batch is batchLength + 12 bytes. */
  batchLength: number;
  partitionLeaderEpoch: number;
  magic: number;
  crc: number;
  attributes: number;
  lastOffsetDelta: number;
  baseTimestamp: bigint;
  maxTimestamp: bigint;
  producerId: bigint;
  producerEpoch: number;
  baseSequence: number;
  recordsCount: number;
}

/** Reads the header of the batch at `pos`. The caller checks that 61 bytes are there. */
export function readBatchHeader(buf: Buffer, pos = 0): RecordBatchHeader {
  return {
    baseOffset: buf.readBigInt64BE(pos),
    batchLength: buf.readInt32BE(pos + 8),
    partitionLeaderEpoch: buf.readInt32BE(pos + 12),
    magic: buf.readInt8(pos + 16),
    crc: buf.readUInt32BE(pos + 17),
    attributes: buf.readInt16BE(pos + 21),
    lastOffsetDelta: buf.readInt32BE(pos + 23),
    baseTimestamp: buf.readBigInt64BE(pos + 27),
    maxTimestamp: buf.readBigInt64BE(pos + 35),
    producerId: buf.readBigInt64BE(pos + 43),
    producerEpoch: buf.readInt16BE(pos + 51),
    baseSequence: buf.readInt32BE(pos + 53),
    recordsCount: buf.readInt32BE(pos + 57),
  };
}

/** Total size in bytes of the batch at `pos` (batchLength + 12). */
export function batchSizeAt(buf: Buffer, pos = 0): number {
  return buf.readInt32BE(pos + 8) + LOG_OVERHEAD;
}

/** The CRC stored in the batch at `pos` matches its bytes (attributes to the end). */
export function isBatchCrcValid(buf: Buffer, pos = 0): boolean {
  const end = pos + batchSizeAt(buf, pos);
  return (
    crc32c(buf.subarray(pos + BatchOffsets.attributes, end)) === buf.readUInt32BE(pos + BatchOffsets.crc)
  );
}

/** Recomputes and stores the CRC of the batch at `pos`. */
export function writeBatchCrc(buf: Buffer, pos = 0): void {
  const end = pos + batchSizeAt(buf, pos);
  buf.writeUInt32BE(crc32c(buf.subarray(pos + BatchOffsets.attributes, end)), pos + BatchOffsets.crc);
}

/** Sets baseOffset in place. Not covered by the CRC. */
export function patchBaseOffset(buf: Buffer, pos: number, baseOffset: bigint): void {
  buf.writeBigInt64BE(baseOffset, pos + BatchOffsets.baseOffset);
}

/** Sets partitionLeaderEpoch in place. Not covered by the CRC. */
export function patchLeaderEpoch(buf: Buffer, pos: number, epoch: number): void {
  buf.writeInt32BE(epoch, pos + BatchOffsets.partitionLeaderEpoch);
}

/**
 * Sets maxTimestamp (and optionally the LogAppendTime bit) and recomputes the CRC, but only
 * when something actually changed: the CRC is the expensive part.
 */
export function patchMaxTimestamp(
  buf: Buffer,
  pos: number,
  maxTimestamp: bigint,
  logAppendTime = false,
): void {
  const attrPos = pos + BatchOffsets.attributes;
  const oldAttributes = buf.readInt16BE(attrPos);
  const newAttributes = logAppendTime
    ? oldAttributes | BatchAttributes.timestampTypeLogAppend
    : oldAttributes;
  const oldMax = buf.readBigInt64BE(pos + BatchOffsets.maxTimestamp);
  if (oldAttributes === newAttributes && oldMax === maxTimestamp) return;
  buf.writeInt16BE(newAttributes, attrPos);
  buf.writeBigInt64BE(maxTimestamp, pos + BatchOffsets.maxTimestamp);
  writeBatchCrc(buf, pos);
}

/** The codec number in the attributes (0 none, 1 gzip, 2 snappy, 3 lz4, 4 zstd). */
export function compressionOf(attributes: number): number {
  return attributes & BatchAttributes.compressionMask;
}
