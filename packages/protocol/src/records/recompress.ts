import { compress, decompress, decompressSync } from '../compression/compress.js';
import {
  BATCH_HEADER_SIZE,
  BatchAttributes,
  BatchOffsets,
  batchSizeAt,
  compressionOf,
  LOG_OVERHEAD,
  writeBatchCrc,
} from './batch-header.js';

/**
 * The uncompressed record bytes of the v2 batch at `pos` (a view when the batch is not compressed).
 * gzip, snappy and lz4 only: zstd throws UnsupportedCodecError (use inflateRecords).
 */
export function inflateRecordsSync(buf: Buffer, pos: number, maxBytes: number): Buffer {
  const records = buf.subarray(pos + BATCH_HEADER_SIZE, pos + batchSizeAt(buf, pos));
  const codec = compressionOf(buf.readInt16BE(pos + BatchOffsets.attributes));
  return codec === 0 ? records : decompressSync(codec, records, { maxBytes });
}

/** The uncompressed record bytes of one whole v2 batch, whatever its codec. */
export async function inflateRecords(batch: Buffer, maxBytes: number): Promise<Buffer> {
  const records = batch.subarray(BATCH_HEADER_SIZE, batchSizeAt(batch));
  const codec = compressionOf(batch.readInt16BE(BatchOffsets.attributes));
  return codec === 0 ? records : decompress(codec, records, { maxBytes });
}

export interface RecompressOptions {
  /** The codec's level (gzip 1-9, zstd -131072..22); the codec's default when absent. */
  level?: number;
  /** The most bytes the records may decompress to (a bomb stops here). */
  maxBytes: number;
  /** The records already inflated (by a validation pass), to save a second decompression. */
  inflated?: Buffer;
}

/**
 * One whole v2 batch with its records stored under `codec` instead: the records themselves are
 * the same bytes, so offsets, timestamps, producer id, epoch, sequence and every header field but
 * the codec bits, the length and the CRC stay as they were (Kafka's broker-side
 * `compression.type`).
 */
export async function recompressBatch(
  batch: Buffer,
  codec: number,
  options: RecompressOptions,
): Promise<Buffer> {
  const raw = options.inflated ?? (await inflateRecords(batch, options.maxBytes));
  const records =
    codec === 0
      ? raw
      : await compress(codec, raw, options.level === undefined ? {} : { level: options.level });
  const out = Buffer.allocUnsafe(BATCH_HEADER_SIZE + records.length);
  batch.copy(out, 0, 0, BATCH_HEADER_SIZE);
  records.copy(out, BATCH_HEADER_SIZE);
  out.writeInt32BE(out.length - LOG_OVERHEAD, BatchOffsets.batchLength);
  const attributes = out.readInt16BE(BatchOffsets.attributes);
  out.writeInt16BE((attributes & ~BatchAttributes.compressionMask) | codec, BatchOffsets.attributes);
  writeBatchCrc(out, 0);
  return out;
}
