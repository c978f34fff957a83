import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parsePartitionDirName, verifySegmentFiles } from '@kilgore/storage';
import { type FetchedRecord, recordsOf } from './wire.js';

/**
 * Reads a stopped node's log dir straight from the files, as kafka-dump-log.sh would: no broker,
 * no LogManager (opening one would run recovery and write checkpoints, changing what we compare).
 */

/** `<topic>-<partition>` folders of a log dir, sorted. */
export function partitionDirs(logDir: string): string[] {
  if (!existsSync(logDir)) return [];
  return readdirSync(logDir)
    .filter((name) => parsePartitionDirName(name) !== undefined && statSync(join(logDir, name)).isDirectory())
    .sort();
}

/** The `.log` segment files of a partition folder, oldest first. */
export function segmentFiles(partitionDir: string): string[] {
  return readdirSync(partitionDir)
    .filter((n) => /^\d{20}\.log$/.test(n))
    .sort();
}

/** Every record of every partition (key `<topic>-<partition>`), in file order, offsets as numbers. */
export function readLogDir(logDir: string, only?: (topic: string) => boolean): Map<string, FetchedRecord[]> {
  const out = new Map<string, FetchedRecord[]>();
  for (const name of partitionDirs(logDir)) {
    const { topic } = parsePartitionDirName(name)!;
    if (only !== undefined && !only(topic)) continue;
    const records: FetchedRecord[] = [];
    for (const seg of segmentFiles(join(logDir, name)))
      records.push(...recordsOf(readFileSync(join(logDir, name, seg))));
    out.set(name, records);
  }
  return out;
}

/** Every `.log` file of the log dir by relative path (`orders-0/00000000000000000000.log`) with its bytes. */
export function segmentBytes(logDir: string, only?: (topic: string) => boolean): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const name of partitionDirs(logDir)) {
    if (only !== undefined && !only(parsePartitionDirName(name)!.topic)) continue;
    for (const seg of segmentFiles(join(logDir, name)))
      out.set(`${name}/${seg}`, readFileSync(join(logDir, name, seg)));
  }
  return out;
}

/** Problems kafka-dump-log.sh would report (bad CRC, torn batch, index entries off), per partition. */
export function segmentProblems(logDir: string): string[] {
  const problems: string[] = [];
  for (const name of partitionDirs(logDir)) {
    for (const report of verifySegmentFiles(join(logDir, name))) {
      for (const p of report.problems) problems.push(`${name}/${report.baseOffset}: ${p}`);
    }
  }
  return problems;
}
