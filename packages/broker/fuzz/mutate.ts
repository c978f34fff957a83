import type { Rng } from './rng.js';

/** What one mutation did, for the outcome report. */
export type MutationKind =
  | 'none'
  | 'fresh'
  | 'bitflip'
  | 'insert'
  | 'delete'
  | 'length'
  | 'splice'
  | 'truncate'
  | 'header'
  | 'random';

/** Values that break length and count fields: negative, zero, huge, off by one. */
const LENGTHS_32 = [-1, -2, 0, 1, 0x7fffffff, 0x7ffffffe, 0x10000, 0x1000000, -0x80000000];
const LENGTHS_16 = [-1, -2, 0, 1, 0x7fff, 0x7ffe, 0x100];
/** Unsigned varints (compact lengths are n+1): 0 = null, 1 = empty, huge. */
const VARINTS = [
  [0x00],
  [0x01],
  [0xff, 0xff, 0xff, 0xff, 0x0f],
  [0xff, 0xff, 0xff, 0xff, 0x07],
  [0x80, 0x80, 0x80, 0x80, 0x80, 0x01],
];
/** Request header bytes: api key (int16) then api version (int16). */
const HEADER_BYTES = 4;

/**
 * One mutated copy of a seed. Mutations are the ones that find codec bugs: bit flips, byte
 * inserts and deletes, length/count fields set to hostile values, a splice of two seeds,
 * truncation, and a random api key and version in the header (so each body meets every decoder).
 */
export function mutate(
  seed: Buffer,
  seeds: readonly Buffer[],
  rng: Rng,
): { input: Buffer; kind: MutationKind } {
  const kind = rng.pick<MutationKind>([
    'bitflip',
    'bitflip',
    'insert',
    'delete',
    'length',
    'length',
    'length',
    'splice',
    'truncate',
    'header',
    'header',
    'random',
  ]);
  let out = Buffer.from(seed);
  // Stack a few mutations now and then: single changes rarely get past the first check.
  const rounds = rng.chance(0.25) ? rng.between(2, 4) : 1;
  for (let i = 0; i < rounds; i++)
    out = apply(i === 0 ? kind : rng.pick(['bitflip', 'length', 'insert']), out, seeds, rng);
  return { input: out, kind };
}

function apply(kind: MutationKind, b: Buffer, seeds: readonly Buffer[], rng: Rng): Buffer {
  switch (kind) {
    case 'none':
    case 'fresh':
      return b;
    case 'bitflip': {
      if (b.length === 0) return b;
      const flips = rng.between(1, 4);
      for (let i = 0; i < flips; i++) {
        const at = rng.below(b.length);
        b[at] = b[at]! ^ (1 << rng.below(8));
      }
      return b;
    }
    case 'insert': {
      const at = rng.below(b.length + 1);
      return Buffer.concat([b.subarray(0, at), rng.bytes(rng.between(1, 8)), b.subarray(at)]);
    }
    case 'delete': {
      if (b.length === 0) return b;
      const at = rng.below(b.length);
      const n = Math.min(b.length - at, rng.between(1, 8));
      return Buffer.concat([b.subarray(0, at), b.subarray(at + n)]);
    }
    case 'length': {
      if (b.length < 2) return b;
      const at = rng.below(b.length - 1);
      const form = rng.below(3);
      if (form === 0 && at + 4 <= b.length) b.writeInt32BE(rng.pick(LENGTHS_32), at);
      else if (form === 1) b.writeInt16BE(rng.pick(LENGTHS_16), at);
      else {
        const v = rng.pick(VARINTS);
        for (let i = 0; i < v.length && at + i < b.length; i++) b[at + i] = v[i]!;
      }
      return b;
    }
    case 'splice': {
      const other = rng.pick(seeds);
      const cutA = rng.below(b.length + 1);
      const cutB = rng.below(other.length + 1);
      return Buffer.concat([b.subarray(0, cutA), other.subarray(cutB)]);
    }
    case 'truncate':
      return b.subarray(0, rng.below(b.length + 1));
    case 'header': {
      if (b.length < HEADER_BYTES) return b;
      // Mostly keys and versions that exist (deeper reach), sometimes anything.
      b.writeUInt16BE(rng.chance(0.8) ? rng.below(70) : rng.u32() & 0xffff, 0);
      b.writeUInt16BE(rng.chance(0.8) ? rng.below(18) : rng.u32() & 0xffff, 2);
      return b;
    }
    case 'random':
      return rng.bytes(rng.below(64));
  }
}
