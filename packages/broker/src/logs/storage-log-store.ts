import { type CompressionType, type LogConfig, LogManager } from '@kilgore/storage';
import type { Logger } from 'pino';
import type { BrokerConfig } from '../config/broker-config.js';
import type { LogStore, PartitionLogView } from './partition-log.js';

/** The broker's log settings in storage's terms (Kafka's log.* broker defaults). */
export function logDefaults(config: BrokerConfig): Partial<LogConfig> {
  return {
    segmentBytes: config.logSegmentBytes,
    segmentMs: config.logRollMs,
    retentionMs: config.logRetentionMs,
    retentionBytes: config.logRetentionBytes,
    indexIntervalBytes: config.logIndexIntervalBytes,
    maxMessageBytes: config.messageMaxBytes,
    messageTimestampBeforeMaxMs: config.logMessageTimestampBeforeMaxMs,
    messageTimestampAfterMaxMs: config.logMessageTimestampAfterMaxMs,
    compressionType: config.compressionType as CompressionType,
    compressionGzipLevel: config.compressionGzipLevel,
    compressionLz4Level: config.compressionLz4Level,
    compressionZstdLevel: config.compressionZstdLevel,
  };
}

/** Partition logs on disk through @kilgore/storage's LogManager (Kafka's layout and checkpoints). */
export class StorageLogStore implements LogStore {
  private constructor(readonly manager: LogManager) {}

  /** Opens the log dir, recovering it when the last shutdown was not clean. */
  /** `replicated`: chain replication sets the high watermarks (they do not follow the log end). */
  static async open(config: BrokerConfig, log: Logger, replicated = false): Promise<StorageLogStore> {
    const manager = await LogManager.open({
      dir: config.logDir,
      highWatermarkFollowsLog: !replicated,
      defaultConfig: logDefaults(config),
      retentionCheckIntervalMs: config.logRetentionCheckIntervalMs,
      logger: log.child({ component: 'storage' }),
    });
    log.info(
      {
        logDir: config.logDir,
        partitions: manager.partitions().length,
        cleanShutdown: manager.lastShutdownClean,
      },
      'logs opened',
    );
    return new StorageLogStore(manager);
  }

  get(topic: string, partition: number): PartitionLogView | undefined {
    return this.manager.get(topic, partition);
  }

  create(topic: string, from: number, to: number): void {
    for (let p = from; p < to; p++) this.manager.createPartition(topic, p);
  }

  async drop(topic: string, partitions: number): Promise<void> {
    for (let p = 0; p < partitions; p++) await this.manager.deletePartition(topic, p);
  }

  /** Flushes and closes every log and writes the clean-shutdown marker. */
  close(): Promise<void> {
    return this.manager.close();
  }
}
