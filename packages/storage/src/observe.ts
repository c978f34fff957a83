/**
 * Logging and metrics hooks. Storage is a library first: both default to silent, and the broker
 * passes a pino logger (whose method shape this is) and a metrics sink backed by prom-client.
 */
export interface StorageLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export type StorageEvent =
  /** A batch failed its CRC or framing check; reads stop before it. */
  | 'corruption'
  /** An unclean start scanned a segment and truncated `bytes` of torn or corrupt tail. */
  | 'recovery_truncated_bytes'
  /** An index file was missing or inconsistent and was rebuilt from the log. */
  | 'index_rebuilt'
  | 'segment_deleted'
  | 'segment_compacted'
  | 'fsync';

export interface StorageMetrics {
  /** Counts `value` (default 1) of `event` for one partition. */
  count(event: StorageEvent, labels: { topic: string; partition: number }, value?: number): void;
}

export const silentLogger: StorageLogger = { info() {}, warn() {}, error() {} };

/** Keeps counts in memory; the default, so tests and `kilgore` tools can read them. */
export class CountingMetrics implements StorageMetrics {
  readonly counts = new Map<string, number>();
  count(event: StorageEvent, labels: { topic: string; partition: number }, value = 1): void {
    const k = `${event}:${labels.topic}-${labels.partition}`;
    this.counts.set(k, (this.counts.get(k) ?? 0) + value);
  }
  get(event: StorageEvent, topic?: string, partition?: number): number {
    let total = 0;
    for (const [k, v] of this.counts) {
      if (!k.startsWith(`${event}:`)) continue;
      if (topic !== undefined && k !== `${event}:${topic}-${partition}`) continue;
      total += v;
    }
    return total;
  }
}
