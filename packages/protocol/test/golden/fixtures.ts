/**
 * Reads the checked-in golden fixtures (test/fixtures/golden) and their manifest. Tests only
 * ever read these files; recapturing needs the real clients (see the README there).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const GOLDEN_DIR = fileURLToPath(new URL('../fixtures/golden/', import.meta.url));

export interface GoldenRecord {
  key: string | null;
  value: string | null;
  headers: Array<{ key: string; value: string | null }>;
}

export interface GoldenEntry {
  file: string;
  client: string;
  api: string;
  apiKey: number;
  apiVersion: number;
  direction: 'request' | 'response';
  headerVersion: number;
  correlationId: number;
  compression?: 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd';
  records?: GoldenRecord[];
}

export const manifest: GoldenEntry[] = (
  JSON.parse(readFileSync(`${GOLDEN_DIR}manifest.json`, 'utf8')) as { fixtures: GoldenEntry[] }
).fixtures;

export const binFiles: string[] = readdirSync(GOLDEN_DIR).filter((name) => name.endsWith('.bin'));

export function bytesOf(entry: GoldenEntry): Buffer {
  return readFileSync(`${GOLDEN_DIR}${entry.file}`);
}

export const requests = manifest.filter((e) => e.direction === 'request');
export const responses = manifest.filter((e) => e.direction === 'response');

/** The codec number a batch's attributes carry for each name (crib section 1). */
export const CODEC_NUMBER = { none: 0, gzip: 1, snappy: 2, lz4: 3, zstd: 4 } as const;

/** A decoded record as the manifest spells it: UTF-8 text, null for absent. */
export function asGolden(record: {
  key: Buffer | null;
  value: Buffer | null;
  headers: Array<{ key: string; value: Buffer | null }>;
}): GoldenRecord {
  return {
    key: record.key === null ? null : record.key.toString(),
    value: record.value === null ? null : record.value.toString(),
    headers: record.headers.map((h) => ({ key: h.key, value: h.value === null ? null : h.value.toString() })),
  };
}
