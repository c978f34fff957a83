/** A size prefix the connection cannot accept; the caller closes the connection. */
export class FrameError extends Error {
  override readonly name = 'FrameError';
  readonly size: number;

  constructor(size: number, maxFrameSize: number) {
    super(
      size < 0 ? `negative frame size ${size}` : `frame size ${size} exceeds the maximum ${maxFrameSize}`,
    );
    this.size = size;
  }
}

export interface FrameSplitterOptions {
  /** Largest accepted frame payload in bytes (Kafka's socket.request.max.bytes, 100 MiB). */
  maxFrameSize: number;
}

/**
 * Splits a byte stream into frames: int32 big-endian size, then that many bytes. Handles any
 * chunking: many frames per chunk, frames across chunks, the size prefix itself split.
 *
 * Chunks of an incomplete frame are collected in a list and concatenated once, when the frame is
 * complete, so a large frame arriving in many small chunks costs one copy, not one per chunk.
 * A frame that lies inside one chunk is returned as a zero-copy view of that chunk.
 */
export class FrameSplitter {
  private readonly maxFrameSize: number;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** Payload size of the frame being collected, or -1 while its size prefix is incomplete. */
  private need = -1;

  constructor(options: FrameSplitterOptions) {
    this.maxFrameSize = options.maxFrameSize;
  }

  /** Bytes held for the incomplete frame (a size prefix already parsed is not counted). */
  get bufferedBytes(): number {
    return this.pendingBytes;
  }

  /** Feeds a chunk; returns the frames it completed (payloads without the size prefix). */
  push(chunk: Buffer): Buffer[] {
    const frames: Buffer[] = [];
    let data = chunk;
    if (this.pendingBytes > 0 || this.need >= 0) {
      data = this.continuePending(chunk, frames);
      if (data.length === 0) return frames;
    }
    // Fast path: whole frames straight out of the chunk, no copies.
    let off = 0;
    while (data.length - off >= 4) {
      const size = this.checkSize(data.readInt32BE(off));
      if (data.length - off - 4 < size) break;
      frames.push(data.subarray(off + 4, off + 4 + size));
      off += 4 + size;
    }
    if (off < data.length) this.stash(data.subarray(off));
    return frames;
  }

  /**
   * Completes the pending frame with the start of `chunk` if possible; returns the unconsumed
   * rest of `chunk` (empty when everything was stashed or consumed).
   */
  private continuePending(chunk: Buffer, frames: Buffer[]): Buffer {
    if (this.need < 0) {
      if (this.pendingBytes + chunk.length < 4) {
        this.stash(chunk);
        return chunk.subarray(chunk.length);
      }
      // The size prefix straddles chunks: assemble just its four bytes.
      const prefix = Buffer.concat([...this.pending, chunk.subarray(0, 4 - this.pendingBytes)], 4);
      const used = 4 - this.pendingBytes;
      this.pending = [];
      this.pendingBytes = 0;
      this.need = this.checkSize(prefix.readInt32BE(0));
      chunk = chunk.subarray(used);
    }
    const missing = this.need - this.pendingBytes;
    if (chunk.length < missing) {
      this.stash(chunk);
      return chunk.subarray(chunk.length);
    }
    this.pending.push(chunk.subarray(0, missing));
    frames.push(this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending, this.need));
    this.pending = [];
    this.pendingBytes = 0;
    this.need = -1;
    return chunk.subarray(missing);
  }

  /** Keeps bytes of an incomplete frame. Once a size is known, the prefix is not kept. */
  private stash(bytes: Buffer): void {
    if (bytes.length === 0) return;
    if (this.pendingBytes === 0 && this.need < 0 && bytes.length >= 4) {
      this.need = this.checkSize(bytes.readInt32BE(0));
      bytes = bytes.subarray(4);
      if (bytes.length === 0) return;
    }
    this.pending.push(bytes);
    this.pendingBytes += bytes.length;
  }

  private checkSize(size: number): number {
    if (size < 0 || size > this.maxFrameSize) throw new FrameError(size, this.maxFrameSize);
    return size;
  }
}

/**
 * Prefixes payload chunks with their total size; returns chunks for `socket.writev` or cork/write,
 * copying nothing.
 */
export function encodeFrame(payload: Buffer | readonly Buffer[]): Buffer[] {
  const parts = Buffer.isBuffer(payload) ? [payload] : payload;
  let size = 0;
  for (const p of parts) size += p.length;
  const prefix = Buffer.allocUnsafe(4);
  prefix.writeInt32BE(size, 0);
  return [prefix, ...parts];
}
