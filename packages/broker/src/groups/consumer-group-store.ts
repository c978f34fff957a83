/**
 * Keeps KIP-848 groups in `__consumer_offsets` as Kafka does, so that after a restart (or a new
 * chain head) a member heartbeating at its epoch carries on with its partitions, no rebalance.
 *
 * Writing is by difference: the records that describe a group now are compared with those last
 * written for it, and only changed ones (or tombstones for keys that went away) are appended.
 * That keeps one code path for joins, leaves, expiries and epoch bumps, and gives Kafka's
 * record sequence: member metadata, group epoch, subscription metadata, target assignment, then
 * each member's current assignment; tombstones of a leaving member in the reverse order.
 */
import type { Logger } from 'pino';
import {
  type ConsumerGroup,
  type ConsumerGroups,
  type ConsumerMember,
  emptyConsumerGroup,
  emptyConsumerMember,
  type TopicPartitions,
} from './consumer-group.js';
import {
  type ConsumerGroupKey,
  CONSUMER_GROUP_CURRENT_MEMBER_ASSIGNMENT_KEY as CURRENT,
  decodeConsumerGroupKey,
  decodeCurrentAssignmentValue,
  decodeEpochValue,
  decodeMemberMetadataValue,
  decodePartitionMetadataValue,
  decodeTargetMemberValue,
  encodeConsumerGroupKey,
  encodeCurrentAssignmentValue,
  encodeEpochValue,
  encodeMemberMetadataValue,
  encodePartitionMetadataValue,
  encodeTargetMemberValue,
  CONSUMER_GROUP_METADATA_KEY as GROUP,
  CONSUMER_GROUP_MEMBER_METADATA_KEY as MEMBER,
  MemberStateValue,
  CONSUMER_GROUP_PARTITION_METADATA_KEY as PARTITIONS,
  CONSUMER_GROUP_TARGET_ASSIGNMENT_METADATA_KEY as TARGET,
  CONSUMER_GROUP_TARGET_ASSIGNMENT_MEMBER_KEY as TARGET_MEMBER,
  type TopicIdPartitions,
} from './consumer-group-records.js';
import type { KeyedRecord, OffsetsLog } from './offsets-log.js';

/** Topic names <-> ids (records carry ids; a deleted topic's id resolves to nothing). */
export interface TopicIds {
  idOf(name: string): string | undefined;
  nameOf(id: string): string | undefined;
}

export class ConsumerGroupStore {
  /** groupId -> key (hex) -> value (hex) as last appended. */
  private readonly written = new Map<string, Map<string, string>>();
  /** Records of a conversion (the classic group's GroupMetadata or its tombstone) to write with the next persist. */
  private readonly queued = new Map<string, { before: KeyedRecord[]; after: KeyedRecord[] }>();

  constructor(
    private readonly groups: ConsumerGroups,
    private readonly log: OffsetsLog,
    private readonly topicIds: TopicIds,
    private readonly logger: Logger,
  ) {}

  /**
   * Has the next persist() of the group write `before` ahead of its own records and `after`
   * behind them, in the same append: a conversion's records land together, as in Kafka.
   */
  queue(groupId: string, extra: { before?: KeyedRecord[]; after?: KeyedRecord[] }): void {
    const q = this.queued.get(groupId) ?? { before: [], after: [] };
    q.before.push(...(extra.before ?? []));
    q.after.push(...(extra.after ?? []));
    this.queued.set(groupId, q);
  }

  /** Appends what changed in the group since it was last written; resolves once stored. */
  persist(groupId: string): Promise<void> {
    const group = this.groups.get(groupId);
    const now = group ? this.snapshot(group) : new Map<string, KeyedRecord>();
    const before = this.written.get(groupId) ?? new Map<string, string>();
    const upserts: KeyedRecord[] = [];
    for (const [k, r] of now) if (before.get(k) !== r.value!.toString('hex')) upserts.push(r);
    // Tombstones: current assignment first, then target, then the member, the group last.
    const gone = [...before.keys()].filter((k) => !now.has(k)).map((k) => Buffer.from(k, 'hex'));
    const order = [CURRENT, TARGET_MEMBER, MEMBER, TARGET, PARTITIONS, GROUP];
    gone.sort((a, b) => order.indexOf(a.readInt16BE(0)) - order.indexOf(b.readInt16BE(0)));
    const extra = this.queued.get(groupId);
    this.queued.delete(groupId);
    const records = [
      ...(extra?.before ?? []),
      ...gone.map((key) => ({ key, value: null })),
      ...upserts,
      ...(extra?.after ?? []),
    ];
    if (now.size === 0) this.written.delete(groupId);
    else this.written.set(groupId, new Map([...now].map(([k, r]) => [k, r.value!.toString('hex')])));
    if (records.length === 0) return Promise.resolve();
    return this.log.append(records);
  }

  /**
   * DeleteGroups of an empty group: drops it from memory and returns the tombstones that erase it
   * from the log, in Kafka's order (createGroupTombstoneRecords): each member's current then target
   * assignment, the target epoch, each member's metadata, the subscription metadata, the group
   * epoch. Every key written for the group is covered, and the group-level keys always are, so
   * nothing of it comes back at the next load.
   */
  deletionRecords(groupId: string): KeyedRecord[] {
    const group = this.groups.get(groupId);
    const keys = new Set(this.written.get(groupId)?.keys() ?? []);
    if (group) for (const k of this.snapshot(group).keys()) keys.add(k);
    for (const type of [TARGET, PARTITIONS, GROUP] as const)
      keys.add(encodeConsumerGroupKey({ type, groupId }).toString('hex'));
    const order = [CURRENT, TARGET_MEMBER, TARGET, MEMBER, PARTITIONS, GROUP];
    const tombstones = [...keys]
      .map((k) => Buffer.from(k, 'hex'))
      .sort((a, b) => order.indexOf(a.readInt16BE(0)) - order.indexOf(b.readInt16BE(0)))
      .map((key) => ({ key, value: null }));
    this.groups.groups.delete(groupId);
    this.written.delete(groupId);
    return tombstones;
  }

  /** persist() for changes nobody waits on (a session timing out): failures are logged. */
  persistInBackground(groupId: string): void {
    this.persist(groupId).catch((err: unknown) => {
      this.logger.warn({ err, group: groupId }, 'writing consumer group state failed');
    });
  }

  /** Forgets everything (before a reload: a chain node becoming head again). */
  reset(): void {
    this.written.clear();
    this.queued.clear();
  }

  /** After a load: what was replayed counts as written, and members' sessions start now. */
  loaded(): void {
    for (const g of this.groups.groups.values()) {
      this.written.set(
        g.groupId,
        new Map([...this.snapshot(g)].map(([k, r]) => [k, r.value!.toString('hex')])),
      );
    }
    this.groups.resumeSessions();
  }

  /** Applies one replayed record (key type 3..8) to the in-memory groups. */
  replay(keyBuf: Buffer, value: Buffer | null): void {
    const key = decodeConsumerGroupKey(keyBuf);
    let group = this.groups.get(key.groupId);
    if (value === null) {
      if (!group) return;
      if (key.type === GROUP) this.groups.groups.delete(key.groupId);
      else if (key.type === MEMBER) group.members.delete(key.memberId);
      else if (key.type === TARGET_MEMBER) group.target.delete(key.memberId);
      else if (key.type === CURRENT) {
        const m = group.members.get(key.memberId);
        if (m)
          Object.assign(m, {
            memberEpoch: 0,
            previousMemberEpoch: 0,
            assigned: new Map(),
            revoking: new Map(),
          });
      } else if (key.type === PARTITIONS) group.partitionCounts = new Map();
      return;
    }
    if (!group) {
      group = emptyConsumerGroup(key.groupId);
      this.groups.groups.set(key.groupId, group);
    }
    switch (key.type) {
      case GROUP:
        group.groupEpoch = decodeEpochValue(value);
        break;
      case TARGET:
        group.assignmentEpoch = decodeEpochValue(value);
        break;
      case PARTITIONS:
        // By name: a topic re-created under the same name since still counts (its partition count decides).
        group.partitionCounts = new Map(
          decodePartitionMetadataValue(value).map((t) => [t.topicName, t.numPartitions]),
        );
        break;
      case MEMBER: {
        const v = decodeMemberMetadataValue(value);
        const m = this.memberOf(group, key);
        m.instanceId = v.instanceId;
        m.rackId = v.rackId;
        m.clientId = v.clientId;
        m.clientHost = v.clientHost;
        m.subscribedTopicNames = [...v.subscribedTopicNames].sort();
        m.subscribedTopicRegex = v.subscribedTopicRegex;
        m.rebalanceTimeoutMs = v.rebalanceTimeoutMs;
        m.serverAssignor = v.serverAssignor;
        m.classic =
          v.classic === null
            ? null
            : {
                sessionTimeoutMs: v.classic.sessionTimeoutMs,
                protocols: v.classic.supportedProtocols,
                joinTimer: null,
                syncTimer: null,
              };
        break;
      }
      case TARGET_MEMBER:
        if ('memberId' in key) group.target.set(key.memberId, this.byName(decodeTargetMemberValue(value)));
        break;
      case CURRENT: {
        const v = decodeCurrentAssignmentValue(value);
        const m = this.memberOf(group, key);
        m.memberEpoch = v.memberEpoch;
        m.previousMemberEpoch = v.previousMemberEpoch;
        m.assigned = this.byName(v.assigned);
        m.revoking = this.byName(v.pendingRevocation);
        break;
      }
    }
  }

  private memberOf(group: ConsumerGroup, key: ConsumerGroupKey): ConsumerMember {
    const memberId = 'memberId' in key ? key.memberId : '';
    let m = group.members.get(memberId);
    if (!m) {
      m = emptyConsumerMember(memberId);
      group.members.set(memberId, m);
    }
    return m;
  }

  private byName(list: readonly TopicIdPartitions[]): TopicPartitions {
    const out: TopicPartitions = new Map();
    for (const t of list) {
      const name = this.topicIds.nameOf(t.topicId);
      if (name !== undefined)
        out.set(
          name,
          [...t.partitions].sort((a, b) => a - b),
        );
    }
    return out;
  }

  private byId(tp: TopicPartitions): TopicIdPartitions[] {
    const out: TopicIdPartitions[] = [];
    for (const [name, partitions] of [...tp].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      const topicId = this.topicIds.idOf(name);
      if (topicId !== undefined) out.push({ topicId, partitions });
    }
    return out;
  }

  /** The records describing the group now, by key (hex), in the order Kafka writes them. */
  private snapshot(g: ConsumerGroup): Map<string, KeyedRecord> {
    const out = new Map<string, KeyedRecord>();
    const put = (k: ConsumerGroupKey, value: Buffer): void => {
      const key = encodeConsumerGroupKey(k);
      out.set(key.toString('hex'), { key, value });
    };
    const groupId = g.groupId;
    for (const m of g.members.values()) {
      put(
        { type: MEMBER, groupId, memberId: m.memberId },
        encodeMemberMetadataValue({
          instanceId: m.instanceId,
          rackId: m.rackId,
          clientId: m.clientId,
          clientHost: m.clientHost,
          subscribedTopicNames: m.subscribedTopicNames,
          subscribedTopicRegex: m.subscribedTopicRegex,
          rebalanceTimeoutMs: m.rebalanceTimeoutMs,
          serverAssignor: m.serverAssignor,
          classic:
            m.classic === null
              ? null
              : { sessionTimeoutMs: m.classic.sessionTimeoutMs, supportedProtocols: m.classic.protocols },
        }),
      );
    }
    put({ type: GROUP, groupId }, encodeEpochValue(g.groupEpoch));
    const topics = [...g.partitionCounts]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .flatMap(([topicName, numPartitions]) => {
        const topicId = this.topicIds.idOf(topicName);
        return topicId === undefined ? [] : [{ topicId, topicName, numPartitions }];
      });
    put({ type: PARTITIONS, groupId }, encodePartitionMetadataValue(topics));
    for (const [memberId, tp] of g.target) {
      if (!g.members.has(memberId)) continue;
      put({ type: TARGET_MEMBER, groupId, memberId }, encodeTargetMemberValue(this.byId(tp)));
    }
    put({ type: TARGET, groupId }, encodeEpochValue(g.assignmentEpoch));
    for (const m of g.members.values()) {
      put(
        { type: CURRENT, groupId, memberId: m.memberId },
        encodeCurrentAssignmentValue({
          memberEpoch: m.memberEpoch,
          previousMemberEpoch: m.previousMemberEpoch,
          state: stateOf(g, m),
          assigned: this.byId(m.assigned),
          pendingRevocation: this.byId(m.revoking),
        }),
      );
    }
    return out;
  }
}

/** Kafka's MemberState of a member: still giving up partitions, waiting for some, or stable. */
function stateOf(g: ConsumerGroup, m: ConsumerMember): number {
  if (m.revoking.size > 0) return MemberStateValue.UNREVOKED_PARTITIONS;
  const target = g.target.get(m.memberId);
  let targetCount = 0;
  for (const ps of target?.values() ?? []) targetCount += ps.length;
  let assignedCount = 0;
  for (const ps of m.assigned.values()) assignedCount += ps.length;
  // Assigned is always a subset of the target once nothing is pending revocation.
  return assignedCount < targetCount ? MemberStateValue.UNRELEASED_PARTITIONS : MemberStateValue.STABLE;
}
