/**
 * Which chain owns a topic-partition: rendezvous (highest random weight) hashing over the chain
 * names, so every node computes the same answer from the names alone and adding a chain moves
 * only the partitions the new chain wins. The weight is FNV-1a (32 bits) of
 * `${topic}-${partition}\0${chainName}` (UTF-8), finished with murmur3's fmix32 so that keys
 * differing in their last bytes still spread; ties go to the smaller chain name.
 *
 * One exception: Kafka's transaction and share-group state live with its group offsets. The
 * broker runs those coordinators on one node, the head of `__consumer_offsets`-0's chain, so every
 * partition of `__transaction_state` and `__share_group_state` is placed where that partition is.
 */
import type { Chain, Membership } from '@kilgore/discovery';

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** FNV-1a over the UTF-8 bytes of `text`, as an unsigned 32-bit number. */
export function fnv1a32(text: string): number {
  let h = FNV_OFFSET;
  for (const byte of Buffer.from(text, 'utf8')) {
    h ^= byte;
    h = Math.imul(h, FNV_PRIME);
  }
  return h >>> 0;
}

/** murmur3's 32-bit finaliser: every input bit affects every output bit. */
export function fmix32(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The rendezvous weight of a chain for a partition. */
export function placementWeight(topic: string, partition: number, chainName: string): number {
  return fmix32(fnv1a32(`${topic}-${partition}\u0000${chainName}`));
}

/** Topics placed with another partition instead of by their own name. */
const PLACED_WITH: ReadonlyMap<string, { topic: string; partition: number }> = new Map([
  ['__transaction_state', { topic: '__consumer_offsets', partition: 0 }],
  ['__share_group_state', { topic: '__consumer_offsets', partition: 0 }],
]);

/** The chain owning `topic`-`partition`; undefined only when there are no chains. */
export function chainFor(chains: readonly Chain[], topic: string, partition: number): Chain | undefined {
  const anchor = PLACED_WITH.get(topic);
  if (anchor) return chainFor(chains, anchor.topic, anchor.partition);
  let best: Chain | undefined;
  let bestWeight = -1;
  for (const c of chains) {
    const w = placementWeight(topic, partition, c.name);
    if (w > bestWeight || (w === bestWeight && best !== undefined && c.name < best.name)) {
      best = c;
      bestWeight = w;
    }
  }
  return best;
}

/** The chain `nodeId` is a member of, if any. */
export function chainOfNode(membership: Membership, nodeId: number): Chain | undefined {
  return membership.chains.find((c) => c.members.some((m) => m.nodeId === nodeId));
}
