import { type BrokerConfig, type LogStore, logDefaults, type PartitionLogView } from '@kilgore/broker';
import { LogManager } from '@kilgore/storage';

/**
 * The broker's LogStore over @kilgore/storage's in-memory LogManager: the same partition-log code
 * as on disk (offsets, indexes, retention), minus the files. `close()` from the broker is ignored
 * so a `restart()` keeps the data; `dispose()` is the real close, on the final stop.
 */
export class MemoryLogs implements LogStore {
  private constructor(private readonly manager: LogManager) {}

  static async open(config: BrokerConfig): Promise<MemoryLogs> {
    const manager = await LogManager.open({
      inMemory: true,
      defaultConfig: logDefaults(config),
      retentionCheckIntervalMs: config.logRetentionCheckIntervalMs,
    });
    return new MemoryLogs(manager);
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

  async close(): Promise<void> {}

  dispose(): Promise<void> {
    return this.manager.close();
  }
}
