import { HttpError } from './errors.js';
import type { LogRecord } from './records.js';

export const GET_FORMATS = ['raw', 'json', 'kaf'] as const;
export type GetFormat = (typeof GET_FORMATS)[number];

export interface Rendered {
  contentType: string;
  body: Buffer;
}

const NEWLINE = Buffer.from('\n');

/**
 * The records of a GET in one of its formats:
 * - raw: each value followed by a newline (a null value is an empty line);
 * - json: a JSON array of the values, each parsed as JSON (a null value is null);
 * - kaf: per record a line `<offset> <size>` then exactly `size` bytes of value and a newline
 *   (size -1 and no bytes for a null value), readable by eye and exact for a program.
 */
export function render(format: GetFormat, records: readonly LogRecord[]): Rendered {
  switch (format) {
    case 'raw': {
      const parts: Buffer[] = [];
      for (const r of records) {
        if (r.value !== null) parts.push(r.value);
        parts.push(NEWLINE);
      }
      return { contentType: 'application/octet-stream', body: Buffer.concat(parts) };
    }
    case 'json': {
      const values = records.map((r) => (r.value === null ? 'null' : jsonText(r)));
      return { contentType: 'application/json', body: Buffer.from(`[${values.join(',')}]`) };
    }
    case 'kaf': {
      const parts: Buffer[] = [];
      for (const r of records) {
        parts.push(Buffer.from(`${r.offset} ${r.value === null ? -1 : r.value.length}\n`));
        if (r.value !== null) parts.push(r.value);
        parts.push(NEWLINE);
      }
      return { contentType: 'text/plain; charset=utf-8', body: Buffer.concat(parts) };
    }
  }
}

/** A value's text after checking it is JSON (re-serialised compactly, one per array element). */
function jsonText(r: LogRecord): string {
  const text = r.value!.toString('utf8');
  try {
    return JSON.stringify(JSON.parse(text));
  } catch (err) {
    throw new HttpError(
      422,
      'not_json',
      `the record at offset ${r.offset} is not JSON (${(err as Error).message}); read it with format=raw or format=kaf`,
      { offset: Number(r.offset) },
    );
  }
}
