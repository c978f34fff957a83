import { encodeFrame, FrameReader, FramingError, murmur2, partitionForKey } from '@kilgore/ingest';
import { Partitioners } from 'kafkajs';
import { describe, expect, it } from 'vitest';

type Out = Parameters<FrameReader['push']>[1];

function readAll(reader: FrameReader, chunks: Buffer[]): Out {
  const out: Out = [];
  for (const c of chunks) reader.push(c, out);
  return out;
}

describe('FrameReader', () => {
  const frames = [
    encodeFrame('orders', 'k1', 'first'),
    encodeFrame('orders', null, ''),
    encodeFrame('t', 'key', Buffer.alloc(3000, 7)),
  ];
  const stream = Buffer.concat(frames);

  it('reads the same messages however the stream is cut', () => {
    const whole = readAll(new FrameReader(1 << 20), [stream]);
    expect(whole).toHaveLength(3);
    expect(whole[0]).toMatchObject({ topic: 'orders', key: Buffer.from('k1'), value: Buffer.from('first') });
    expect(whole[1]).toMatchObject({ topic: 'orders', key: null, value: Buffer.alloc(0) });
    for (const size of [1, 2, 3, 5, 7, 64, 1000]) {
      const chunks: Buffer[] = [];
      for (let i = 0; i < stream.length; i += size) chunks.push(stream.subarray(i, i + size));
      const reader = new FrameReader(1 << 20);
      expect(readAll(reader, chunks)).toEqual(whole);
      expect(reader.pendingBytes).toBe(0);
    }
  });

  it('holds a partial frame back and says how much', () => {
    const reader = new FrameReader(1 << 20);
    expect(readAll(reader, [stream.subarray(0, stream.length - 10)])).toHaveLength(2);
    expect(reader.pendingBytes).toBe(frames[2]!.length - 10);
  });

  it('throws FramingError for a length over the limit or under 2', () => {
    expect(() => readAll(new FrameReader(100), [frames[2]!])).toThrow(FramingError);
    expect(() => readAll(new FrameReader(100), [Buffer.from([1, 0, 0, 0, 5])])).toThrow(/too short/);
    // Detected from the length alone, before the frame's bytes arrive.
    expect(() => readAll(new FrameReader(100), [Buffer.from([0xff, 0xff]), Buffer.from([0, 0])])).toThrow(
      /larger than/,
    );
  });

  it('drops only a frame whose topic or key length runs past its end', () => {
    const bad = Buffer.from([3, 0, 0, 0, 9, 0x61, 0x62]);
    const out = readAll(new FrameReader(100), [Buffer.concat([bad, frames[0]!])]);
    expect(out[0]).toEqual({ reason: 'topic length 9 runs past the end of a 3-byte frame' });
    expect(out[1]).toMatchObject({ topic: 'orders' });
  });
});

describe('murmur2 partitioning', () => {
  it("matches kafkajs's Java-compatible default partitioner", () => {
    const partitioner = Partitioners.DefaultPartitioner();
    for (const partitions of [1, 3, 12, 100]) {
      const partitionMetadata = [...Array(partitions).keys()].map((p) => ({ partitionId: p, leader: 1 }));
      for (let i = 0; i < 500; i++) {
        const key = `key-${i}-${'x'.repeat(i % 7)}`;
        expect(partitionForKey(Buffer.from(key), partitions)).toBe(
          partitioner({ topic: 't', partitionMetadata, message: { key, value: null } }),
        );
      }
    }
  });

  it("gives Kafka's murmur2 values for known inputs", () => {
    // From Kafka's UtilsTest.testMurmur2.
    expect(murmur2(Buffer.from('21'))).toBe(-973932308);
    expect(murmur2(Buffer.from('foobar'))).toBe(-790332482);
    expect(murmur2(Buffer.from('a-little-bit-long-string'))).toBe(-985981536);
    expect(murmur2(Buffer.from('a-little-bit-longer-string'))).toBe(-1486304829);
    expect(murmur2(Buffer.from('lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8'))).toBe(-58897971);
  });
});
