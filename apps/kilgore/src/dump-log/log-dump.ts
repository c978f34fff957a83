import { statSync } from 'node:fs';
import path from 'node:path';
import {
  BatchAttributes,
  BatchOffsets,
  CompressionCodec,
  type DecodedRecordBatch,
  decodeRecordBatch,
  decodeRecordBatchSync,
  hasSyncCodec,
} from '@kilgore/protocol';
import { batchLine, timestampTypeName } from './batch-line.js';
import { DumpErrors } from './errors.js';
import type { Output } from './output.js';
import type { RecordParser } from './record-parser.js';
import { readBatches } from './segment-reader.js';
import { sequenceAt } from './sequences.js';

export interface LogDumpOptions {
  deepIteration: boolean;
  printData: boolean;
  skipRecordMetadata: boolean;
  parser: RecordParser;
  /** Kafka's --max-bytes: read at most this much of each file. */
  maxBytes: number;
}

const CONTROL_TYPES = [
  'ABORT',
  'COMMIT',
  'LEADER_CHANGE',
  'SNAPSHOT_HEADER',
  'SNAPSHOT_FOOTER',
  'KRAFT_VERSION',
  'KRAFT_VOTERS',
];

/** Decodes a batch's records; zstd needs the async codec on Node < 22.15. */
export function decodeBatch(bytes: Buffer): DecodedRecordBatch | Promise<DecodedRecordBatch> {
  const codec = bytes.readInt16BE(BatchOffsets.attributes) & BatchAttributes.compressionMask;
  // Kafka's deep iteration does not check the CRC (the batch line already says isvalid).
  if (hasSyncCodec(codec) || codec !== CompressionCodec.zstd)
    return decodeRecordBatchSync(bytes, { verifyCrc: false });
  return decodeRecordBatch(bytes, { verifyCrc: false });
}

/** Prints a `.log` file as DumpLogSegments' dumpLog does. Returns bytes read, for the bench. */
export async function dumpLog(
  file: string,
  opts: LogDumpOptions,
  out: Output,
  errors: DumpErrors,
): Promise<number> {
  const name = path.basename(file);
  const stem = name.split('.')[0] ?? '';
  if (!/^\d+$/.test(stem)) throw new Error(`${name} is not named <base offset>.log`);
  out.line(`Log starting offset: ${BigInt(stem)}`);
  let lastOffset = -1n;
  const batches = readBatches(file, opts.maxBytes);
  let step = batches.next();
  while (!step.done) {
    const { bytes, position, magic } = step.value;
    out.line(batchLine(bytes, position, magic));
    if (opts.deepIteration && magic >= 2) {
      let batch: DecodedRecordBatch;
      try {
        batch = await decodeBatch(bytes);
      } catch (err) {
        // Kafka's tool dies here with a stack trace; one line and on to the next batch is kinder.
        process.stderr.write(`kilgore: ${file}: batch at position ${position}: ${(err as Error).message}\n`);
        step = batches.next();
        continue;
      }
      const attributes = batch.header.attributes;
      const isControl = (attributes & BatchAttributes.control) !== 0;
      const tsType = timestampTypeName(2, attributes);
      for (const r of batch.records) {
        if (lastOffset !== -1n && r.offset !== lastOffset + 1n) {
          DumpErrors.add(errors.nonConsecutive, path.resolve(file), [lastOffset, r.offset]);
        }
        lastOffset = r.offset;
        let line = '';
        let prefix = '| ';
        if (!opts.skipRecordMetadata) {
          line =
            `| offset: ${r.offset} ${tsType}: ${r.timestamp} keySize: ${r.key?.length ?? -1}` +
            ` valueSize: ${r.value?.length ?? -1}` +
            ` sequence: ${sequenceAt(batch.header.baseSequence, r.offsetDelta)}` +
            ` headerKeys: [${r.headers.map((h) => h.key).join(',')}]`;
          prefix = ' ';
          if (isControl) line += controlText(r.key, r.value);
        }
        if (opts.printData && !isControl) {
          const { key, payload } = opts.parser(r);
          if (key !== undefined) {
            line += `${prefix}key: ${key}`;
            prefix = ' ';
          }
          if (payload !== undefined) line += ` payload: ${payload}`;
        }
        out.line(line);
      }
    }
    step = batches.next();
  }
  const valid = step.value;
  const fileBytes = Math.min(statSync(file).size, opts.maxBytes);
  if (fileBytes > valid && opts.maxBytes === 0x7fffffff)
    out.line(`Found ${fileBytes - valid} invalid bytes at the end of ${name}`);
  return valid;
}

/** The control record's text: an end-transaction marker, or the type Kafka names. */
function controlText(key: Buffer | null, value: Buffer | null): string {
  if (key === null || key.length < 4 || key.readInt16BE(0) < 0) return ' controlType: invalid key';
  const id = key.readInt16BE(2);
  const type = CONTROL_TYPES[id] ?? 'UNKNOWN';
  if ((id === 0 || id === 1) && value !== null && value.length >= 6) {
    return ` endTxnMarker: ${type} coordinatorEpoch: ${value.readInt32BE(2)}`;
  }
  return ` controlType: ${type}(${id})`;
}
