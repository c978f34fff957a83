import {
  BatchAttributes,
  CompressionError,
  decodeMessageSet,
  decodeRecordBatch,
  iterateBatches,
  RecordDecodeError,
  readBatchHeader,
} from '@kilgore/protocol';
import { HttpError } from './errors.js';

/** An aborted transaction a read_committed Fetch lists: its producer and first offset. */
export interface AbortedTransaction {
  producerId: bigint;
  firstOffset: bigint;
}

/** One record as the HTTP formats show it. */
export interface LogRecord {
  offset: bigint;
  timestamp: bigint;
  key: Buffer | null;
  value: Buffer | null;
}

/**
 * The records of a Fetch answer's record bytes with offsets at or after `from`, in order:
 * v2 batches in any codec (the protocol package decompresses them) and legacy v0/v1 message
 * sets alike. Control batches (transaction markers) hold no user data and are left out, as a
 * consumer leaves them out. A batch that cannot be decoded is an error rather than a silent gap.
 * At most `limit` records; with `aborted` (a read_committed Fetch's list), none of those.
 */
export async function recordsOf(
  bytes: Buffer,
  from: bigint,
  limit = Number.MAX_SAFE_INTEGER,
  aborted: readonly AbortedTransaction[] = [],
): Promise<LogRecord[]> {
  const out: LogRecord[] = [];
  // read_committed, as a Kafka consumer filters: a producer's transactional batches are dropped
  // from the first offset of its aborted transaction up to that transaction's control marker.
  const pending = [...aborted].sort((a, b) => (a.firstOffset < b.firstOffset ? -1 : 1));
  const abortedProducers = new Set<bigint>();
  try {
    for (const b of iterateBatches(bytes)) {
      // Batches past the limit are not decoded at all: a limit=10 get of a 1 MiB read is cheap.
      if (out.length >= limit) break;
      const batch = bytes.subarray(b.position, b.position + b.size);
      if (b.magic < 2) {
        for (const m of decodeMessageSet(batch)) {
          if (m.offset >= from)
            out.push({ offset: m.offset, timestamp: m.timestamp, key: m.key, value: m.value });
        }
        continue;
      }
      const header = readBatchHeader(batch);
      const lastOffset = header.baseOffset + BigInt(header.lastOffsetDelta);
      while (pending.length > 0 && pending[0]!.firstOffset <= lastOffset) {
        abortedProducers.add(pending.shift()!.producerId);
      }
      if ((header.attributes & BatchAttributes.control) !== 0) {
        abortedProducers.delete(header.producerId); // the marker ends its transaction
        continue;
      }
      if (
        (header.attributes & BatchAttributes.transactional) !== 0 &&
        abortedProducers.has(header.producerId)
      ) {
        continue;
      }
      if (lastOffset < from) continue;
      // The stored bytes were checked on the way in; a second CRC pass would only cost time.
      const decoded = await decodeRecordBatch(batch, { verifyCrc: false });
      for (const r of decoded.records) {
        if (r.offset >= from)
          out.push({ offset: r.offset, timestamp: r.timestamp, key: r.key, value: r.value });
      }
    }
  } catch (err) {
    if (!(err instanceof RecordDecodeError || err instanceof CompressionError)) throw err;
    throw new HttpError(500, 'corrupt_log', `the stored records cannot be decoded: ${err.message}`);
  }
  return out.length > limit ? out.slice(0, limit) : out;
}
