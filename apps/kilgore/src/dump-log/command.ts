/**
 * `kilgore dump-log`: Apache Kafka's kafka-dump-log.sh (kafka.tools.DumpLogSegments) for the
 * files of a Kilgore log dir, with Kafka's options and output lines, so the two can be diffed.
 * Read-only: it opens files for reading and takes no lock, so it is safe on a live broker's dir
 * (the active segment's last batch may be caught half-written and reported as invalid bytes).
 */
import path from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { DumpErrors } from './errors.js';
import { expandFiles } from './files.js';
import { dumpIndex, dumpTimeIndex, dumpTxnIndex } from './index-dump.js';
import { dumpLog } from './log-dump.js';
import { Output } from './output.js';
import { offsetsParser, stringParser } from './record-parser.js';

export interface DumpLogFlags {
  files: string;
  printDataLog?: boolean;
  deepIteration?: boolean;
  verifyIndexOnly?: boolean;
  verifyIndex?: boolean;
  indexSanityCheck?: boolean;
  offsetsDecoder?: boolean;
  skipRecordMetadata?: boolean;
  maxBytes: number;
}

function positiveInt(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 1 || n > 0x7fffffff)
    throw new InvalidArgumentError('expected a positive 32-bit integer');
  return n;
}

/** Dumps every file; returns 0, or 1 when a file could not be read (the rest are still dumped). */
export async function dumpLogFiles(
  flags: DumpLogFlags,
  out: Output,
  err: (line: string) => void,
): Promise<number> {
  const printData = flags.printDataLog === true || flags.offsetsDecoder === true;
  const logOpts = {
    printData,
    deepIteration: flags.deepIteration === true || printData,
    skipRecordMetadata: flags.skipRecordMetadata === true,
    parser: flags.offsetsDecoder ? offsetsParser : stringParser,
    maxBytes: flags.maxBytes,
  };
  const indexOpts = {
    verifyOnly: flags.verifyIndexOnly === true || flags.verifyIndex === true,
    sanityOnly: flags.indexSanityCheck === true,
  };
  const errors = new DumpErrors();
  let status = 0;
  const files = expandFiles(flags.files.split(',').filter((f) => f !== ''));
  if (files.length === 0) throw new InvalidArgumentError('--files names no file');
  for (const file of files) {
    out.line(`Dumping ${file}`);
    try {
      switch (path.extname(file)) {
        case '.log':
          await dumpLog(file, logOpts, out, errors);
          break;
        case '.index':
          dumpIndex(file, indexOpts, out, errors);
          break;
        case '.timeindex':
          await dumpTimeIndex(file, indexOpts, out, errors);
          break;
        case '.txnindex':
          dumpTxnIndex(file, out);
          break;
        default:
          out.flush();
          err(`Ignoring unknown file ${file}`);
      }
    } catch (e) {
      out.flush();
      err(`kilgore: ${file}: ${(e as Error).message}`);
      status = 1;
    }
  }
  out.flush();
  for (const line of errors.lines()) err(line);
  return status;
}

export function dumpLogCommand(): Command {
  return new Command('dump-log')
    .description(
      "Print segment files (.log, .index, .timeindex, .txnindex) as Kafka's kafka-dump-log.sh does",
    )
    .requiredOption(
      '--files <file1,file2,...>',
      'comma-separated data and index files; a partition folder or log dir stands for its segment files',
    )
    .option('--print-data-log', 'print record keys and values (implies --deep-iteration)')
    .option('--deep-iteration', 'print every record, not only each batch')
    .option('--verify-index-only', 'check .index/.timeindex against the log without printing their entries')
    .option('--verify-index', 'the same as --verify-index-only')
    .option('--index-sanity-check', "only check each index's size and last offset, as a broker does at start")
    .option('--offsets-decoder', 'decode records as __consumer_offsets commits and group metadata')
    .option('--skip-record-metadata', "don't print each record's offset, timestamp, sizes and headers")
    .option('--max-bytes <n>', 'read at most this many bytes of each .log', positiveInt, 0x7fffffff)
    .action(async (flags: DumpLogFlags) => {
      process.stdout.on('error', (e: NodeJS.ErrnoException) => {
        if (e.code === 'EPIPE') process.exit(0);
        throw e;
      });
      try {
        const status = await dumpLogFiles(flags, new Output(), (line) => process.stderr.write(`${line}\n`));
        process.exitCode = status;
      } catch (e) {
        process.stderr.write(`kilgore: ${(e as Error).message}\n`);
        process.exitCode = 2;
      }
    });
}
