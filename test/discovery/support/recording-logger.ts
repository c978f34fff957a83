import type { DiscoveryLogger } from '@kilgore/discovery';

export interface LoggedLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  obj: Record<string, unknown>;
  msg: string;
}

/** A logger that keeps every line, so tests can assert what an operator would read. */
export function recordingLogger(): DiscoveryLogger & { lines: LoggedLine[] } {
  const lines: LoggedLine[] = [];
  const at =
    (level: LoggedLine['level']) =>
    (obj: object, msg: string): void => {
      lines.push({ level, obj: obj as Record<string, unknown>, msg });
      if (process.env.KILGORE_TEST_LOG) process.stderr.write(`${level} ${msg} ${JSON.stringify(obj)}\n`);
    };
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
