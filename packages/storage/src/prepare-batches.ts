import {
  BatchOffsets,
  CompressionCodec,
  compressionOf,
  hasSyncCodec,
  inflateRecords,
  recompressBatch,
} from '@kilgore/protocol';
import type { CompressionType, LogConfig } from './config.js';
import { checkBatchRecords, INFLATE_LIMIT, inflateError, mustReadRecords } from './record-checks.js';
import type { ValidatedSet } from './validate.js';

const CODEC_OF_TYPE: Record<Exclude<CompressionType, 'producer'>, number> = {
  uncompressed: CompressionCodec.none,
  gzip: CompressionCodec.gzip,
  snappy: CompressionCodec.snappy,
  lz4: CompressionCodec.lz4,
  zstd: CompressionCodec.zstd,
};

/** The codec `config` stores batches under, or undefined for 'producer' (as sent). */
export function targetCodec(config: LogConfig): number | undefined {
  return config.compressionType === 'producer' ? undefined : CODEC_OF_TYPE[config.compressionType];
}

/**
 * Whether producer `batches` need work that cannot happen on the synchronous append path: a
 * codec other than the topic's compression.type (recompressed), or zstd records that the rules
 * need read (zstd only inflates asynchronously). Reads the attributes of each batch header only.
 */
export function needsPreparation(batches: Buffer, config: LogConfig): boolean {
  const target = targetCodec(config);
  for (let pos = 0; pos + BatchOffsets.attributes + 2 <= batches.length; ) {
    const codec = compressionOf(batches.readInt16BE(pos + BatchOffsets.attributes));
    if (target !== undefined && codec !== target) return true;
    if (!hasSyncCodec(codec) && mustReadRecords(codec, config)) return true;
    const length = batches.readInt32BE(pos + BatchOffsets.batchLength);
    if (length <= 0) return false; // validateBatches refuses it
    pos += 12 + length;
  }
  return false;
}

/**
 * Reads and checks the records of every batch (asynchronously where the codec needs it), and
 * recompresses those whose codec is not the topic's compression.type: the records stay the same
 * bytes, so offsets, timestamps, producer id, epoch and sequence are unchanged. Returns the
 * bytes to append: `batches` itself when nothing was recompressed.
 */
export async function prepareBatches(
  batches: Buffer,
  set: ValidatedSet,
  config: LogConfig,
  now: number,
  partitionName: string,
): Promise<Buffer> {
  const target = targetCodec(config);
  const parts: Buffer[] = [];
  let rewritten = false;
  for (const b of set.batches) {
    const bytes = batches.subarray(b.position, b.position + b.size);
    const codec = compressionOf(bytes.readInt16BE(BatchOffsets.attributes));
    const recompress = target !== undefined && codec !== target;
    let records: Buffer | undefined;
    if (recompress || mustReadRecords(codec, config)) {
      try {
        records = await inflateRecords(bytes, INFLATE_LIMIT);
      } catch (err) {
        throw inflateError(err);
      }
    }
    checkBatchRecords(batches, b, records, config, now, partitionName);
    if (recompress) {
      parts.push(
        await recompressBatch(bytes, target, {
          maxBytes: INFLATE_LIMIT,
          inflated: records,
          level: levelOf(config, target),
        }),
      );
      rewritten = true;
    } else {
      parts.push(bytes);
    }
  }
  return rewritten ? Buffer.concat(parts) : batches.subarray(0, set.validBytes);
}

function levelOf(config: LogConfig, codec: number): number | undefined {
  if (codec === CompressionCodec.gzip) return config.compressionGzipLevel;
  if (codec === CompressionCodec.zstd) return config.compressionZstdLevel;
  return undefined;
}
