import { appendFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ErrorCode } from '@kilgore/protocol';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { tempDir } from '../../../test/support/temp-dir.js';
import { AcknowledgeError, AckType, type BatchSpan, SharePartition } from '../src/share/share-partition.js';
import { ShareStateStore } from '../src/share/share-state-store.js';

// The share-partition state machine (KIP-932) and its journal, without a broker: acquisition,
// acknowledgement, lock expiry, the delivery count limit and the start offset. The Java tests in
// test/java/share-groups*.test.ts drive the same code through real KafkaShareConsumers.

const limits = { recordLockDurationMs: 1000, deliveryCountLimit: 3, maxInFlight: 100 };
const batch = (baseOffset: number, lastOffset: number, control = false): BatchSpan => ({
  baseOffset,
  lastOffset,
  control,
  end: (lastOffset + 1) * 10,
});

function fresh(): SharePartition {
  const p = new SharePartition(limits);
  p.initialise(0);
  return p;
}

afterEach(() => {
  vi.useRealTimers();
});

describe('SharePartition', () => {
  it('acquires whole batches, never the same record for two members', () => {
    const p = fresh();
    const a = p.acquire('a', [batch(0, 4), batch(5, 9)], 3);
    expect(a.ranges).toEqual([{ firstOffset: 0, lastOffset: 4, deliveryCount: 1 }]);
    expect([a.from, a.bytes]).toEqual([0, 50]);
    const b = p.acquire('b', [batch(0, 4), batch(5, 9)], 10);
    expect(b.ranges).toEqual([{ firstOffset: 5, lastOffset: 9, deliveryCount: 1 }]);
    // Only the second batch's bytes go to b: the first holds nothing it acquired.
    expect([b.from, b.bytes]).toEqual([50, 100]);
    expect(p.acquire('c', [batch(0, 4), batch(5, 9)], 10).ranges).toEqual([]);
  });

  it('accept moves the start offset; release makes records available again with a higher count', () => {
    const p = fresh();
    p.acquire('a', [batch(0, 4)], 10);
    p.acknowledge('a', 0, 1, [AckType.ACCEPT]);
    p.acknowledge('a', 2, 4, [AckType.RELEASE, AckType.REJECT, AckType.ACCEPT]);
    expect(p.startOffset).toBe(2);
    expect(p.counts()).toMatchObject({ available: 1, archived: 1, acknowledged: 1 });
    const again = p.acquire('b', [batch(0, 4)], 10);
    expect(again.ranges).toEqual([{ firstOffset: 2, lastOffset: 2, deliveryCount: 2 }]);
    p.acknowledge('b', 2, 2, [AckType.ACCEPT]);
    expect(p.startOffset).toBe(5);
  });

  it('refuses acknowledgements for records the member does not hold, applying nothing of the batch', () => {
    const p = fresh();
    p.acquire('a', [batch(0, 4)], 10);
    const refused = (fn: () => void, code: number) => {
      try {
        fn();
        throw new Error('not refused');
      } catch (err) {
        expect(err).toBeInstanceOf(AcknowledgeError);
        expect((err as AcknowledgeError).code).toBe(code);
      }
    };
    refused(() => p.acknowledge('b', 0, 0, [AckType.ACCEPT]), ErrorCode.INVALID_RECORD_STATE);
    refused(() => p.acknowledge('a', 3, 7, [AckType.ACCEPT]), ErrorCode.INVALID_RECORD_STATE);
    refused(
      () => p.acknowledge('a', 0, 1, [AckType.ACCEPT, AckType.ACCEPT, AckType.ACCEPT]),
      ErrorCode.INVALID_REQUEST,
    );
    refused(() => p.acknowledge('a', 0, 0, [9]), ErrorCode.INVALID_REQUEST);
    refused(() => p.acknowledge('a', 4, 3, [AckType.ACCEPT]), ErrorCode.INVALID_REQUEST);
    expect(p.counts().acquired).toBe(5);
  });

  it('releases a lock when it expires, and archives a record once it reached the delivery count limit', () => {
    vi.useFakeTimers();
    const p = fresh();
    for (let delivery = 1; delivery <= 3; delivery++) {
      const got = p.acquire('a', [batch(0, 0)], 10);
      expect(got.ranges).toEqual([{ firstOffset: 0, lastOffset: 0, deliveryCount: delivery }]);
      vi.advanceTimersByTime(1000);
    }
    expect(p.acquire('a', [batch(0, 0)], 10).ranges).toEqual([]);
    expect(p.startOffset).toBe(1);
  });

  it('never hands out control batches and stops at the in-flight limit', () => {
    const p = new SharePartition({ ...limits, maxInFlight: 5 });
    p.initialise(0);
    const got = p.acquire('a', [batch(0, 0, true), batch(1, 9)], 100);
    expect(got.ranges).toEqual([{ firstOffset: 1, lastOffset: 4, deliveryCount: 1 }]);
    // The archived control record left the window: room for one more.
    expect(p.acquire('b', [batch(1, 9)], 100).ranges).toEqual([
      { firstOffset: 5, lastOffset: 5, deliveryCount: 1 },
    ]);
    expect(p.firstCandidate(10)).toBe(-1);
    p.releaseAll('a');
    expect(p.firstCandidate(10)).toBe(1);
  });

  it('snapshots acquired records as available, with their delivery counts', () => {
    const p = fresh();
    p.acquire('a', [batch(0, 3)], 10);
    p.acknowledge('a', 1, 1, [AckType.REJECT]);
    const restored = new SharePartition(limits, p.snapshot());
    expect(restored.startOffset).toBe(0);
    expect(restored.counts()).toEqual({ available: 3, acquired: 0, acknowledged: 0, archived: 1 });
    expect(restored.acquire('b', [batch(0, 3)], 10).ranges).toEqual([
      { firstOffset: 0, lastOffset: 0, deliveryCount: 2 },
      { firstOffset: 2, lastOffset: 3, deliveryCount: 2 },
    ]);
  });
});

describe('ShareStateStore', () => {
  it('keeps the last whole state of a journal: a torn last line is ignored', async () => {
    const dir = tempDir('kilgore-share-store-');
    const store = new ShareStateStore(dir);
    const base = { groupId: 'g', topicId: 'AAAAAAAAAAAAAAAAAAAAAA', topic: 't', partition: 0 };
    store.write([{ ...base, startOffset: 5, runs: [] }], []);
    store.write(
      [{ ...base, startOffset: 7, runs: [{ firstOffset: 7, lastOffset: 8, state: 0, deliveryCount: 2 }] }],
      [],
    );
    store.close();
    const [file] = readdirSync(join(dir, 'share-state'));
    appendFileSync(join(dir, 'share-state', file!), '{"groupId":"g","startOff');
    const loaded = await new ShareStateStore(dir).loadAll(() => {
      throw new Error('nothing should be skipped');
    });
    expect(loaded).toEqual([
      { ...base, startOffset: 7, runs: [{ firstOffset: 7, lastOffset: 8, state: 0, deliveryCount: 2 }] },
    ]);
  });

  it('reports a file with no whole state and loads the others', async () => {
    const dir = tempDir('kilgore-share-store-');
    const store = new ShareStateStore(dir);
    store.write([{ groupId: 'g', topicId: 'x', topic: 't', partition: 0, startOffset: 1, runs: [] }], []);
    store.close();
    appendFileSync(join(dir, 'share-state', 'bad.jsonl'), 'not json\n');
    const bad: string[] = [];
    const loaded = await new ShareStateStore(dir).loadAll((f) => bad.push(f));
    expect(bad).toEqual(['bad.jsonl']);
    expect(loaded.map((s) => s.startOffset)).toEqual([1]);
  });

  it('a deleted state is gone from the next load', async () => {
    const dir = tempDir('kilgore-share-store-');
    const store = new ShareStateStore(dir);
    const key = { groupId: 'g', topicId: 'x', partition: 0 };
    store.write([{ ...key, topic: 't', startOffset: 1, runs: [] }], []);
    store.write([], [key]);
    store.close();
    expect(await new ShareStateStore(dir).loadAll(() => {})).toEqual([]);
  });
});
