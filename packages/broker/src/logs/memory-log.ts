import {
  BATCH_HEADER_SIZE,
  BatchOffsets,
  batchSizeAt,
  isBatchCrcValid,
  LOG_OVERHEAD,
  patchBaseOffset,
  patchLeaderEpoch,
} from '@kilgore/protocol';
import type { LogStore, PartitionAppendResult, PartitionLogView } from './partition-log.js';

class LogError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

const CORRUPT_MESSAGE = 2;
const OFFSET_OUT_OF_RANGE = 1;
const INVALID_RECORD = 87;

interface StoredBatch {
  baseOffset: number;
  lastOffset: number;
  maxTimestamp: number;
  bytes: Buffer;
}

/**
 * A partition log in memory: batches kept as the bytes the producer sent (offsets patched), with
 * the same offset, read and wake-up semantics as the file log. For unit tests and for running
 * handlers without a disk; the broker's real logs come from @kilgore/storage.
 */
export class MemoryPartitionLog implements PartitionLogView {
  private readonly batches: StoredBatch[] = [];
  private readonly waiters = new Set<() => void>();
  logStartOffset = 0;
  logEndOffset = 0;

  get highWatermark(): number {
    return this.logEndOffset;
  }

  async append(input: Buffer, opts: { leaderEpoch?: number } = {}): Promise<PartitionAppendResult> {
    if (input.length < BATCH_HEADER_SIZE) throw new LogError(CORRUPT_MESSAGE, 'record set too short');
    const size = batchSizeAt(input, 0);
    if (size !== input.length) throw new LogError(INVALID_RECORD, 'expected exactly one batch');
    if (input.readInt8(BatchOffsets.magic) !== 2) throw new LogError(INVALID_RECORD, 'magic must be 2');
    if (!isBatchCrcValid(input, 0)) throw new LogError(CORRUPT_MESSAGE, 'CRC mismatch');
    const bytes = Buffer.from(input);
    const baseOffset = this.logEndOffset;
    patchBaseOffset(bytes, 0, BigInt(baseOffset));
    if (opts.leaderEpoch !== undefined) patchLeaderEpoch(bytes, 0, opts.leaderEpoch);
    const lastOffset = baseOffset + bytes.readInt32BE(BatchOffsets.lastOffsetDelta);
    this.batches.push({
      baseOffset,
      lastOffset,
      maxTimestamp: Number(bytes.readBigInt64BE(BatchOffsets.maxTimestamp)),
      bytes,
    });
    this.logEndOffset = lastOffset + 1;
    for (const w of [...this.waiters]) w();
    return { baseOffset, lastOffset, logAppendTime: -1, logStartOffset: this.logStartOffset };
  }

  read(offset: number, maxBytes: number, limitOffset = this.highWatermark, minOneBatch = true) {
    if (offset < this.logStartOffset || offset > this.logEndOffset) {
      throw new LogError(OFFSET_OUT_OF_RANGE, `offset ${offset} out of range`);
    }
    const out: Buffer[] = [];
    let total = 0;
    let next = offset;
    for (const b of this.batches) {
      if (b.lastOffset < offset) continue;
      if (b.lastOffset >= limitOffset) break;
      if (total + b.bytes.length > maxBytes && !(minOneBatch && out.length === 0)) break;
      out.push(b.bytes);
      total += b.bytes.length;
      next = b.lastOffset + 1;
    }
    return { records: Buffer.concat(out, total), nextOffset: next };
  }

  waitForData(offset: number, timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
    if (this.highWatermark > offset) return Promise.resolve(true);
    if (timeoutMs <= 0 || signal?.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
      const done = (v: boolean) => {
        clearTimeout(timer);
        this.waiters.delete(wake);
        signal?.removeEventListener('abort', abort);
        resolve(v);
      };
      const wake = () => {
        if (this.highWatermark > offset) done(true);
      };
      const abort = () => done(false);
      const timer = setTimeout(() => done(false), timeoutMs);
      this.waiters.add(wake);
      signal?.addEventListener('abort', abort, { once: true });
    });
  }

  async deleteRecordsBefore(offset: number): Promise<number> {
    if (offset > this.highWatermark)
      throw new LogError(OFFSET_OUT_OF_RANGE, `offset ${offset} above the high watermark`);
    if (offset > this.logStartOffset) this.logStartOffset = offset;
    while (this.batches.length > 0 && this.batches[0]!.lastOffset < this.logStartOffset) this.batches.shift();
    return this.logStartOffset;
  }

  async offsetForTimestamp(timestamp: number) {
    for (const b of this.batches) {
      if (b.maxTimestamp >= timestamp) {
        // An approximation (the test log does not decode records): the batch's base offset.
        return {
          offset: b.baseOffset,
          timestamp: b.maxTimestamp,
          leaderEpoch: b.bytes.readInt32BE(LOG_OVERHEAD),
        };
      }
    }
    return undefined;
  }
}

/** Every partition in memory. */
export class MemoryLogStore implements LogStore {
  private readonly logs = new Map<string, MemoryPartitionLog>();

  get(topic: string, partition: number): PartitionLogView | undefined {
    return this.logs.get(`${topic}-${partition}`);
  }

  create(topic: string, from: number, to: number): void {
    for (let p = from; p < to; p++) {
      if (!this.logs.has(`${topic}-${p}`)) this.logs.set(`${topic}-${p}`, new MemoryPartitionLog());
    }
  }

  async drop(topic: string, partitions: number): Promise<void> {
    for (let p = 0; p < partitions; p++) this.logs.delete(`${topic}-${p}`);
  }

  async close(): Promise<void> {}
}
