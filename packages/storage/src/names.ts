/** File and folder names exactly as Kafka writes them (LogFileUtils, LocalLog). */

export const LOG_SUFFIX = '.log';
export const INDEX_SUFFIX = '.index';
export const TIME_INDEX_SUFFIX = '.timeindex';
export const TXN_INDEX_SUFFIX = '.txnindex';
/** Kilgore's: the partition has held transactional batches, so loading it rebuilds their state. */
export const TRANSACTIONAL_MARKER = 'kilgore-transactional';
export const CLEANED_SUFFIX = '.cleaned';
export const DELETED_SUFFIX = '.deleted';
export const CLEAN_SHUTDOWN_FILE = '.kafka_cleanshutdown';
export const RECOVERY_POINT_CHECKPOINT = 'recovery-point-offset-checkpoint';
export const LOG_START_CHECKPOINT = 'log-start-offset-checkpoint';
export const REPLICATION_CHECKPOINT = 'replication-offset-checkpoint';

/** The base offset zero-padded to 20 digits: `00000000000000000042`. */
export function segmentFileStem(baseOffset: number): string {
  return String(baseOffset).padStart(20, '0');
}

export const logFileName = (base: number) => segmentFileStem(base) + LOG_SUFFIX;
export const indexFileName = (base: number) => segmentFileStem(base) + INDEX_SUFFIX;
export const timeIndexFileName = (base: number) => segmentFileStem(base) + TIME_INDEX_SUFFIX;
export const txnIndexFileName = (base: number) => segmentFileStem(base) + TXN_INDEX_SUFFIX;

/** The base offset of a `<20 digits>.<suffix>` name, or undefined. */
export function parseSegmentFileName(name: string, suffix: string): number | undefined {
  if (!name.endsWith(suffix)) return undefined;
  const stem = name.slice(0, -suffix.length);
  if (!/^\d{20}$/.test(stem)) return undefined;
  return Number(stem);
}

export const partitionDirName = (topic: string, partition: number) => `${topic}-${partition}`;

/** Splits `<topic>-<partition>` at the last dash, as Kafka does; undefined if it is not one. */
export function parsePartitionDirName(name: string): { topic: string; partition: number } | undefined {
  const dash = name.lastIndexOf('-');
  if (dash <= 0) return undefined;
  const p = name.slice(dash + 1);
  if (!/^\d+$/.test(p)) return undefined;
  return { topic: name.slice(0, dash), partition: Number(p) };
}
