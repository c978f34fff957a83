import type { Chain } from '@kilgore/chain';
import { chainFor, fnv1a32, placementWeight } from '@kilgore/chain';
import { describe, expect, it } from 'vitest';

const chain = (name: string): Chain => ({ name, members: [{ nodeId: 1, host: '127.0.0.1', port: 9092 }] });

describe('placement', () => {
  it('uses FNV-1a as documented', () => {
    // Published FNV-1a 32-bit test vectors.
    expect(fnv1a32('')).toBe(0x811c9dc5);
    expect(fnv1a32('a')).toBe(0xe40c292c);
    expect(fnv1a32('foobar')).toBe(0xbf9cf968);
  });

  it('is the same whatever the order of the chains', () => {
    const a = [chain('a'), chain('b'), chain('c')];
    const b = [chain('c'), chain('a'), chain('b')];
    for (let p = 0; p < 200; p++) expect(chainFor(a, 'orders', p)!.name).toBe(chainFor(b, 'orders', p)!.name);
  });

  it('spreads partitions evenly over the chains', () => {
    const chains = [chain('a'), chain('b'), chain('c')];
    const counts = new Map<string, number>();
    for (let p = 0; p < 3000; p++) {
      const name = chainFor(chains, 'events', p)!.name;
      counts.set(name, (counts.get(name) ?? 0) + 1);
    }
    for (const c of chains) expect(counts.get(c.name)).toBeGreaterThan(850);
    for (const c of chains) expect(counts.get(c.name)).toBeLessThan(1150);
  });

  it('moves only the partitions a new chain wins', () => {
    const before = [chain('a'), chain('b')];
    const after = [...before, chain('c')];
    let moved = 0;
    for (let p = 0; p < 3000; p++) {
      const was = chainFor(before, 't', p)!.name;
      const now = chainFor(after, 't', p)!.name;
      if (was !== now) {
        expect(now).toBe('c');
        moved++;
      }
    }
    expect(moved).toBeGreaterThan(800);
    expect(moved).toBeLessThan(1200);
  });

  it('has no owner without chains, and one owner with one chain', () => {
    expect(chainFor([], 't', 0)).toBeUndefined();
    expect(chainFor([chain('only')], 't', 7)!.name).toBe('only');
  });

  it('places the transaction state with the group offsets (one coordinator node for both)', () => {
    // Chain sets in which __transaction_state-0 would hash elsewhere by its own name.
    let differed = 0;
    for (let n = 2; n <= 12; n++) {
      const chains = Array.from({ length: n }, (_, i) => chain(`c${i}`));
      const offsets = chainFor(chains, '__consumer_offsets', 0)!.name;
      for (let p = 0; p < 4; p++) expect(chainFor(chains, '__transaction_state', p)!.name).toBe(offsets);
      const own = chains.reduce((best, c) =>
        placementWeight('__transaction_state', 0, c.name) >
        placementWeight('__transaction_state', 0, best.name)
          ? c
          : best,
      );
      if (own.name !== offsets) differed++;
    }
    expect(differed).toBeGreaterThan(0);
  });
});
