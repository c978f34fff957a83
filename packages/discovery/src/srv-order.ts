/**
 * How an SRV answer becomes an ordered chain with node ids. Every node reads the same answer and
 * must reach the same chain, so the rules only look at what is in the records, never at the order
 * the server happened to send them in (servers rotate answers on purpose).
 *
 * Order: priority ascending (the head has the lowest), then the ordinal at the end of the
 * target's first label as a number (`node-9` before `node-10`, where a string sort gets it
 * wrong), then the target name, then the port. Weight does not take part: in SRV it says how to
 * spread load among equals at random, and a chain needs one order that every node agrees on.
 *
 * Node id: the trailing ordinal of the target's first label plus the chain's offset
 * (`kilgore-3.chain-a.local` with offset 100 is node 103). A target with no ordinal gets a stable
 * hash of its name in [2^30, 2^31): far above any ordinal, the same on every node.
 */
import type { SrvRecord } from './srv-dns.js';

/** The number ending the first label of `target` (`kilgore-10.x` -> 10), if it ends in one. */
export function trailingOrdinal(target: string): number | undefined {
  const first = target.split('.')[0] ?? '';
  const digits = /(\d+)$/.exec(first)?.[1];
  if (digits === undefined) return undefined;
  const value = Number(digits);
  return Number.isSafeInteger(value) ? value : undefined;
}

/** Sort key comparison of the rule above; records without an ordinal follow those with one. */
export function compareSrvRecords(a: SrvRecord, b: SrvRecord): number {
  if (a.priority !== b.priority) return a.priority - b.priority;
  const oa = trailingOrdinal(a.target);
  const ob = trailingOrdinal(b.target);
  if (oa !== undefined && ob !== undefined && oa !== ob) return oa - ob;
  if (oa !== undefined && ob === undefined) return -1;
  if (oa === undefined && ob !== undefined) return 1;
  if (a.target !== b.target) return a.target < b.target ? -1 : 1; // code points: no locale
  return a.port - b.port;
}

/** The records in chain order, each target:port once (a server may repeat a record). */
export function orderSrvRecords(records: readonly SrvRecord[]): SrvRecord[] {
  const seen = new Set<string>();
  const unique: SrvRecord[] = [];
  for (const record of [...records].sort(compareSrvRecords)) {
    const key = `${record.target}:${record.port}`;
    if (seen.has(key)) continue;
    seen.add(key);
    unique.push(record);
  }
  return unique;
}

const HASHED_ID_BASE = 2 ** 30;

/** The node id of a target by the rule above. */
export function nodeIdForTarget(target: string, offset = 0): number {
  const ordinal = trailingOrdinal(target);
  if (ordinal !== undefined && ordinal + offset < HASHED_ID_BASE) return ordinal + offset;
  return HASHED_ID_BASE + (fnv1a(target.toLowerCase()) % HASHED_ID_BASE);
}

/** 32-bit FNV-1a: tiny, stable across Node versions and machines, good enough to spread names. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/**
 * For a cluster-wide SRV name: the chain a target belongs to, from the first label after the host
 * label that has the form `chain-<name>` (`kilgore-4.chain-b.kilgore.local` -> `b`).
 */
export function chainOfTarget(target: string): string | undefined {
  for (const label of target.split('.').slice(1)) {
    const match = /^chain-(.+)$/.exec(label);
    if (match) return match[1];
  }
  return undefined;
}
