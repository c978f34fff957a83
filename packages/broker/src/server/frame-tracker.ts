/**
 * Follows frame boundaries in a byte stream (int32 size, then that many bytes) without keeping
 * any bytes, so the connection knows when a frame is half-received (slow-loris timer) and can
 * hold frames to a smaller limit before authentication than the splitter's.
 */
export class FrameTracker {
  /** Payload bytes of the current frame still to come. */
  private remaining = 0;
  /** Bytes of the size prefix seen so far (0-3), and their value. */
  private prefixLength = 0;
  private prefix = 0;

  /**
   * Follows a chunk. Returns whether a frame is incomplete at its end and whether that frame
   * began in this chunk; `tooLarge` is the announced size of a frame over `maxFrameBytes`.
   */
  push(chunk: Buffer, maxFrameBytes: number): { midFrame: boolean; startedHere: boolean; tooLarge?: number } {
    let off = 0;
    let startedHere = false;
    while (off < chunk.length) {
      if (this.remaining > 0) {
        const take = Math.min(this.remaining, chunk.length - off);
        this.remaining -= take;
        off += take;
        continue;
      }
      if (this.prefixLength === 0) {
        startedHere = true;
        if (off + 4 <= chunk.length) {
          // The whole size prefix is here (the usual case): read it at once.
          const size = chunk.readInt32BE(off);
          off += 4;
          if (size < 0 || size > maxFrameBytes) return { midFrame: true, startedHere, tooLarge: size };
          this.remaining = size;
          continue;
        }
      }
      this.prefix = ((this.prefix << 8) | chunk[off++]!) >>> 0;
      if (++this.prefixLength === 4) {
        const size = this.prefix | 0;
        this.prefixLength = 0;
        this.prefix = 0;
        if (size < 0 || size > maxFrameBytes) return { midFrame: true, startedHere, tooLarge: size };
        this.remaining = size;
      }
    }
    return { midFrame: this.remaining > 0 || this.prefixLength > 0, startedHere };
  }
}
