import fs from 'node:fs';
import { BATCH_HEADER_SIZE, BatchOffsets, LOG_OVERHEAD } from '@kilgore/protocol';

/** One batch as read from a `.log` file: its bytes (a view into the read chunk) and its position. */
export interface FileBatch {
  position: number;
  bytes: Buffer;
  magic: number;
}

const CHUNK = 8 << 20;

/**
 * Walks the batches of a segment file the way Kafka's FileRecords iterator does: read-only
 * (no lock, no write, so a live broker's active segment can be read while it grows), in large
 * chunks, stopping at the first batch that is not all there (a torn tail or a write in
 * progress). `limit` caps the bytes read (Kafka's --max-bytes). Returns where it stopped.
 */
export function* readBatches(file: string, limit = Number.MAX_SAFE_INTEGER): Generator<FileBatch, number> {
  const fd = fs.openSync(file, 'r');
  try {
    const end = Math.min(fs.fstatSync(fd).size, limit);
    let chunk: Buffer = Buffer.alloc(0);
    let chunkStart = 0;
    let pos = 0;
    while (pos + LOG_OVERHEAD <= end) {
      let off = pos - chunkStart;
      if (off + BATCH_HEADER_SIZE > chunk.length) {
        chunk = readAt(fd, pos, Math.min(CHUNK, end - pos));
        chunkStart = pos;
        off = 0;
      }
      if (chunk.length < LOG_OVERHEAD + 5) return pos;
      const size = chunk.readInt32BE(off + BatchOffsets.batchLength) + LOG_OVERHEAD;
      // A legacy message set entry is 26 bytes at least; anything smaller is garbage.
      if (size < 26 || pos + size > end) return pos;
      if (off + size > chunk.length) {
        chunk = readAt(fd, pos, Math.max(size, Math.min(CHUNK, end - pos)));
        chunkStart = pos;
        off = 0;
        if (chunk.length < size) return pos;
      }
      const magic = chunk.readInt8(off + BatchOffsets.magic);
      yield { position: pos, bytes: chunk.subarray(off, off + size), magic };
      pos += size;
    }
    return pos;
  } finally {
    fs.closeSync(fd);
  }
}

function readAt(fd: number, position: number, length: number): Buffer {
  const buf = Buffer.allocUnsafe(length);
  let got = 0;
  while (got < length) {
    const n = fs.readSync(fd, buf, got, length - got, position + got);
    if (n === 0) break;
    got += n;
  }
  return got === length ? buf : buf.subarray(0, got);
}
