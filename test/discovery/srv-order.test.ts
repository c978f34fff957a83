import {
  chainOfTarget,
  compareSrvRecords,
  nodeIdForTarget,
  orderSrvRecords,
  type SrvRecord,
  trailingOrdinal,
} from '@kilgore/discovery';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const srv = (target: string, priority = 0, weight = 0, port = 9092): SrvRecord => ({
  target,
  priority,
  weight,
  port,
  ttl: 30,
});

describe('SRV chain order', () => {
  it('orders 12 nodes of equal priority by the number ending the host label, whatever their weights', () => {
    const records = [10, 3, 12, 1, 7, 2, 11, 9, 4, 8, 6, 5].map((n) =>
      srv(`node-${n}.chain-a.kilgore.local`, 0, (n * 37) % 100),
    );
    expect(orderSrvRecords(records).map((r) => r.target.split('.')[0])).toEqual(
      Array.from({ length: 12 }, (_, i) => `node-${i + 1}`),
    );
  });

  it('puts node-10 after node-9, where a string sort would not', () => {
    const ordered = orderSrvRecords([srv('node-10.x'), srv('node-9.x'), srv('node-1.x')]);
    expect(ordered.map((r) => r.target)).toEqual(['node-1.x', 'node-9.x', 'node-10.x']);
    expect(['node-10.x', 'node-9.x'].sort()).toEqual(['node-10.x', 'node-9.x']); // the trap
  });

  it('sorts by priority first: a lower priority is nearer the head', () => {
    const ordered = orderSrvRecords([srv('node-1.x', 20), srv('node-2.x', 10), srv('node-3.x', 10, 100)]);
    expect(ordered.map((r) => r.target)).toEqual(['node-2.x', 'node-3.x', 'node-1.x']);
  });

  it('weight never reorders: equal everything else, the heavier record is not moved ahead', () => {
    const light = srv('node-1.x', 0, 1);
    const heavy = srv('node-2.x', 0, 1000);
    expect(orderSrvRecords([heavy, light]).map((r) => r.target)).toEqual(['node-1.x', 'node-2.x']);
  });

  it('places targets without an ordinal after numbered ones, by name', () => {
    const ordered = orderSrvRecords([srv('beta.x'), srv('node-2.x'), srv('alpha.x'), srv('node-1.x')]);
    expect(ordered.map((r) => r.target)).toEqual(['node-1.x', 'node-2.x', 'alpha.x', 'beta.x']);
  });

  it('breaks equal ordinals by name, then port, and lists each target:port once', () => {
    const ordered = orderSrvRecords([
      srv('b-1.x', 0, 0, 2),
      srv('a-1.x'),
      srv('b-1.x', 0, 0, 1),
      srv('a-1.x'),
    ]);
    expect(ordered.map((r) => `${r.target}:${r.port}`)).toEqual(['a-1.x:9092', 'b-1.x:1', 'b-1.x:2']);
  });

  it('gives the same chain for any order the server sends the records in', () => {
    const records = [
      ...Array.from({ length: 14 }, (_, i) => srv(`kilgore-${i}.chain-a.local`, i % 3, (i * 13) % 7)),
      srv('spare.chain-a.local', 1),
      srv('kilgore-3.chain-b.local', 1),
    ];
    const expected = orderSrvRecords(records);
    fc.assert(
      fc.property(fc.shuffledSubarray(records, { minLength: records.length }), (shuffled) => {
        expect(orderSrvRecords(shuffled)).toEqual(expected);
      }),
    );
    // And the comparison is a consistent total order (antisymmetric).
    for (const a of records)
      for (const b of records)
        expect(Math.sign(compareSrvRecords(a, b)) + Math.sign(compareSrvRecords(b, a))).toBe(0);
  });
});

describe('node ids from SRV targets', () => {
  it('takes the trailing ordinal of the first label, plus the chain offset', () => {
    expect(trailingOrdinal('kilgore-3.chain-a.local')).toBe(3);
    expect(trailingOrdinal('kilgore3.local')).toBe(3);
    expect(trailingOrdinal('kilgore.chain-3.local')).toBeUndefined();
    expect(nodeIdForTarget('kilgore-3.chain-a.local')).toBe(3);
    expect(nodeIdForTarget('kilgore-0.chain-b.local', 100)).toBe(100);
  });

  it('hashes a target without an ordinal to a stable id above every ordinal id', () => {
    const id = nodeIdForTarget('broker.example.com');
    expect(id).toBe(nodeIdForTarget('BROKER.example.com'));
    expect(id).toBeGreaterThanOrEqual(2 ** 30);
    expect(id).toBeLessThan(2 ** 31);
    expect(nodeIdForTarget('broker2x.example.com')).not.toBe(nodeIdForTarget('brokerx.example.com'));
    // Pinned: the rule must not change between versions, or nodes would change identity.
    expect(nodeIdForTarget('broker.example.com')).toBe(2 ** 30 + (0x970e0163 % 2 ** 30)); // FNV-1a 32 of the name, computed apart;
  });

  it('reads the chain from a chain-<name> label after the host label', () => {
    expect(chainOfTarget('kilgore-4.chain-b.kilgore.local')).toBe('b');
    expect(chainOfTarget('chain-a-1.kilgore.local')).toBeUndefined();
    expect(chainOfTarget('kilgore-4.kilgore.local')).toBeUndefined();
  });
});
