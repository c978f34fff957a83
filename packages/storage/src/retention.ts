import { isDeleteEnabled, type LogConfig } from './config.js';

/** What retention looks at in a segment. */
export interface RetentionSegment {
  baseOffset: number;
  size: number;
  /** Largest batch timestamp, -1 when the segment has none. */
  maxTimestamp: number;
  /** File modification time, used only when there is no timestamp (as Kafka does). */
  mtimeMs: number;
}

export type RetentionReason = 'retention.ms' | 'retention.bytes' | 'log-start-offset';

/**
 * How many of the oldest segments retention deletes, and why (Kafka's deleteOldSegments):
 * oldest first, stopping at the first segment that no rule removes; never the active (last)
 * segment; and never a segment whose successor starts above the high watermark, so nothing
 * uncommitted goes. retention.ms uses the largest record timestamp, not the file mtime.
 */
export function segmentsToDelete(
  segments: readonly RetentionSegment[],
  config: LogConfig,
  now: number,
  highWatermark: number,
  logStartOffset: number,
): { count: number; reasons: RetentionReason[] } {
  const reasons: RetentionReason[] = [];
  const deleting = isDeleteEnabled(config);
  let total = 0;
  for (const s of segments) total += s.size;
  let count = 0;
  for (let i = 0; i < segments.length - 1; i++) {
    const s = segments[i]!;
    const next = segments[i + 1]!;
    if (next.baseOffset > highWatermark) break;
    let reason: RetentionReason | undefined;
    if (next.baseOffset <= logStartOffset) reason = 'log-start-offset';
    else if (deleting && config.retentionMs >= 0) {
      const newest = s.maxTimestamp >= 0 ? s.maxTimestamp : s.mtimeMs;
      if (now - newest > config.retentionMs) reason = 'retention.ms';
    }
    if (!reason && deleting && config.retentionBytes >= 0 && total - s.size >= config.retentionBytes) {
      reason = 'retention.bytes';
    }
    if (!reason) break;
    reasons.push(reason);
    total -= s.size;
    count++;
  }
  return { count, reasons };
}
