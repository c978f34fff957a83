import type { VersionRange } from './types.js';

/** A parsed range, inclusive at both ends; `none` is the empty range (min > max). */
export interface ParsedVersionRange {
  readonly min: number;
  readonly max: number;
}

const NONE: ParsedVersionRange = Object.freeze({ min: 1, max: 0 });
/** Ranges are a handful of distinct strings per schema set; parse each once. */
const cache = new Map<string, ParsedVersionRange>();

/** Parses Kafka's range notation: "0+", "3-7", "5", "none". Throws on anything else. */
export function parseVersionRange(range: VersionRange): ParsedVersionRange {
  const cached = cache.get(range);
  if (cached !== undefined) return cached;
  const parsed = parseUncached(range.trim());
  cache.set(range, parsed);
  return parsed;
}

function parseUncached(s: string): ParsedVersionRange {
  if (s === 'none' || s === '') return NONE;
  let m = /^(\d+)\+$/.exec(s);
  if (m) return Object.freeze({ min: Number(m[1]), max: 0x7fff });
  m = /^(\d+)-(\d+)$/.exec(s);
  if (m) {
    const min = Number(m[1]);
    const max = Number(m[2]);
    if (min > max) throw new RangeError(`invalid version range "${s}": ${min} > ${max}`);
    return Object.freeze({ min, max });
  }
  m = /^(\d+)$/.exec(s);
  if (m) return Object.freeze({ min: Number(m[1]), max: Number(m[1]) });
  throw new RangeError(`invalid version range "${s}"`);
}

/** Whether `version` lies in `range`; `undefined` (an omitted optional range) means none. */
export function inVersionRange(range: VersionRange | undefined, version: number): boolean {
  if (range === undefined) return false;
  const r = parseVersionRange(range);
  return version >= r.min && version <= r.max;
}

/** The lowest and highest version of a range, or undefined for "none". */
export function versionBounds(range: VersionRange): ParsedVersionRange | undefined {
  const r = parseVersionRange(range);
  return r.min > r.max ? undefined : r;
}
