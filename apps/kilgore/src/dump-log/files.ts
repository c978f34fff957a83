import fs from 'node:fs';
import path from 'node:path';

const SEGMENT_SUFFIXES = ['.log', '.index', '.timeindex', '.txnindex'];

/**
 * The files to dump, in order. Files are taken as given (as Kafka does); a directory (a Kilgore
 * extension) stands for its segment files, segment by segment: a partition folder gives each
 * segment's .log, .index, .timeindex and .txnindex; a log dir gives every partition folder's.
 */
export function expandFiles(args: string[]): string[] {
  const out: string[] = [];
  for (const arg of args) {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(arg);
    } catch {
      out.push(arg); // reported when opened, in order with the rest
      continue;
    }
    if (!stat.isDirectory()) out.push(arg);
    else out.push(...segmentFilesIn(arg));
  }
  return out;
}

function segmentFilesIn(dir: string): string[] {
  const names = fs.readdirSync(dir).sort();
  const segments = names.filter((n) => /^\d{20}\.log$/.test(n));
  if (segments.length === 0) {
    return names
      .filter((n) => fs.statSync(path.join(dir, n)).isDirectory())
      .flatMap((n) => segmentFilesIn(path.join(dir, n)));
  }
  const present = new Set(names);
  return segments.flatMap((log) => {
    const stem = log.slice(0, 20);
    return SEGMENT_SUFFIXES.map((s) => stem + s)
      .filter((n) => present.has(n))
      .map((n) => path.join(dir, n));
  });
}
