import { divergencePoint, isAhead, type ReplicaPosition } from '@kilgore/chain';
import { describe, expect, it } from 'vitest';

const pos = (end: number, epochs: Array<[number, number]>, start = 0): ReplicaPosition => ({
  logStartOffset: start,
  logEndOffset: end,
  epochs: epochs.map(([epoch, startOffset]) => ({ epoch, startOffset })),
});

describe('divergencePoint', () => {
  it('keeps a follower that is a prefix of the leader whole', () => {
    expect(
      divergencePoint(
        pos(100, [
          [1, 0],
          [3, 50],
        ]),
        pos(70, [
          [1, 0],
          [3, 50],
        ]),
      ),
    ).toBe(70);
    expect(
      divergencePoint(
        pos(100, [
          [1, 0],
          [3, 50],
        ]),
        pos(40, [[1, 0]]),
      ),
    ).toBe(40);
  });

  it('cuts a follower suffix written in an epoch the leader never had', () => {
    // Follower wrote 60..80 in epoch 2 (a dead head's); the leader moved from 1 to 3 at 60.
    expect(
      divergencePoint(
        pos(100, [
          [1, 0],
          [3, 60],
        ]),
        pos(80, [
          [1, 0],
          [2, 60],
        ]),
      ),
    ).toBe(60);
  });

  it('cuts a follower that is longer than the leader in the same epoch', () => {
    expect(divergencePoint(pos(50, [[1, 0]]), pos(70, [[1, 0]]))).toBe(50);
  });

  it('starts an empty follower, or one with nothing in common, at 0', () => {
    expect(divergencePoint(pos(50, [[1, 0]]), pos(0, []))).toBe(0);
    expect(divergencePoint(pos(50, [[4, 0]]), pos(30, [[5, 0]]))).toBe(0);
  });
});

describe('isAhead', () => {
  it('compares last epoch first, then length', () => {
    expect(isAhead(pos(10, [[3, 0]]), pos(99, [[2, 0]]))).toBe(true);
    expect(isAhead(pos(10, [[2, 0]]), pos(9, [[2, 0]]))).toBe(true);
    expect(isAhead(pos(9, [[2, 0]]), pos(9, [[2, 0]]))).toBe(false);
  });
});
