import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CompressionCodec, encodeRecordBatchSync, type RecordInput } from '@kilgore/protocol';
import { afterAll } from 'vitest';

/** A producer batch (baseOffset 0) of `count` records of `valueSize` bytes each. */
export function makeBatch(
  count: number,
  opts: {
    valueSize?: number;
    timestamp?: number;
    keys?: Array<string | null>;
    values?: Array<string | null>;
    compression?: CompressionCodec;
  } = {},
): Buffer {
  const ts = opts.timestamp ?? 1_700_000_000_000;
  const records: RecordInput[] = [];
  for (let i = 0; i < count; i++) {
    records.push({
      key: opts.keys ? (opts.keys[i] ?? null) : `k${i}`,
      value: opts.values ? (opts.values[i] ?? null) : Buffer.alloc(opts.valueSize ?? 10, i & 0xff),
      timestamp: ts + i,
    });
  }
  return encodeRecordBatchSync({ records, compression: opts.compression ?? CompressionCodec.none });
}

/** Dirs made by tempDir in this test file, removed after it (they used to pile up in /tmp). */
const madeDirs: string[] = [];
// Imported while the test file is collected, so this hook belongs to that file.
afterAll(() => {
  for (const d of madeDirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

export function tempDir(prefix = 'kilgore-storage-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  madeDirs.push(dir);
  return dir;
}

/** Every batch in a records buffer: [baseOffset, lastOffset]. */
export function batchOffsets(records: Buffer): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let p = 0;
  while (p + 61 <= records.length) {
    const base = Number(records.readBigInt64BE(p));
    out.push([base, base + records.readInt32BE(p + 23)]);
    p += records.readInt32BE(p + 8) + 12;
  }
  return out;
}
