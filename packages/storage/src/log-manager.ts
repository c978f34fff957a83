import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ErrorCode } from '@kilgore/protocol';
import { type CheckpointEntry, readCheckpointFile, writeCheckpointFile } from './checkpoint.js';
import { compactLog } from './compaction.js';
import { isCompacted, type LogConfig, resolveLogConfig } from './config.js';
import { type Directory, FileDirectory, MemoryDirectory, syncDirectory } from './directory.js';
import { StorageError, storageError } from './errors.js';
import {
  CLEAN_SHUTDOWN_FILE,
  LOG_START_CHECKPOINT,
  parsePartitionDirName,
  partitionDirName,
  RECOVERY_POINT_CHECKPOINT,
  REPLICATION_CHECKPOINT,
} from './names.js';
import { CountingMetrics, type StorageLogger, type StorageMetrics, silentLogger } from './observe.js';
import { PartitionLog } from './partition-log.js';

export interface LogManagerOptions {
  /** The log dir. Omit (or set `inMemory`) to keep everything in memory. */
  dir?: string;
  inMemory?: boolean;
  /** Broker-wide defaults over Kafka's. */
  defaultConfig?: Partial<LogConfig>;
  /** Per-topic overrides known at startup (the broker's topic registry). */
  topicConfigs?: Record<string, Partial<LogConfig>>;
  /** See PartitionLogOptions.highWatermarkFollowsLog (default true: a single node). */
  highWatermarkFollowsLog?: boolean;
  logger?: StorageLogger;
  metrics?: StorageMetrics;
  now?: () => number;
  /** Run flush, checkpoint, retention and compaction timers (default true). */
  background?: boolean;
  /** Kafka: log.retention.check.interval.ms = 300000. */
  retentionCheckIntervalMs?: number;
  /** Kafka: log.flush.offset.checkpoint.interval.ms = 60000. */
  checkpointIntervalMs?: number;
  /** Kafka: log.cleaner.backoff.ms = 15000. */
  compactionIntervalMs?: number;
}

const key = (topic: string, partition: number) => `${topic}\u0000${partition}`;

/**
 * A log dir: the `<topic>-<partition>` folders, the root checkpoints and the clean-shutdown
 * marker, as Kafka's LogManager keeps them. The marker is deleted at startup and written by a
 * clean `close`, so its absence on the next start means "recover".
 */
export class LogManager {
  readonly dir: string | undefined;
  /** Whether the previous run shut down cleanly (the marker was present). */
  readonly lastShutdownClean: boolean;
  readonly metrics: StorageMetrics;
  readonly #logs = new Map<string, PartitionLog>();
  readonly #defaults: Partial<LogConfig>;
  readonly #topicConfigs = new Map<string, Partial<LogConfig>>();
  readonly #logger: StorageLogger;
  readonly #now: () => number;
  readonly #hwFollows: boolean;
  readonly #timers: NodeJS.Timeout[] = [];
  #closed = false;
  #busy: Promise<unknown> = Promise.resolve();

  private constructor(opts: LogManagerOptions, clean: boolean) {
    this.dir = opts.inMemory || opts.dir === undefined ? undefined : path.resolve(opts.dir);
    this.lastShutdownClean = clean;
    this.metrics = opts.metrics ?? new CountingMetrics();
    this.#defaults = opts.defaultConfig ?? {};
    for (const [t, c] of Object.entries(opts.topicConfigs ?? {})) this.#topicConfigs.set(t, c);
    this.#logger = opts.logger ?? silentLogger;
    this.#now = opts.now ?? Date.now;
    this.#hwFollows = opts.highWatermarkFollowsLog ?? true;
  }

  /** Opens a log dir (creating it), loading and if needed recovering every partition in it. */
  static async open(opts: LogManagerOptions = {}): Promise<LogManager> {
    const inMemory = opts.inMemory || opts.dir === undefined;
    if (inMemory) {
      const m = new LogManager(opts, true);
      m.#startTimers(opts);
      return m;
    }
    const dir = path.resolve(opts.dir!);
    fs.mkdirSync(dir, { recursive: true });
    const marker = path.join(dir, CLEAN_SHUTDOWN_FILE);
    const clean = fs.existsSync(marker);
    const m = new LogManager(opts, clean);
    const rp = m.#readCheckpoint(RECOVERY_POINT_CHECKPOINT);
    const lso = m.#readCheckpoint(LOG_START_CHECKPOINT);
    const hw = m.#readCheckpoint(REPLICATION_CHECKPOINT);
    // A recovery-point file we cannot read means we cannot trust any segment: recover them all.
    const trustClean = clean && rp !== undefined;
    for (const name of fs.readdirSync(dir)) {
      const full = path.join(dir, name);
      if (!fs.statSync(full).isDirectory()) continue;
      if (name.endsWith('-delete')) {
        fs.rmSync(full, { recursive: true, force: true }); // a deletion interrupted by a crash
        continue;
      }
      const tp = parsePartitionDirName(name);
      if (!tp) continue;
      const k = key(tp.topic, tp.partition);
      const log = PartitionLog.open({
        topic: tp.topic,
        partition: tp.partition,
        dir: new FileDirectory(full),
        config: m.topicConfig(tp.topic),
        cleanShutdown: trustClean,
        recoveryPoint: rp?.get(k),
        logStartOffset: lso?.get(k),
        highWatermark: hw?.get(k),
        highWatermarkFollowsLog: m.#hwFollows,
        logger: m.#logger,
        metrics: m.metrics,
        now: m.#now,
      });
      m.#logs.set(k, log);
    }
    // No marker and no partitions: a new (or emptied) log dir, nothing was recovered; say so quietly.
    if (!clean && m.#logs.size === 0) m.#logger.info({ dir }, 'log dir has no partitions yet');
    else if (!clean) m.#logger.warn({ dir, partitions: m.#logs.size }, 'no clean-shutdown marker: recovered');
    // Kafka deletes the marker at startup: from now on a crash must look like one.
    if (clean) {
      fs.rmSync(marker, { force: true });
      syncDirectory(dir);
    }
    m.checkpoint();
    m.#startTimers(opts);
    return m;
  }

  #readCheckpoint(name: string): Map<string, number> | undefined {
    const file = path.join(this.dir!, name);
    try {
      const entries = readCheckpointFile(file);
      if (!entries) return undefined;
      return new Map(entries.map((e) => [key(e.topic, e.partition), e.offset]));
    } catch (err) {
      this.#logger.error({ file, err: String(err) }, 'unreadable checkpoint file; ignoring it');
      this.metrics.count('corruption', { topic: '', partition: -1 });
      return undefined;
    }
  }

  #startTimers(opts: LogManagerOptions): void {
    if (opts.background === false) return;
    const every = (ms: number, task: () => Promise<unknown> | undefined) => {
      if (!Number.isFinite(ms) || ms <= 0) return;
      const t = setInterval(() => {
        if (this.#closed) return;
        Promise.resolve()
          .then(task)
          .catch((err: unknown) =>
            this.#logger.error({ err: String(err) }, 'background storage task failed'),
          );
      }, ms);
      t.unref();
      this.#timers.push(t);
    };
    const defaultFlushMs = resolveLogConfig(this.#defaults).flushMs;
    every(Math.max(10, Math.min(1000, defaultFlushMs)), () => this.#serial(() => this.#flushDue()));
    every(opts.checkpointIntervalMs ?? 60_000, () => {
      this.checkpoint();
      return undefined;
    });
    every(opts.retentionCheckIntervalMs ?? 300_000, () => this.#serial(() => this.runRetention()));
    every(opts.compactionIntervalMs ?? 15_000, () => this.#serial(() => this.runCompaction()));
  }

  /** Background tasks run one at a time so they never race each other over segments. */
  #serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#busy.then(task, task);
    this.#busy = run.catch(() => undefined);
    return run;
  }

  async #flushDue(): Promise<void> {
    for (const log of this.#logs.values()) await log.maybeFlushOnTimer();
  }

  // ---- partitions ----

  /** The effective config of a topic: Kafka defaults < broker defaults < topic overrides. */
  topicConfig(topic: string): LogConfig {
    return resolveLogConfig(this.#defaults, this.#topicConfigs.get(topic));
  }

  /** Sets a topic's overrides and applies them to its open partitions. */
  setTopicConfig(topic: string, overrides: Partial<LogConfig>): void {
    this.#topicConfigs.set(topic, overrides);
    const c = this.topicConfig(topic);
    for (const log of this.#logs.values()) if (log.topic === topic) log.config = c;
  }

  get(topic: string, partition: number): PartitionLog | undefined {
    return this.#logs.get(key(topic, partition));
  }

  /** Every open partition log. */
  partitions(): PartitionLog[] {
    return [...this.#logs.values()];
  }

  /** Creates the partition's folder and log; returns the existing log if there is one. */
  createPartition(topic: string, partition: number, overrides?: Partial<LogConfig>): PartitionLog {
    this.#checkOpen();
    if (overrides) this.#topicConfigs.set(topic, { ...this.#topicConfigs.get(topic), ...overrides });
    const k = key(topic, partition);
    const existing = this.#logs.get(k);
    if (existing) return existing;
    if (topic.length === 0 || topic.includes('/') || topic === '.' || topic === '..') {
      throw new StorageError(
        ErrorCode.INVALID_TOPIC_EXCEPTION,
        `invalid topic name ${JSON.stringify(topic)}`,
      );
    }
    let dir: Directory;
    if (this.dir === undefined) dir = new MemoryDirectory();
    else {
      dir = new FileDirectory(path.join(this.dir, partitionDirName(topic, partition)));
      syncDirectory(this.dir);
    }
    const log = PartitionLog.open({
      topic,
      partition,
      dir,
      config: this.topicConfig(topic),
      cleanShutdown: true,
      highWatermarkFollowsLog: this.#hwFollows,
      logger: this.#logger,
      metrics: this.metrics,
      now: this.#now,
    });
    this.#logs.set(k, log);
    return log;
  }

  /** Closes the partition and removes its folder (renamed to `*-delete` first, as Kafka does). */
  async deletePartition(topic: string, partition: number): Promise<boolean> {
    const k = key(topic, partition);
    const log = this.#logs.get(k);
    if (!log) return false;
    this.#logs.delete(k);
    await log.deleteAll();
    if (this.dir !== undefined && log.dir.path !== undefined) {
      const doomed = `${log.dir.path}.${randomBytes(8).toString('hex')}-delete`;
      fs.renameSync(log.dir.path, doomed);
      syncDirectory(this.dir);
      fs.rmSync(doomed, { recursive: true, force: true });
    }
    this.checkpoint();
    return true;
  }

  // ---- checkpoints and background work ----

  /**
   * Writes the three root checkpoints: recovery points, log start offsets and high watermarks
   * (`replication-offset-checkpoint`), each atomically. No-op in memory.
   */
  checkpoint(): void {
    if (this.dir === undefined) return;
    const rp: CheckpointEntry[] = [];
    const ls: CheckpointEntry[] = [];
    const hw: CheckpointEntry[] = [];
    for (const log of this.#logs.values()) {
      const e = { topic: log.topic, partition: log.partition };
      rp.push({ ...e, offset: log.recoveryPoint });
      ls.push({ ...e, offset: log.logStartOffset });
      hw.push({ ...e, offset: log.highWatermark });
    }
    writeCheckpointFile(path.join(this.dir, RECOVERY_POINT_CHECKPOINT), rp);
    writeCheckpointFile(path.join(this.dir, LOG_START_CHECKPOINT), ls);
    writeCheckpointFile(path.join(this.dir, REPLICATION_CHECKPOINT), hw);
  }

  /** Flushes every partition, then checkpoints (their recovery points moved). */
  async flushAll(): Promise<void> {
    for (const log of this.#logs.values()) await log.flush();
    this.checkpoint();
  }

  /** One retention pass over every partition. */
  async runRetention(): Promise<number> {
    let deleted = 0;
    for (const log of this.#logs.values()) {
      if (log.closed) continue;
      deleted += (await log.applyRetention()).deletedSegments;
    }
    if (deleted > 0) this.checkpoint();
    return deleted;
  }

  /** One compaction pass over every `cleanup.policy=compact` partition. */
  async runCompaction(): Promise<number> {
    let cleaned = 0;
    for (const log of this.#logs.values()) {
      if (log.closed || !isCompacted(log.config)) continue;
      cleaned += (await compactLog(log, { now: this.#now(), logger: this.#logger, metrics: this.metrics }))
        .segments;
    }
    return cleaned;
  }

  #checkOpen(): void {
    if (this.#closed) throw storageError('log manager is closed');
  }

  /**
   * Clean shutdown: stop the timers, flush and close every log, write the checkpoints, then
   * the `.kafka_cleanshutdown` marker (last, so that it vouches for everything before it).
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const t of this.#timers) clearInterval(t);
    await this.#busy;
    for (const log of this.#logs.values()) await log.close();
    if (this.dir === undefined) return;
    this.checkpoint();
    const marker = path.join(this.dir, CLEAN_SHUTDOWN_FILE);
    const fd = fs.openSync(marker, 'w');
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    syncDirectory(this.dir);
  }
}
