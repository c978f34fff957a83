/**
 * @kilgore/storage: partition logs in Apache Kafka's on-disk format. A log dir holds
 * `<topic>-<partition>/` folders of `<base>.log/.index/.timeindex` segments, the root offset
 * checkpoints and the clean-shutdown marker. No networking; usable alone (`openLog`).
 */
export {
  type CheckpointEntry,
  formatCheckpoint,
  parseCheckpoint,
  readCheckpointFile,
  writeCheckpointFile,
} from './checkpoint.js';
export { type CompactionResult, compactLog } from './compaction.js';
export {
  type CleanupPolicy,
  COMPRESSION_TYPES,
  type CompressionType,
  DEFAULT_LOG_CONFIG,
  LOG_CONFIG_NAMES,
  type LogConfig,
  logConfigFromProperties,
  resolveLogConfig,
} from './config.js';
export { type Directory, FileDirectory, MemoryDirectory } from './directory.js';
export {
  EmbeddedLog,
  type EmbeddedLogOptions,
  type LogRecord,
  openLog,
  type ReadOptions,
  type RecordToAppend,
} from './embedded-log.js';
export { StorageError, type StorageErrorCode } from './errors.js';
export {
  type EpochEndOffset,
  type EpochEntry,
  formatEpochCheckpoint,
  LEADER_EPOCH_CHECKPOINT,
  LeaderEpochCache,
  parseEpochCheckpoint,
} from './leader-epoch-cache.js';
export { LogManager, type LogManagerOptions } from './log-manager.js';
export {
  CLEAN_SHUTDOWN_FILE,
  LOG_START_CHECKPOINT,
  parsePartitionDirName,
  partitionDirName,
  RECOVERY_POINT_CHECKPOINT,
  REPLICATION_CHECKPOINT,
  segmentFileStem,
} from './names.js';
export {
  CountingMetrics,
  type StorageEvent,
  type StorageLogger,
  type StorageMetrics,
  silentLogger,
} from './observe.js';
export {
  type AppendOptions,
  type AppendResult,
  PartitionLog,
  type PartitionLogOptions,
  type ReadResult,
  type TimestampOffset,
  type TxnMarker,
  WRITEBACK_STEP_BYTES,
} from './partition-log.js';
export { allocReadBuffer, releaseReadBuffer } from './read-pool.js';
export { type RecordError, RecordValidationError } from './record-checks.js';
export { type RetentionSegment, segmentsToDelete } from './retention.js';
export {
  type AbortedTxn,
  ControlType,
  controlTypeOf,
  decodeTxnIndex,
  encodeTxnIndexEntry,
  TXN_INDEX_ENTRY_SIZE,
} from './transactions.js';
export { type SegmentFileReport, verifySegmentFiles } from './verify.js';
