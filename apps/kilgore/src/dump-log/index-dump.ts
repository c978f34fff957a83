import fs from 'node:fs';
import path from 'node:path';
import { BatchOffsets } from '@kilgore/protocol';
import { DumpErrors } from './errors.js';
import { decodeBatch } from './log-dump.js';
import type { Output } from './output.js';
import { readBatches } from './segment-reader.js';

/** The segment's base offset and sibling file, from `<base>.<suffix>`. */
function sibling(file: string, suffix: string): { base: bigint; file: string } {
  const stem = path.basename(file).split('.')[0] ?? '';
  return { base: BigInt(stem), file: path.join(path.dirname(path.resolve(file)), stem + suffix) };
}

interface IndexEntry {
  offset: bigint;
  position: number;
}

function offsetEntries(file: string, base: bigint): IndexEntry[] {
  const buf = fs.readFileSync(file);
  const out: IndexEntry[] = [];
  for (let p = 0; p + 8 <= buf.length; p += 8) {
    out.push({ offset: base + BigInt(buf.readInt32BE(p)), position: buf.readInt32BE(p + 4) });
  }
  return out;
}

/** The last offset of the batch at `position` of the log, or -1 when no batch is there. */
function lastOffsetAt(fd: number, position: number): bigint {
  const h = Buffer.alloc(BatchOffsets.lastOffsetDelta + 4);
  if (position < 0 || fs.readSync(fd, h, 0, h.length, position) < h.length) return -1n;
  return h.readBigInt64BE(0) + BigInt(h.readInt32BE(BatchOffsets.lastOffsetDelta));
}

export interface IndexDumpOptions {
  verifyOnly: boolean;
  sanityOnly: boolean;
}

/** `.index`: DumpLogSegments' dumpIndex. Each entry must point at a batch whose last offset it names. */
export function dumpIndex(file: string, opts: IndexDumpOptions, out: Output, errors: DumpErrors): void {
  const { base, file: logFile } = sibling(file, '.log');
  const entries = offsetEntries(file, base);
  if (entries.length === 0) {
    out.line(`${file} is empty.`);
    return;
  }
  if (opts.sanityOnly) {
    out.line(sanity(file, fs.statSync(file).size, 8, entries.at(-1)?.offset ?? base, base));
    return;
  }
  const fd = fs.openSync(logFile, 'r');
  try {
    for (const [i, entry] of entries.entries()) {
      // A preallocated (sparse) index ends in zero entries: Kafka stops at the first.
      if (entry.offset === base && i > 0) return;
      const logOffset = lastOffsetAt(fd, entry.position);
      if (logOffset !== entry.offset)
        DumpErrors.add(errors.indexMismatches, path.resolve(file), [entry.offset, logOffset]);
      if (!opts.verifyOnly) out.line(`offset: ${entry.offset} position: ${entry.position}`);
    }
  } finally {
    fs.closeSync(fd);
  }
}

function sanity(file: string, length: number, entrySize: number, lastOffset: bigint, base: bigint): string {
  if (length % entrySize !== 0) {
    return `${file} failed sanity check: index file size ${length} is not a multiple of entry size ${entrySize}`;
  }
  if (lastOffset < base)
    return `${file} failed sanity check: last offset ${lastOffset} is below base offset ${base}`;
  return `${file} passed sanity check.`;
}

/**
 * `.timeindex`: DumpLogSegments' dumpTimeIndex. Each entry must name the last offset of a batch
 * whose largest record timestamp is the entry's, and timestamps must increase.
 */
export async function dumpTimeIndex(
  file: string,
  opts: IndexDumpOptions,
  out: Output,
  errors: DumpErrors,
): Promise<void> {
  const { base, file: logFile } = sibling(file, '.log');
  const buf = fs.readFileSync(file);
  const count = Math.floor(buf.length / 12);
  if (opts.sanityOnly) {
    const last = count > 0 ? base + BigInt(buf.readInt32BE((count - 1) * 12 + 8)) : base;
    out.line(sanity(file, buf.length, 12, last, base));
    return;
  }
  const abs = path.resolve(file);
  let prev = -1n;
  let batches: LogBatch[] | undefined;
  for (let i = 0; i < count; i++) {
    const timestamp = buf.readBigInt64BE(i * 12);
    const offset = base + BigInt(buf.readInt32BE(i * 12 + 8));
    if (offset === base && i > 0) return;
    batches ??= [...iterate(logFile)];
    const batch = batches.find((b) => b.lastOffset >= offset);
    if (batch === undefined) DumpErrors.add(errors.timeNotFound, abs, [offset, -1n]);
    else if (batch.lastOffset !== offset)
      DumpErrors.add(errors.timeNotFound, abs, [offset, batch.lastOffset]);
    else {
      let max = -1n;
      try {
        const bytes = readBytes(logFile, batch.position, batch.size);
        for (const r of (await decodeBatch(bytes)).records) if (r.timestamp > max) max = r.timestamp;
      } catch {
        max = -1n;
      }
      if (max !== timestamp) DumpErrors.add(errors.timeMismatches, abs, [timestamp, max]);
      if (prev >= timestamp) DumpErrors.add(errors.timeOutOfOrder, abs, [timestamp, prev]);
    }
    if (!opts.verifyOnly) out.line(`timestamp: ${timestamp} offset: ${offset}`);
    prev = timestamp;
  }
}

interface LogBatch {
  lastOffset: bigint;
  position: number;
  size: number;
}

/** Where each batch of the log is; records are read again only for the batches entries name. */
function* iterate(logFile: string): Generator<LogBatch> {
  for (const b of readBatches(logFile)) {
    const lastOffset = b.bytes.readBigInt64BE(0) + BigInt(b.bytes.readInt32BE(BatchOffsets.lastOffsetDelta));
    yield { lastOffset, position: b.position, size: b.bytes.length };
  }
}

function readBytes(file: string, position: number, size: number): Buffer {
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.alloc(size);
    fs.readSync(fd, buf, 0, size, position);
    return buf;
  } finally {
    fs.closeSync(fd);
  }
}

/** `.txnindex`: one line per aborted transaction. */
export function dumpTxnIndex(file: string, out: Output): void {
  const buf = fs.readFileSync(file);
  for (let p = 0; p + 34 <= buf.length; p += 34) {
    out.line(
      `version: ${buf.readInt16BE(p)} producerId: ${buf.readBigInt64BE(p + 2)}` +
        ` firstOffset: ${buf.readBigInt64BE(p + 10)} lastOffset: ${buf.readBigInt64BE(p + 18)}` +
        ` lastStableOffset: ${buf.readBigInt64BE(p + 26)}`,
    );
  }
}
