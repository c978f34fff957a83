/**
 * Where two replicas of a partition stop agreeing, from their leader-epoch entries alone (the
 * question Kafka's followers ask with OffsetForLeaderEpoch, answered in one place).
 */

export interface EpochStart {
  epoch: number;
  startOffset: number;
}

/** A replica's log as far as divergence is concerned. */
export interface ReplicaPosition {
  logStartOffset: number;
  logEndOffset: number;
  epochs: readonly EpochStart[];
}

/** Kafka's endOffsetForEpoch over a list of entries (see LeaderEpochCache). */
export function epochEndOffset(
  entries: readonly EpochStart[],
  epoch: number,
  logEndOffset: number,
): { epoch: number; endOffset: number } {
  if (epoch < 0 || entries.length === 0) return { epoch: -1, endOffset: -1 };
  const latest = entries[entries.length - 1]!;
  if (epoch === latest.epoch) return { epoch, endOffset: logEndOffset };
  const higher = entries.find((e) => e.epoch > epoch);
  if (higher === undefined) return { epoch: -1, endOffset: -1 };
  let floor: EpochStart | undefined;
  for (const e of entries) if (e.epoch <= epoch) floor = e;
  return { epoch: floor === undefined ? epoch : floor.epoch, endOffset: higher.startOffset };
}

/**
 * The offset up to which `follower` is a prefix of `leader` (the follower keeps [0, result) and
 * takes the rest from the leader). Walks the follower's epochs newest first: the first one the
 * leader knows (or brackets) gives the end of the common part, as Kafka's truncation does.
 */
export function divergencePoint(leader: ReplicaPosition, follower: ReplicaPosition): number {
  if (follower.logEndOffset === 0) return 0;
  for (let i = follower.epochs.length - 1; i >= 0; i--) {
    const asked = follower.epochs[i]!.epoch;
    const l = epochEndOffset(leader.epochs, asked, leader.logEndOffset);
    if (l.epoch < 0) continue;
    const f = epochEndOffset(follower.epochs, l.epoch, follower.logEndOffset);
    const followerEnd = f.epoch < 0 ? follower.logEndOffset : f.endOffset;
    return Math.max(0, Math.min(l.endOffset, followerEnd, follower.logEndOffset));
  }
  return 0;
}

/** Raft's "more up to date": a higher last epoch, or the same one and a longer log. */
export function isAhead(a: ReplicaPosition, b: ReplicaPosition): boolean {
  const ea = a.epochs.at(-1)?.epoch ?? -1;
  const eb = b.epochs.at(-1)?.epoch ?? -1;
  return ea !== eb ? ea > eb : a.logEndOffset > b.logEndOffset;
}
