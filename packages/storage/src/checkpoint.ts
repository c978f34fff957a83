import fs from 'node:fs';
import path from 'node:path';
import { syncDirectory } from './directory.js';

export interface CheckpointEntry {
  topic: string;
  partition: number;
  offset: number;
}

/**
 * Kafka's offset checkpoint text format (CheckpointFile.java): a version line `0`, a count line,
 * then `topic partition offset` per entry.
 */
export function formatCheckpoint(entries: readonly CheckpointEntry[]): string {
  const lines = ['0', String(entries.length)];
  for (const e of entries) lines.push(`${e.topic} ${e.partition} ${e.offset}`);
  return `${lines.join('\n')}\n`;
}

/** Parses the format; throws on anything malformed (the caller decides how to degrade). */
export function parseCheckpoint(text: string): CheckpointEntry[] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  if (lines[0] !== '0') throw new Error(`unsupported checkpoint version ${JSON.stringify(lines[0])}`);
  const count = Number(lines[1]);
  if (!Number.isInteger(count) || count < 0 || lines.length !== count + 2) {
    throw new Error(`checkpoint count ${lines[1]} does not match ${lines.length - 2} entries`);
  }
  return lines.slice(2).map((line) => {
    const parts = line.split(' ');
    const [topic, p, o] = parts;
    const partition = Number(p);
    const offset = Number(o);
    if (parts.length !== 3 || !topic || !Number.isInteger(partition) || !Number.isSafeInteger(offset)) {
      throw new Error(`bad checkpoint line ${JSON.stringify(line)}`);
    }
    return { topic, partition, offset };
  });
}

/** Writes `<file>.tmp`, fsyncs it, renames it over `file` and fsyncs the folder: all or nothing. */
export function writeCheckpointFile(file: string, entries: readonly CheckpointEntry[]): void {
  const tmp = `${file}.tmp`;
  const fd = fs.openSync(tmp, 'w');
  try {
    fs.writeSync(fd, formatCheckpoint(entries));
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
  syncDirectory(path.dirname(file));
}

/** Reads a checkpoint file: undefined when absent; throws when malformed. */
export function readCheckpointFile(file: string): CheckpointEntry[] | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  return parseCheckpoint(text);
}
