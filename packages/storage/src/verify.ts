import fs from 'node:fs';
import path from 'node:path';
import { scanBatches } from './batch-scan.js';
import { FileStore } from './byte-store.js';
import { INDEX_SUFFIX, LOG_SUFFIX, parseSegmentFileName, TIME_INDEX_SUFFIX } from './names.js';

export interface SegmentFileReport {
  baseOffset: number;
  batches: number;
  /** First base offset and last offset of the batches, -1 when empty. */
  firstOffset: number;
  lastOffset: number;
  problems: string[];
}

/**
 * Checks a partition folder the way kafka-dump-log.sh does, reading the files directly:
 * every batch well framed with a valid CRC and increasing offsets; every `.index` entry at a
 * batch start whose last offset is the entry's; every `.timeindex` entry naming a batch's last
 * offset with that batch's maxTimestamp, timestamps increasing. Read-only.
 */
export function verifySegmentFiles(partitionDir: string): SegmentFileReport[] {
  const bases = fs
    .readdirSync(partitionDir)
    .map((n) => parseSegmentFileName(n, LOG_SUFFIX))
    .filter((b): b is number => b !== undefined)
    .sort((a, b) => a - b);
  const reports: SegmentFileReport[] = [];
  for (const base of bases) {
    const stem = String(base).padStart(20, '0');
    const log = FileStore.open(path.join(partitionDir, stem + LOG_SUFFIX));
    const report: SegmentFileReport = {
      baseOffset: base,
      batches: 0,
      firstOffset: -1,
      lastOffset: -1,
      problems: [],
    };
    const byPosition = new Map<number, number>();
    const byLastOffset = new Map<number, number>();
    try {
      const stop = scanBatches(
        log,
        0,
        log.size,
        true,
        (b) => {
          if (report.firstOffset < 0) report.firstOffset = b.baseOffset;
          report.lastOffset = b.lastOffset;
          report.batches++;
          byPosition.set(b.position, b.lastOffset);
          byLastOffset.set(b.lastOffset, b.maxTimestamp);
          return true;
        },
        base,
      );
      if (stop.kind !== 'end' || stop.position !== log.size) {
        report.problems.push(`log: ${'reason' in stop ? stop.reason : 'stopped'} at byte ${stop.position}`);
      }
      const index = readIfExists(path.join(partitionDir, stem + INDEX_SUFFIX));
      if (index === undefined) report.problems.push('index: missing');
      else if (index.length % 8 !== 0)
        report.problems.push(`index: length ${index.length} is not a multiple of 8`);
      else {
        for (let p = 0; p < index.length; p += 8) {
          const offset = base + index.readInt32BE(p);
          const position = index.readInt32BE(p + 4);
          if (byPosition.get(position) !== offset) {
            report.problems.push(`index: entry ${p / 8} (${offset} @ ${position}) does not match the log`);
          }
        }
      }
      const time = readIfExists(path.join(partitionDir, stem + TIME_INDEX_SUFFIX));
      if (time === undefined) report.problems.push('timeindex: missing');
      else if (time.length % 12 !== 0)
        report.problems.push(`timeindex: length ${time.length} is not a multiple of 12`);
      else {
        let prev = Number.NEGATIVE_INFINITY;
        for (let p = 0; p < time.length; p += 12) {
          const ts = Number(time.readBigInt64BE(p));
          const offset = base + time.readInt32BE(p + 8);
          if (ts <= prev) report.problems.push(`timeindex: entry ${p / 12} timestamp does not increase`);
          if (byLastOffset.get(offset) !== ts) {
            report.problems.push(`timeindex: entry ${p / 12} (${ts} @ ${offset}) does not match the log`);
          }
          prev = ts;
        }
      }
    } finally {
      log.closeSync();
    }
    reports.push(report);
  }
  return reports;
}

function readIfExists(file: string): Buffer | undefined {
  try {
    return fs.readFileSync(file);
  } catch {
    return undefined;
  }
}
