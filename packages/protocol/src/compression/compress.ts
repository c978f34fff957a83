import { gunzipSync, gzipSync } from 'node:zlib';
import {
  CompressionCodec,
  type CompressOptions,
  DEFAULT_MAX_DECOMPRESSED_BYTES,
  type DecompressOptions,
} from './codec.js';
import { CompressionError, DecompressionLimitError, UnsupportedCodecError } from './errors.js';
import { lz4Compress, lz4Decompress } from './lz4.js';
import { snappyCompressXerial, snappyDecompress } from './snappy.js';
import { zstdCompress, zstdDecompress } from './zstd.js';

/**
 * One entry point per direction. gzip, snappy and lz4 are synchronous (their libraries have sync
 * APIs, and a thread-pool hop costs more than compressing a typical batch); zstd is async only,
 * because @mongodb-js/zstd is. The *Sync variants throw UnsupportedCodecError for zstd.
 */
export function compressSync(codec: number, data: Buffer, options: CompressOptions = {}): Buffer {
  switch (codec) {
    case CompressionCodec.none:
      return data;
    case CompressionCodec.gzip:
      return gzipSync(data, { level: options.level ?? 6 });
    case CompressionCodec.snappy:
      return snappyCompressXerial(data);
    case CompressionCodec.lz4:
      return lz4Compress(data, options.lz4LegacyHeaderChecksum ?? false);
    case CompressionCodec.zstd:
      throw new UnsupportedCodecError(codec, 'only available asynchronously: use compress()');
    default:
      throw new UnsupportedCodecError(codec, 'unknown compression codec');
  }
}

export function decompressSync(codec: number, data: Buffer, options: DecompressOptions = {}): Buffer {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_DECOMPRESSED_BYTES;
  switch (codec) {
    case CompressionCodec.none:
      if (data.length > maxBytes) throw new DecompressionLimitError(codec, maxBytes);
      return data;
    case CompressionCodec.gzip:
      return gunzip(data, maxBytes);
    case CompressionCodec.snappy:
      return snappyDecompress(data, maxBytes);
    case CompressionCodec.lz4:
      return lz4Decompress(data, maxBytes, options.lz4LegacyHeaderChecksum ?? false);
    case CompressionCodec.zstd:
      throw new UnsupportedCodecError(codec, 'only available asynchronously: use decompress()');
    default:
      throw new UnsupportedCodecError(codec, 'unknown compression codec');
  }
}

export async function compress(codec: number, data: Buffer, options: CompressOptions = {}): Promise<Buffer> {
  if (codec === CompressionCodec.zstd) return zstdCompress(data, options.level ?? 3);
  return compressSync(codec, data, options);
}

export async function decompress(
  codec: number,
  data: Buffer,
  options: DecompressOptions = {},
): Promise<Buffer> {
  if (codec === CompressionCodec.zstd) {
    return zstdDecompress(data, options.maxBytes ?? DEFAULT_MAX_DECOMPRESSED_BYTES);
  }
  return decompressSync(codec, data, options);
}

/** True when decompressSync/compressSync can handle this codec. */
export function hasSyncCodec(codec: number): boolean {
  return codec >= CompressionCodec.none && codec <= CompressionCodec.lz4;
}

function gunzip(data: Buffer, maxBytes: number): Buffer {
  try {
    // maxOutputLength makes zlib stop (RangeError) instead of inflating a bomb.
    return gunzipSync(data, { maxOutputLength: Math.max(1, maxBytes) });
  } catch (err) {
    if (err instanceof RangeError || (err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new DecompressionLimitError(CompressionCodec.gzip, maxBytes);
    }
    throw new CompressionError(CompressionCodec.gzip, `corrupt stream: ${(err as Error).message}`, {
      cause: err,
    });
  }
}
