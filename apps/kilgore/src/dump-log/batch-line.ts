import { BatchAttributes, BatchOffsets, isBatchCrcValid } from '@kilgore/protocol';
import { incrementSequence } from './sequences.js';

const CODEC_NAMES = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];

export function codecName(attributes: number): string {
  const id = attributes & BatchAttributes.compressionMask;
  return CODEC_NAMES[id] ?? `unknown(${id})`;
}

export function timestampTypeName(magic: number, attributes: number): string {
  if (magic === 0) return 'NoTimestampType';
  return attributes & BatchAttributes.timestampTypeLogAppend ? 'LogAppendTime' : 'CreateTime';
}

/**
 * The line DumpLogSegments prints for each batch (printBatchLevel), field for field and in
 * Kafka's order, so the two tools' output can be diffed. `position` is the byte position of
 * the batch in the file.
 */
export function batchLine(b: Buffer, position: number, magic: number): string {
  if (magic < 2) return legacyLine(b, position, magic);
  const attributes = b.readInt16BE(BatchOffsets.attributes);
  const baseOffset = b.readBigInt64BE(BatchOffsets.baseOffset);
  const delta = b.readInt32BE(BatchOffsets.lastOffsetDelta);
  const baseSequence = b.readInt32BE(BatchOffsets.baseSequence);
  const lastSequence = baseSequence === -1 ? -1 : incrementSequence(baseSequence, delta);
  const horizon =
    attributes & BatchAttributes.deleteHorizon
      ? `OptionalLong[${b.readBigInt64BE(BatchOffsets.baseTimestamp)}]`
      : 'OptionalLong.empty';
  return (
    `baseOffset: ${baseOffset} lastOffset: ${baseOffset + BigInt(delta)}` +
    ` count: ${b.readInt32BE(BatchOffsets.recordsCount)}` +
    ` baseSequence: ${baseSequence} lastSequence: ${lastSequence}` +
    ` producerId: ${b.readBigInt64BE(BatchOffsets.producerId)}` +
    ` producerEpoch: ${b.readInt16BE(BatchOffsets.producerEpoch)}` +
    ` partitionLeaderEpoch: ${b.readInt32BE(BatchOffsets.partitionLeaderEpoch)}` +
    ` isTransactional: ${(attributes & BatchAttributes.transactional) !== 0}` +
    ` isControl: ${(attributes & BatchAttributes.control) !== 0} deleteHorizonMs: ${horizon}` +
    ` position: ${position} ${timestampTypeName(2, attributes)}: ${b.readBigInt64BE(BatchOffsets.maxTimestamp)}` +
    ` size: ${b.length} magic: 2 compresscodec: ${codecName(attributes)}` +
    ` crc: ${b.readUInt32BE(BatchOffsets.crc)} isvalid: ${isBatchCrcValid(b, 0)}`
  );
}

/**
 * A v0/v1 message (a log migrated from a very old Kafka): offset int64, size int32, crc uint32,
 * magic int8, attributes int8, timestamp int64 (v1 only). Shallow line only; the CRC (CRC-32
 * over magic onward) is not checked here, so isvalid is left out.
 */
function legacyLine(b: Buffer, position: number, magic: number): string {
  const attributes = b.readInt8(17);
  const timestamp = magic === 1 && b.length >= 26 ? b.readBigInt64BE(18) : -1n;
  return (
    `offset: ${b.readBigInt64BE(0)} position: ${position} ${timestampTypeName(magic, attributes)}: ${timestamp}` +
    ` size: ${b.length} magic: ${magic} compresscodec: ${codecName(attributes)} crc: ${b.readUInt32BE(12)}`
  );
}
