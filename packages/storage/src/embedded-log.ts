import { decodeRecordBatch, encodeRecordBatch, type RecordInput } from '@kilgore/protocol';
import type { LogConfig } from './config.js';
import { LogManager } from './log-manager.js';
import type { StorageLogger } from './observe.js';
import type { PartitionLog } from './partition-log.js';

export interface EmbeddedLogOptions {
  /** Topic and partition of the folder inside `dir` (default `log-0`). */
  topic?: string;
  partition?: number;
  /**
   * `always`: fsync before append resolves (flush.messages=1); `interval`: fsync in the
   * background every second (the default); `never`: leave it to the OS.
   */
  fsync?: 'always' | 'interval' | 'never';
  config?: Partial<LogConfig>;
  logger?: StorageLogger;
}

export interface LogRecord {
  offset: number;
  timestamp: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: Array<{ key: string; value: Buffer | null }>;
}

export type RecordToAppend = RecordInput;

export interface ReadOptions {
  /** Keep waiting for new records at the end instead of finishing (until `signal` aborts). */
  follow?: boolean;
  signal?: AbortSignal;
}

const FSYNC: Record<NonNullable<EmbeddedLogOptions['fsync']>, Partial<LogConfig>> = {
  always: { flushMessages: 1 },
  interval: { flushMs: 1000 },
  never: { flushMs: Number.POSITIVE_INFINITY },
};

/**
 * A log used as a library, on the same segment code as the broker: `openLog(dir)`,
 * `append(records)`, `for await (const r of log.read(from))`, `close()`. The folder it writes
 * is a Kafka log dir (`<dir>/log-0/00000000000000000000.log`, checkpoints, clean-shutdown
 * marker), so Kafka's tools can read it.
 */
export class EmbeddedLog {
  private constructor(
    readonly manager: LogManager,
    /** The underlying partition log, for offsets, truncation, retention and raw reads. */
    readonly log: PartitionLog,
  ) {}

  static async open(dir: string | undefined, opts: EmbeddedLogOptions = {}): Promise<EmbeddedLog> {
    const topic = opts.topic ?? 'log';
    const partition = opts.partition ?? 0;
    const config = { ...FSYNC[opts.fsync ?? 'interval'], ...opts.config };
    const manager = await LogManager.open({
      ...(dir === undefined ? { inMemory: true } : { dir }),
      topicConfigs: { [topic]: config },
      ...(opts.logger ? { logger: opts.logger } : {}),
    });
    const log = manager.get(topic, partition) ?? manager.createPartition(topic, partition);
    return new EmbeddedLog(manager, log);
  }

  get startOffset(): number {
    return this.log.logStartOffset;
  }
  get endOffset(): number {
    return this.log.logEndOffset;
  }

  /** Appends records as one batch; resolves with their offsets once the fsync policy is met. */
  async append(
    records: RecordToAppend | RecordToAppend[],
  ): Promise<{ baseOffset: number; lastOffset: number }> {
    const list = Array.isArray(records) ? records : [records];
    const batch = await encodeRecordBatch({ records: list });
    const r = await this.log.append(batch);
    return { baseOffset: r.baseOffset, lastOffset: r.lastOffset };
  }

  /** Records from offset `from` on, in order. Ends at the end of the log unless `follow`. */
  async *read(from = this.log.logStartOffset, opts: ReadOptions = {}): AsyncGenerator<LogRecord> {
    let next = Math.max(from, this.log.logStartOffset);
    for (;;) {
      if (opts.signal?.aborted) return;
      if (next >= this.log.highWatermark) {
        if (!opts.follow) return;
        await this.log.waitForData(next, 60_000, opts.signal);
        continue;
      }
      const { records, nextOffset } = this.log.read(next, 1 << 20);
      let pos = 0;
      while (pos < records.length) {
        const size = records.readInt32BE(pos + 8) + 12;
        const batch = await decodeRecordBatch(records.subarray(pos, pos + size), { verifyCrc: false });
        for (const r of batch.records) {
          const offset = Number(r.offset);
          if (offset < next) continue;
          yield { offset, timestamp: Number(r.timestamp), key: r.key, value: r.value, headers: r.headers };
        }
        pos += size;
      }
      next = Math.max(next, nextOffset);
    }
  }

  /** Flushes, checkpoints and writes the clean-shutdown marker. */
  close(): Promise<void> {
    return this.manager.close();
  }
}

/** Opens (or creates) an embedded log in `dir`; `undefined` keeps it in memory. */
export function openLog(dir: string | undefined, opts: EmbeddedLogOptions = {}): Promise<EmbeddedLog> {
  return EmbeddedLog.open(dir, opts);
}
