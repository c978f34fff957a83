/**
 * The ingest's wire format, which is kahego's (github.com/sgatu/kahego, its clients/test.php and
 * client actor): every message is one frame
 *
 *   u32 little-endian length L of what follows | u8 T | T bytes topic | u8 K | K bytes key | value
 *
 * so the value is the frame's remaining L - 2 - T - K bytes. K = 0 means "no key" (kahego has no
 * way to send an empty key). The length prefix is what makes frames survive a stream socket, where
 * writes coalesce and split; a frame without it cannot be told apart from one with it (its first
 * byte, a topic length, could as well be a length's low byte), so only the prefixed form is read.
 */

export interface IngestMessage {
  topic: string;
  /** null when the frame's key length is 0. */
  key: Buffer | null;
  value: Buffer;
}

/** A frame that breaks the framing itself: nothing after it can be read, the connection closes. */
export class FramingError extends Error {}

/** One frame whose length was fine but whose insides are not: it alone is dropped. */
export interface BadFrame {
  reason: string;
}

export type Parsed = IngestMessage | BadFrame;

const LENGTH_BYTES = 4;
/** The topic and key length bytes. */
const MIN_FRAME = 2;

/** Turns socket chunks into messages; keeps a partial frame until the rest arrives. */
export class FrameReader {
  private chunks: Buffer[] = [];
  private buffered = 0;
  /** The whole size (length bytes included) of the frame being collected, once its length is read. */
  private need = 0;

  constructor(private readonly maxFrameBytes: number) {}

  /** Bytes of an unfinished frame held back (non-zero at close means a truncated frame). */
  get pendingBytes(): number {
    return this.buffered;
  }

  /** The frames completed by this chunk, in order; throws FramingError on a bad length. */
  push(chunk: Buffer, out: Parsed[]): void {
    let buf = chunk;
    if (this.buffered > 0) {
      this.chunks.push(chunk);
      this.buffered += chunk.length;
      if (this.need === 0 && this.buffered >= LENGTH_BYTES) {
        const head = Buffer.concat(this.chunks);
        this.chunks = [head];
        const length = head.readUInt32LE(0);
        this.check(length);
        this.need = LENGTH_BYTES + length;
      }
      // Joined once the whole frame is here, so a large frame is copied once, not per chunk.
      if (this.need === 0 || this.buffered < this.need) return;
      buf = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
      this.chunks = [];
      this.buffered = 0;
      this.need = 0;
    }
    let pos = 0;
    while (buf.length - pos >= LENGTH_BYTES) {
      const length = buf.readUInt32LE(pos);
      this.check(length);
      const end = pos + LENGTH_BYTES + length;
      if (end > buf.length) {
        this.need = LENGTH_BYTES + length;
        break;
      }
      out.push(parseFrame(buf.subarray(pos + LENGTH_BYTES, end)));
      pos = end;
    }
    if (pos < buf.length) {
      this.chunks = [buf.subarray(pos)];
      this.buffered = buf.length - pos;
    }
  }

  private check(length: number): void {
    if (length > this.maxFrameBytes) {
      throw new FramingError(
        `frame of ${length} bytes is larger than kilgore.ingest.max.message.bytes (${this.maxFrameBytes})`,
      );
    }
    if (length < MIN_FRAME) {
      throw new FramingError(
        `frame of ${length} bytes is too short: a frame holds at least the topic and key length bytes`,
      );
    }
  }
}

function parseFrame(frame: Buffer): Parsed {
  const topicLength = frame[0]!;
  if (topicLength === 0) return { reason: 'empty topic name' };
  const keyAt = 1 + topicLength;
  if (keyAt >= frame.length) {
    return { reason: `topic length ${topicLength} runs past the end of a ${frame.length}-byte frame` };
  }
  const keyLength = frame[keyAt]!;
  const valueAt = keyAt + 1 + keyLength;
  if (valueAt > frame.length) {
    return { reason: `key length ${keyLength} runs past the end of a ${frame.length}-byte frame` };
  }
  return {
    topic: frame.toString('utf8', 1, keyAt),
    key: keyLength === 0 ? null : frame.subarray(keyAt + 1, valueAt),
    value: frame.subarray(valueAt),
  };
}

/** A frame in this format, for clients and tests written in TypeScript. */
export function encodeFrame(topic: string, key: Buffer | string | null, value: Buffer | string): Buffer {
  const t = Buffer.from(topic, 'utf8');
  const k = key === null ? Buffer.alloc(0) : Buffer.from(key);
  const v = Buffer.from(value);
  if (t.length > 255 || k.length > 255) throw new RangeError('topic and key are at most 255 bytes');
  const frame = Buffer.allocUnsafe(LENGTH_BYTES + 2 + t.length + k.length + v.length);
  frame.writeUInt32LE(frame.length - LENGTH_BYTES, 0);
  frame[4] = t.length;
  t.copy(frame, 5);
  frame[5 + t.length] = k.length;
  k.copy(frame, 6 + t.length);
  v.copy(frame, 6 + t.length + k.length);
  return frame;
}
