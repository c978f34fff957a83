export {
  CompressionCodec,
  type CompressOptions,
  codecName,
  DEFAULT_MAX_DECOMPRESSED_BYTES,
  type DecompressOptions,
  isCompressionCodec,
} from './codec.js';
export { compress, compressSync, decompress, decompressSync, hasSyncCodec } from './compress.js';
export { CompressionError, DecompressionLimitError, UnsupportedCodecError } from './errors.js';
export { lz4Compress, lz4Decompress } from './lz4.js';
export {
  isXerial,
  snappyCompressRaw,
  snappyCompressXerial,
  snappyDecompress,
  XERIAL_MAGIC,
} from './snappy.js';
export { xxh32 } from './xxh32.js';
export { zstdCompress, zstdDecompress, zstdDecompressedBound } from './zstd.js';
