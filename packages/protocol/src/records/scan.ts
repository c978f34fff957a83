import { RecordDecodeError } from './errors.js';
import { RecordCursor } from './varint.js';

/** What a broker checks on each record of a producer's batch (Kafka's LogValidator.validateRecord). */
export interface RecordRules {
  /** Compacted topics: every record needs a key. */
  requireKey: boolean;
  /** The batch's baseTimestamp; record timestamps are it plus their delta. */
  baseTimestamp: number;
  /** Accepted record timestamps, inclusive; -Infinity / Infinity where unbounded. */
  minTimestamp: number;
  maxTimestamp: number;
}

/** One record a broker refuses, by its index in the batch (KIP-467's batch_index). */
export interface RecordProblem {
  index: number;
  kind: 'no-key' | 'timestamp';
  /** The record's timestamp (for 'timestamp'). */
  timestamp: number;
}

export interface RecordScan {
  /** Refused records, in batch order; empty when all pass. */
  problems: RecordProblem[];
  /** The largest record timestamp (-1 when the batch has none). */
  maxTimestamp: number;
}

/**
 * Walks the records of one v2 batch (the uncompressed record bytes, `start` to `end`) without
 * copying anything, checks that their framing is sound and that they agree with the batch header
 * (`count` records, offset deltas 0, 1, 2, ...), and applies `rules` to each. Framing and count
 * problems throw RecordDecodeError: they make the whole batch unreadable. Rule violations are
 * answered per record, as Kafka's Produce v8+ reports them.
 */
export function scanRecords(
  buf: Buffer,
  start: number,
  end: number,
  count: number,
  rules: RecordRules,
): RecordScan {
  const cur = new RecordCursor(buf, start, end);
  const problems: RecordProblem[] = [];
  const checkTime =
    rules.minTimestamp !== Number.NEGATIVE_INFINITY || rules.maxTimestamp !== Number.POSITIVE_INFINITY;
  let maxDelta = Number.NEGATIVE_INFINITY;
  let index = 0;
  for (; cur.pos < end; index++) {
    if (index === count) {
      throw new RecordDecodeError('invalid-value', `batch declares ${count} records but holds more`, cur.pos);
    }
    const at = cur.pos;
    const length = cur.varint();
    if (length < 0) throw new RecordDecodeError('negative-length', `record length ${length}`, at);
    const recordEnd = cur.pos + length;
    if (recordEnd > end) throw new RecordDecodeError('length-past-end', `record length ${length}`, at);
    cur.end = recordEnd;
    cur.int8(); // attributes: unused in v2
    const timestampDelta = cur.varlong();
    const offsetDelta = cur.varint();
    if (offsetDelta !== index) {
      throw new RecordDecodeError(
        'invalid-value',
        `record ${index} has offset delta ${offsetDelta}; the batch header implies ${index}`,
        at,
      );
    }
    const keyLength = cur.skipBytes();
    cur.skipBytes(); // value
    const headerAt = cur.pos;
    const headers = cur.varint();
    if (headers < 0) throw new RecordDecodeError('negative-length', `header count ${headers}`, headerAt);
    for (let h = 0; h < headers; h++) {
      const keyAt = cur.pos;
      if (cur.skipBytes() < 0) throw new RecordDecodeError('negative-length', 'null header key', keyAt);
      cur.skipBytes();
    }
    if (cur.pos !== recordEnd) {
      throw new RecordDecodeError(
        'invalid-value',
        `record has ${recordEnd - cur.pos} bytes past its fields`,
        at,
      );
    }
    cur.end = end;
    if (timestampDelta > maxDelta) maxDelta = timestampDelta;
    if (rules.requireKey && keyLength < 0) {
      problems.push({ index, kind: 'no-key', timestamp: rules.baseTimestamp + timestampDelta });
    } else if (checkTime) {
      const ts = rules.baseTimestamp + timestampDelta;
      // -1 is "no timestamp", which Kafka lets through.
      if (ts !== -1 && (ts < rules.minTimestamp || ts > rules.maxTimestamp))
        problems.push({ index, kind: 'timestamp', timestamp: ts });
    }
  }
  if (index !== count) {
    throw new RecordDecodeError('invalid-value', `batch declares ${count} records but holds ${index}`, end);
  }
  const maxTimestamp = index === 0 || rules.baseTimestamp < 0 ? -1 : rules.baseTimestamp + maxDelta;
  return { problems, maxTimestamp };
}
