import type { Logger } from 'pino';

const EVERY_MS = 10_000;

/**
 * Warnings about what writers send (bad frames, refused topics) at most once per kind every
 * 10 s, with how many were left out: a misbehaving app writing thousands of bad frames a second
 * must not turn the broker's log into its own.
 */
export class ThrottledLog {
  private readonly last = new Map<string, { at: number; suppressed: number }>();

  constructor(private readonly log: Logger) {}

  warn(kind: string, fields: Record<string, unknown>, message: string): void {
    const now = Date.now();
    const entry = this.last.get(kind);
    if (entry !== undefined && now - entry.at < EVERY_MS) {
      entry.suppressed++;
      return;
    }
    const suppressed = entry?.suppressed ?? 0;
    this.last.set(kind, { at: now, suppressed: 0 });
    this.log.warn(suppressed > 0 ? { ...fields, suppressed } : fields, message);
  }
}
