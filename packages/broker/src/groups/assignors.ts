/**
 * KIP-848's server-side assignors, chosen by the client's `group.remote.assignor`. Both are pure:
 * members and their subscribed topics in, partitions per member out. `uniform` spreads every
 * subscribed partition evenly (round robin over the members subscribed to its topic, members in
 * id order, so every node computes the same answer); `range` gives each member a contiguous range
 * of each topic it subscribes to, as the classic RangeAssignor does.
 */

export interface AssignorMember {
  memberId: string;
  topics: readonly string[];
}

/** memberId -> topic -> partitions. */
export type Assignment = Map<string, Map<string, number[]>>;

export type Assignor = (
  members: readonly AssignorMember[],
  partitionsOf: (topic: string) => number,
) => Assignment;

function emptyAssignment(members: readonly AssignorMember[]): Assignment {
  return new Map(members.map((m) => [m.memberId, new Map<string, number[]>()]));
}

function add(a: Assignment, memberId: string, topic: string, partition: number): void {
  const topics = a.get(memberId)!;
  const list = topics.get(topic);
  if (list) list.push(partition);
  else topics.set(topic, [partition]);
}

function subscribersByTopic(members: readonly AssignorMember[]): Map<string, string[]> {
  const by = new Map<string, string[]>();
  for (const m of [...members].sort((x, y) => (x.memberId < y.memberId ? -1 : 1))) {
    for (const t of new Set(m.topics)) {
      const list = by.get(t);
      if (list) list.push(m.memberId);
      else by.set(t, [m.memberId]);
    }
  }
  return by;
}

export const uniformAssignor: Assignor = (members, partitionsOf) => {
  const out = emptyAssignment(members);
  const load = new Map(members.map((m) => [m.memberId, 0]));
  for (const [topic, subs] of [...subscribersByTopic(members)].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    const n = partitionsOf(topic);
    for (let p = 0; p < n; p++) {
      // The least loaded subscriber so far (ties broken by member id order).
      let best = subs[0]!;
      for (const s of subs) if (load.get(s)! < load.get(best)!) best = s;
      add(out, best, topic, p);
      load.set(best, load.get(best)! + 1);
    }
  }
  return out;
};

export const rangeAssignor: Assignor = (members, partitionsOf) => {
  const out = emptyAssignment(members);
  for (const [topic, subs] of subscribersByTopic(members)) {
    const n = partitionsOf(topic);
    const per = Math.floor(n / subs.length);
    const extra = n % subs.length;
    let next = 0;
    subs.forEach((s, i) => {
      const count = per + (i < extra ? 1 : 0);
      for (let k = 0; k < count; k++) add(out, s, topic, next++);
    });
  }
  return out;
};

export const ASSIGNORS: ReadonlyMap<string, Assignor> = new Map([
  ['uniform', uniformAssignor],
  ['range', rangeAssignor],
]);

export const DEFAULT_ASSIGNOR = 'uniform';
