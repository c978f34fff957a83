import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeFrame, FrameError, FrameSplitter } from '../src/frame/index.js';

function wire(payloads: readonly Buffer[]): Buffer {
  return Buffer.concat(payloads.flatMap((p) => encodeFrame(p)));
}

/** Cuts `buf` at the given fractions (sorted, deduplicated positions). */
function cut(buf: Buffer, cuts: readonly number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => Math.floor(c * buf.length)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let prev = 0;
  for (const p of [...points, buf.length]) {
    chunks.push(buf.subarray(prev, p));
    prev = p;
  }
  return chunks;
}

describe('FrameSplitter', () => {
  it('yields the same frames however the stream is chunked', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.uint8Array({ maxLength: 40 }).map((a) => Buffer.from(a)),
          { maxLength: 8 },
        ),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 30 }),
        (payloads, cuts) => {
          const splitter = new FrameSplitter({ maxFrameSize: 1024 });
          const out: Buffer[] = [];
          for (const chunk of cut(wire(payloads), cuts)) out.push(...splitter.push(chunk));
          expect(out.map((b) => b.toString('hex'))).toEqual(payloads.map((b) => b.toString('hex')));
          expect(splitter.bufferedBytes).toBe(0);
        },
      ),
    );
  });

  it('returns many frames from one chunk as zero-copy views', () => {
    const stream = wire([Buffer.from('a'), Buffer.alloc(0), Buffer.from('bcd')]);
    const frames = new FrameSplitter({ maxFrameSize: 10 }).push(stream);
    expect(frames.map((f) => f.toString())).toEqual(['a', '', 'bcd']);
    expect(frames[2]!.buffer).toBe(stream.buffer);
  });

  it('handles a size prefix split byte by byte, then a big frame in many chunks', () => {
    const payload = Buffer.alloc(100_000, 1);
    const stream = wire([payload]);
    const splitter = new FrameSplitter({ maxFrameSize: 1 << 20 });
    const out: Buffer[] = [];
    for (let i = 0; i < 4; i++) out.push(...splitter.push(stream.subarray(i, i + 1)));
    for (let i = 4; i < stream.length; i += 1000) out.push(...splitter.push(stream.subarray(i, i + 1000)));
    expect(out).toHaveLength(1);
    expect(out[0]!.equals(payload)).toBe(true);
  });

  it('rejects negative and oversized frames with FrameError', () => {
    const neg = Buffer.from('ffffffff', 'hex');
    expect(() => new FrameSplitter({ maxFrameSize: 100 }).push(neg)).toThrow(FrameError);
    const big = Buffer.alloc(4);
    big.writeInt32BE(101);
    expect(() => new FrameSplitter({ maxFrameSize: 100 }).push(big)).toThrow(FrameError);
    // Also when the oversized prefix arrives split across chunks.
    const s = new FrameSplitter({ maxFrameSize: 100 });
    s.push(big.subarray(0, 3));
    expect(() => s.push(big.subarray(3))).toThrow(/exceeds the maximum 100/);
  });

  it('encodeFrame prefixes the total size of many parts without copying them', () => {
    const a = Buffer.from('ab');
    const b = Buffer.from('cde');
    const chunks = encodeFrame([a, b]);
    expect(chunks[1]).toBe(a);
    expect(chunks[2]).toBe(b);
    expect(Buffer.concat(chunks).toString('hex')).toBe('00000005' + '6162636465');
  });
});
