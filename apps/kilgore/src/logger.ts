import { createRequire } from 'node:module';
import { type Logger, pino } from 'pino';

/**
 * pino JSON lines; pretty, human-readable lines when stdout is a terminal. pino-pretty runs in
 * the same thread as a sync stream so the last lines before an exit are never lost.
 */
export function createLogger(level: string): Logger {
  if (process.stdout.isTTY) {
    const require = createRequire(import.meta.url);
    const pretty = require('pino-pretty') as (opts: Record<string, unknown>) => NodeJS.WritableStream;
    return pino({ level }, pretty({ colorize: true, sync: true, translateTime: 'SYS:HH:MM:ss.l' }));
  }
  return pino({ level }, pino.destination({ sync: true }));
}
