import { describe, expect, it } from 'vitest';
import { FrameTracker } from '../src/server/frame-tracker.js';

function frames(...sizes: number[]): Buffer {
  return Buffer.concat(
    sizes.map((n) => {
      const b = Buffer.alloc(4 + n, 7);
      b.writeInt32BE(n);
      return b;
    }),
  );
}

describe('FrameTracker (slow-loris timer and pre-authentication cap)', () => {
  it('knows when a frame is incomplete, however the stream is cut', () => {
    const stream = frames(5, 0, 300, 2);
    for (let cut = 0; cut <= stream.length; cut++) {
      const t = new FrameTracker();
      const first = t.push(stream.subarray(0, cut), 1000);
      const boundaries = [0, 9, 13, 317, 323];
      expect(first.midFrame, `cut at ${cut}`).toBe(!boundaries.includes(cut));
      expect(t.push(stream.subarray(cut), 1000).midFrame).toBe(false);
    }
  });

  it('says whether the incomplete frame began in this chunk', () => {
    const t = new FrameTracker();
    const stream = frames(10, 10);
    expect(t.push(stream.subarray(0, 5), 100)).toEqual({ midFrame: true, startedHere: true });
    expect(t.push(stream.subarray(5, 10), 100)).toEqual({ midFrame: true, startedHere: false });
    expect(t.push(stream.subarray(10, 16), 100)).toEqual({ midFrame: true, startedHere: true });
  });

  it('reports a frame over the limit from its size prefix alone, even split', () => {
    const prefix = Buffer.alloc(4);
    prefix.writeInt32BE(65537);
    expect(new FrameTracker().push(prefix, 65536).tooLarge).toBe(65537);
    const t = new FrameTracker();
    expect(t.push(prefix.subarray(0, 3), 65536).tooLarge).toBeUndefined();
    expect(t.push(prefix.subarray(3), 65536).tooLarge).toBe(65537);
    prefix.writeInt32BE(-1);
    expect(new FrameTracker().push(prefix, 65536).tooLarge).toBe(-1);
  });
});
