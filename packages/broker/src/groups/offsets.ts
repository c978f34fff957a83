import { ErrorCode } from '@kilgore/protocol';
import type { Logger } from 'pino';
import type { ConsumerGroup, ConsumerGroups } from './consumer-group.js';
import { checkConsumerGroupCommit, subscribedTopicsOf } from './consumer-group-offsets.js';
import { isConsumerGroupKey } from './consumer-group-records.js';
import type { ConsumerGroupStore } from './consumer-group-store.js';
import type { GroupCoordinator } from './coordinator.js';
import { type ClassicGroup, subscribedTopics } from './group.js';
import {
  type CommittedOffset,
  decodeGroupMetadataValue,
  decodeOffsetCommitValue,
  decodeOffsetsTopicKey,
  encodeGroupMetadataKey,
  encodeGroupMetadataValue,
  encodeOffsetCommitKey,
  encodeOffsetCommitValue,
} from './offset-records.js';
import type { KeyedRecord, OffsetsLog } from './offsets-log.js';
import type { GroupSettings } from './settings.js';

export interface CommitPartition {
  partitionIndex: number;
  committedOffset: bigint;
  committedLeaderEpoch: number;
  committedMetadata: string | null;
}

export interface CommitRequest {
  groupId: string;
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
  topics: { name: string; partitions: CommitPartition[] }[];
  /** OffsetCommit v9+ answers GROUP_ID_NOT_FOUND where older versions expect ILLEGAL_GENERATION. */
  apiVersion: number;
}

export interface PartitionError {
  partitionIndex: number;
  errorCode: number;
}

export interface FetchedOffset {
  partitionIndex: number;
  committedOffset: bigint;
  committedLeaderEpoch: number;
  metadata: string;
  errorCode: number;
}

const NO_OFFSET = (partitionIndex: number): FetchedOffset => ({
  partitionIndex,
  committedOffset: -1n,
  committedLeaderEpoch: -1,
  metadata: '',
  errorCode: ErrorCode.NONE,
});

function tpKey(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}

/**
 * Committed offsets: validated against the group's generation, written to `__consumer_offsets`
 * before they are acknowledged, kept in memory for OffsetFetch, rebuilt from the log at start,
 * and expired once a group has been empty for offsets.retention.minutes.
 */
export class OffsetManager {
  /** KIP-848 groups, whose commits are checked by member epoch instead of generation. */
  consumerGroups: ConsumerGroups | undefined;
  /** Replays the KIP-848 groups' records (key types 3..8). */
  consumerGroupStore: ConsumerGroupStore | undefined;
  /** group -> "topic\0partition" -> offset. */
  private readonly byGroup = new Map<
    string,
    Map<string, CommittedOffset & { topic: string; partition: number }>
  >();

  constructor(
    private readonly coordinator: GroupCoordinator,
    private readonly log: OffsetsLog,
    private readonly settings: GroupSettings,
    private readonly partitionsOf: (topic: string) => number | undefined,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Replays `__consumer_offsets`: offsets and group generations as they were at shutdown. Offsets
   * of a transaction count once its commit marker is met; those of a transaction still open are
   * kept pending until the transaction coordinator ends it.
   */
  async load(): Promise<void> {
    let records = 0;
    // A reload (a chain node becoming head again) starts from the log, not from what memory had.
    this.consumerGroups?.clear();
    this.consumerGroupStore?.reset();
    for await (const r of this.log.replayWithMarkers()) {
      if ('marker' in r) {
        this.completeTransaction(r.producerId, r.marker === 'commit');
        continue;
      }
      records++;
      if (r.producerId !== undefined) {
        try {
          const key = decodeOffsetsTopicKey(r.key);
          if (key.kind === 'offset' && r.value !== null) {
            this.#pend(
              r.producerId,
              key.key.group,
              key.key.topic,
              key.key.partition,
              decodeOffsetCommitValue(r.value),
            );
          }
        } catch (err) {
          this.logger.warn({ err }, 'skipping an unreadable transactional __consumer_offsets record');
        }
        continue;
      }
      let key: ReturnType<typeof decodeOffsetsTopicKey>;
      try {
        key = decodeOffsetsTopicKey(r.key);
        if (key.kind === 'unknown' && isConsumerGroupKey(key.version)) {
          this.consumerGroupStore?.replay(r.key, r.value);
        } else if (key.kind === 'offset') {
          const { group, topic, partition } = key.key;
          if (r.value === null) this.byGroup.get(group)?.delete(tpKey(topic, partition));
          else this.store(group, topic, partition, decodeOffsetCommitValue(r.value));
        } else if (key.kind === 'group') {
          if (r.value === null) {
            const g = this.coordinator.get(key.group);
            if (g) this.coordinator.delete(g);
          } else {
            const v = decodeGroupMetadataValue(r.value);
            const g = this.coordinator.getOrCreate(key.group);
            // Members are not restored: they rejoin, and the generation moves on from here.
            g.generationId = v.generation;
            g.protocolType = v.protocolType === '' ? null : v.protocolType;
            g.stateTimestamp = v.currentStateTimestamp >= 0 ? v.currentStateTimestamp : this.now();
          }
        }
      } catch (err) {
        this.logger.warn({ err }, 'skipping an unreadable __consumer_offsets record');
      }
    }
    // A group whose offsets all got tombstones (DeleteGroups, OffsetDelete, expiry) is not brought back.
    for (const [group, offsets] of this.byGroup) {
      if (offsets.size === 0) this.byGroup.delete(group);
      else this.coordinator.getOrCreate(group);
    }
    this.consumerGroupStore?.loaded();
    this.logger.info(
      {
        records,
        groups: this.coordinator.groups.size,
        consumerGroups: this.consumerGroups?.groups.size ?? 0,
      },
      'consumer offsets loaded',
    );
  }

  /** Offsets committed inside open transactions, by producer id: applied when it commits. */
  readonly #pendingTxn = new Map<
    bigint,
    { group: string; topic: string; partition: number; value: CommittedOffset }[]
  >();

  #pend(producerId: bigint, group: string, topic: string, partition: number, value: CommittedOffset): void {
    const list = this.#pendingTxn.get(producerId) ?? [];
    list.push({ group, topic, partition, value });
    this.#pendingTxn.set(producerId, list);
  }

  /**
   * TxnOffsetCommit: the offsets go to `__consumer_offsets` as part of the producer's transaction
   * (a transactional batch) and count for OffsetFetch only once it commits.
   */
  async commitTransactional(
    req: CommitRequest & { producerId: bigint; producerEpoch: number },
  ): Promise<{ name: string; partitions: PartitionError[] }[]> {
    // A producer that does not pass the consumer's generation (v0-2, or -1) is not checked against it.
    const groupError =
      req.generationId < 0 && this.consumerGroups?.get(req.groupId) === undefined
        ? req.groupId === ''
          ? ErrorCode.INVALID_GROUP_ID
          : ErrorCode.NONE
        : this.validateCommit(req, true);
    const now = this.now();
    const records: KeyedRecord[] = [];
    const accepted: { topic: string; partition: number; value: CommittedOffset }[] = [];
    const answer = req.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p): PartitionError => {
        const count = this.partitionsOf(t.name);
        let errorCode = groupError;
        if (
          errorCode === ErrorCode.NONE &&
          (count === undefined || p.partitionIndex < 0 || p.partitionIndex >= count)
        ) {
          errorCode = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
        } else if (
          errorCode === ErrorCode.NONE &&
          p.committedMetadata !== null &&
          Buffer.byteLength(p.committedMetadata) > this.settings.offsetMetadataMaxBytes
        ) {
          errorCode = ErrorCode.OFFSET_METADATA_TOO_LARGE;
        }
        if (errorCode === ErrorCode.NONE) {
          const value: CommittedOffset = {
            offset: p.committedOffset,
            leaderEpoch: p.committedLeaderEpoch,
            metadata: p.committedMetadata ?? '',
            commitTimestamp: now,
          };
          accepted.push({ topic: t.name, partition: p.partitionIndex, value });
          records.push({
            key: encodeOffsetCommitKey({ group: req.groupId, topic: t.name, partition: p.partitionIndex }),
            value: encodeOffsetCommitValue(value),
          });
        }
        return { partitionIndex: p.partitionIndex, errorCode };
      }),
    }));
    if (records.length === 0) return answer;
    try {
      await this.log.append(records, { producerId: req.producerId, producerEpoch: req.producerEpoch });
    } catch (err) {
      this.logger.error({ err, group: req.groupId }, 'writing transactional offsets failed');
      for (const t of answer)
        for (const p of t.partitions)
          if (p.errorCode === ErrorCode.NONE) p.errorCode = ErrorCode.COORDINATOR_NOT_AVAILABLE;
      return answer;
    }
    this.coordinator.getOrCreate(req.groupId);
    for (const a of accepted) this.#pend(req.producerId, req.groupId, a.topic, a.partition, a.value);
    return answer;
  }

  /** Creates `__consumer_offsets` if it does not exist yet. */
  ensureLog(): void {
    this.log.ensure();
  }

  /** The end of a producer's transaction: its pending offsets count (commit) or go (abort). */
  completeTransaction(producerId: bigint, commit: boolean): void {
    const pending = this.#pendingTxn.get(producerId);
    this.#pendingTxn.delete(producerId);
    if (!commit || !pending) return;
    for (const p of pending) this.store(p.group, p.topic, p.partition, p.value);
  }

  private store(group: string, topic: string, partition: number, v: CommittedOffset): void {
    let m = this.byGroup.get(group);
    if (!m) {
      m = new Map();
      this.byGroup.set(group, m);
    }
    m.set(tpKey(topic, partition), { ...v, topic, partition });
  }

  /** Why this member may not commit for this group now, or NONE (Kafka's validateOffsetCommit). */
  private validateCommit(req: CommitRequest, transactional: boolean): number {
    if (req.groupId === '') return ErrorCode.INVALID_GROUP_ID;
    // KIP-848 groups: the generation field carries the member epoch.
    const consumerGroup = this.consumerGroups?.get(req.groupId);
    if (consumerGroup !== undefined) {
      return checkConsumerGroupCommit(consumerGroup, {
        memberId: req.memberId,
        groupInstanceId: req.groupInstanceId,
        memberEpoch: req.generationId,
        transactional,
        apiVersion: req.apiVersion,
      }).errorCode;
    }
    const group = this.coordinator.get(req.groupId);
    if (!group) {
      // A consumer that assigns partitions itself commits with generation -1 and no member id.
      if (req.generationId < 0) {
        this.coordinator.getOrCreate(req.groupId);
        return ErrorCode.NONE;
      }
      return req.apiVersion >= 9 ? ErrorCode.GROUP_ID_NOT_FOUND : ErrorCode.ILLEGAL_GENERATION;
    }
    if (group.state === 'Dead') return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    if (req.generationId < 0 && req.memberId === '' && group.state === 'Empty') return ErrorCode.NONE;
    if (req.groupInstanceId !== null) {
      const owner = group.staticMembers.get(req.groupInstanceId);
      if (owner !== undefined && owner !== req.memberId) return ErrorCode.FENCED_INSTANCE_ID;
    }
    if (!group.members.has(req.memberId)) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (req.generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION;
    if (group.state === 'CompletingRebalance') return ErrorCode.REBALANCE_IN_PROGRESS;
    return ErrorCode.NONE;
  }

  async commit(req: CommitRequest): Promise<{ name: string; partitions: PartitionError[] }[]> {
    const groupError = this.validateCommit(req, false);
    const now = this.now();
    const records: KeyedRecord[] = [];
    const accepted: { topic: string; partition: number; value: CommittedOffset }[] = [];
    const answer = req.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p): PartitionError => {
        let errorCode = groupError;
        const count = this.partitionsOf(t.name);
        if (errorCode !== ErrorCode.NONE) {
          // the group-level error stands
        } else if (count === undefined || p.partitionIndex < 0 || p.partitionIndex >= count) {
          errorCode = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
        } else if (
          p.committedMetadata !== null &&
          Buffer.byteLength(p.committedMetadata) > this.settings.offsetMetadataMaxBytes
        ) {
          errorCode = ErrorCode.OFFSET_METADATA_TOO_LARGE;
        } else {
          const value: CommittedOffset = {
            offset: p.committedOffset,
            leaderEpoch: p.committedLeaderEpoch,
            metadata: p.committedMetadata ?? '',
            commitTimestamp: now,
          };
          accepted.push({ topic: t.name, partition: p.partitionIndex, value });
          records.push({
            key: encodeOffsetCommitKey({ group: req.groupId, topic: t.name, partition: p.partitionIndex }),
            value: encodeOffsetCommitValue(value),
          });
        }
        return { partitionIndex: p.partitionIndex, errorCode };
      }),
    }));
    if (records.length === 0) return answer;
    try {
      await this.log.append(records);
    } catch (err) {
      this.logger.error({ err, group: req.groupId }, 'writing committed offsets failed');
      for (const t of answer) {
        for (const p of t.partitions)
          if (p.errorCode === ErrorCode.NONE) p.errorCode = ErrorCode.COORDINATOR_NOT_AVAILABLE;
      }
      return answer;
    }
    for (const a of accepted) this.store(req.groupId, a.topic, a.partition, a.value);
    return answer;
  }

  /** Committed offsets of the named partitions, or (topics null) of every partition the group committed. */
  fetch(
    groupId: string,
    topics: readonly { name: string; partitionIndexes: readonly number[] }[] | null,
  ): { name: string; partitions: FetchedOffset[] }[] {
    const stored = this.byGroup.get(groupId);
    const one = (topic: string, partition: number): FetchedOffset => {
      const v = stored?.get(tpKey(topic, partition));
      if (!v) return NO_OFFSET(partition);
      return {
        partitionIndex: partition,
        committedOffset: v.offset,
        committedLeaderEpoch: v.leaderEpoch,
        metadata: v.metadata,
        errorCode: ErrorCode.NONE,
      };
    };
    if (topics !== null) {
      return topics.map((t) => ({ name: t.name, partitions: t.partitionIndexes.map((p) => one(t.name, p)) }));
    }
    const byTopic = new Map<string, FetchedOffset[]>();
    for (const v of stored?.values() ?? []) {
      const list = byTopic.get(v.topic) ?? [];
      list.push(one(v.topic, v.partition));
      byTopic.set(v.topic, list);
    }
    return [...byTopic].map(([name, partitions]) => ({ name, partitions }));
  }

  /** Every committed offset of every group, classic and KIP-848 alike (read by the lag metrics). */
  *committedOffsets(): Generator<{ group: string; topic: string; partition: number; offset: bigint }> {
    for (const [group, byPartition] of this.byGroup) {
      for (const v of byPartition.values()) {
        yield { group, topic: v.topic, partition: v.partition, offset: v.offset };
      }
    }
  }

  /** Whether the group has any committed offset (ListGroups shows such groups even when empty). */
  hasOffsets(groupId: string): boolean {
    return (this.byGroup.get(groupId)?.size ?? 0) > 0;
  }

  /** DeleteGroups: only groups without members; their offsets and metadata get tombstones. */
  async deleteGroup(groupId: string): Promise<number> {
    if (groupId === '') return ErrorCode.INVALID_GROUP_ID;
    const consumerGroup = this.consumerGroups?.get(groupId);
    if (consumerGroup !== undefined) return this.deleteConsumerGroup(groupId, consumerGroup.members.size);
    const group = this.coordinator.get(groupId);
    if (!group || group.state === 'Dead') return ErrorCode.GROUP_ID_NOT_FOUND;
    if (group.state !== 'Empty') return ErrorCode.NON_EMPTY_GROUP;
    try {
      await this.removeGroup(group);
    } catch (err) {
      this.logger.error({ err, group: groupId }, 'deleting a group failed');
      return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    }
    return ErrorCode.NONE;
  }

  /**
   * A KIP-848 group goes once it has no members (Kafka: state Empty, else NON_EMPTY_GROUP): its
   * offsets' tombstones, then those of its records (types 3-8), in one append, as Kafka writes them.
   */
  private async deleteConsumerGroup(groupId: string, members: number): Promise<number> {
    if (members > 0) return ErrorCode.NON_EMPTY_GROUP;
    const records: KeyedRecord[] = this.offsetTombstones(groupId);
    records.push(...this.consumerGroupStore!.deletionRecords(groupId));
    this.byGroup.delete(groupId);
    // Offsets replayed at load leave an empty classic record of the same id: it goes too.
    const placeholder = this.coordinator.get(groupId);
    if (placeholder) this.coordinator.delete(placeholder);
    try {
      await this.log.append(records);
    } catch (err) {
      this.logger.error({ err, group: groupId }, 'deleting a consumer group failed');
      return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    }
    return ErrorCode.NONE;
  }

  private offsetTombstones(groupId: string): KeyedRecord[] {
    return [...(this.byGroup.get(groupId)?.values() ?? [])].map((v) => ({
      key: encodeOffsetCommitKey({ group: groupId, topic: v.topic, partition: v.partition }),
      value: null,
    }));
  }

  private async removeGroup(group: ClassicGroup): Promise<void> {
    const records = this.offsetTombstones(group.groupId);
    records.push({ key: encodeGroupMetadataKey(group.groupId), value: null });
    this.coordinator.delete(group);
    this.byGroup.delete(group.groupId);
    await this.log.append(records);
  }

  /**
   * OffsetDelete: a group with members keeps the offsets of topics it subscribes to
   * (GROUP_SUBSCRIBED_TO_TOPIC); a non-consumer classic group with members refuses outright.
   */
  async deleteOffsets(
    groupId: string,
    topics: readonly { name: string; partitions: readonly { partitionIndex: number }[] }[],
  ): Promise<{ errorCode: number; topics: { name: string; partitions: PartitionError[] }[] }> {
    if (groupId === '') return { errorCode: ErrorCode.INVALID_GROUP_ID, topics: [] };
    const consumerGroup = this.consumerGroups?.get(groupId);
    const group = this.coordinator.get(groupId);
    // A KIP-848 group keeps the offsets of the topics it subscribes to; so does a classic one.
    const subscribed = consumerGroup !== undefined ? subscribedTopicsOf(consumerGroup) : new Set<string>();
    if (consumerGroup === undefined) {
      if (!group || group.state === 'Dead') return { errorCode: ErrorCode.GROUP_ID_NOT_FOUND, topics: [] };
      if (group.members.size > 0) {
        if (group.protocolType !== 'consumer') return { errorCode: ErrorCode.NON_EMPTY_GROUP, topics: [] };
        for (const m of group.members.values())
          for (const t of subscribedTopics(group.metadataOf(m))) subscribed.add(t);
      }
    }
    const stored = this.byGroup.get(groupId);
    const records: KeyedRecord[] = [];
    const answer = topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map(({ partitionIndex }): PartitionError => {
        if (subscribed.has(t.name)) return { partitionIndex, errorCode: ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC };
        if (stored?.delete(tpKey(t.name, partitionIndex))) {
          records.push({
            key: encodeOffsetCommitKey({ group: groupId, topic: t.name, partition: partitionIndex }),
            value: null,
          });
        }
        return { partitionIndex, errorCode: ErrorCode.NONE };
      }),
    }));
    if (records.length > 0) await this.log.append(records);
    return { errorCode: ErrorCode.NONE, topics: answer };
  }

  /** Records a settled generation (or an emptied group) in `__consumer_offsets`. */
  persistGroup(group: ClassicGroup): void {
    this.log.append([groupMetadataRecord(group)]).catch((err: unknown) => {
      this.logger.warn({ err, group: group.groupId }, 'writing group metadata failed');
    });
  }

  /**
   * offsets.retention.minutes: offsets of a group empty for that long go (a simple group's count
   * from each commit); a group left with no offsets and no members is removed.
   */
  async expire(): Promise<number> {
    const now = this.now();
    const retention = this.settings.offsetsRetentionMs;
    let expired = 0;
    for (const group of [...this.coordinator.groups.values()]) {
      if (group.state !== 'Empty') continue;
      // The empty classic record a KIP-848 group's offsets leave at load: expired with the group below.
      if (this.consumerGroups?.get(group.groupId) !== undefined) continue;
      const stored = this.byGroup.get(group.groupId);
      const records: KeyedRecord[] = [];
      for (const [k, v] of stored ?? []) {
        const since =
          group.protocolType === null ? v.commitTimestamp : Math.max(group.stateTimestamp, v.commitTimestamp);
        if (now - since < retention) continue;
        stored!.delete(k);
        records.push({
          key: encodeOffsetCommitKey({ group: group.groupId, topic: v.topic, partition: v.partition }),
          value: null,
        });
        expired++;
      }
      if (records.length > 0) await this.log.append(records);
      // Kafka likewise drops an empty group once nothing of it is left to remember.
      if ((stored?.size ?? 0) === 0) await this.removeGroup(group);
    }
    for (const group of [...(this.consumerGroups?.groups.values() ?? [])]) {
      expired += await this.expireConsumerGroup(group, now - retention);
    }
    return expired;
  }

  /**
   * Kafka's cleanup of a KIP-848 group: offsets of topics it does not subscribe to expire
   * offsets.retention.minutes after their commit; once none is left and the group has no members,
   * the group goes too (its records get tombstones, as by DeleteGroups).
   */
  private async expireConsumerGroup(group: ConsumerGroup, committedBefore: number): Promise<number> {
    const subscribed = subscribedTopicsOf(group);
    const stored = this.byGroup.get(group.groupId);
    const records: KeyedRecord[] = [];
    for (const [k, v] of stored ?? []) {
      if (subscribed.has(v.topic) || v.commitTimestamp > committedBefore) continue;
      stored!.delete(k);
      records.push({
        key: encodeOffsetCommitKey({ group: group.groupId, topic: v.topic, partition: v.partition }),
        value: null,
      });
    }
    const expired = records.length;
    if ((stored?.size ?? 0) === 0 && group.members.size === 0) {
      records.push(...this.consumerGroupStore!.deletionRecords(group.groupId));
      this.byGroup.delete(group.groupId);
      const placeholder = this.coordinator.get(group.groupId);
      if (placeholder) this.coordinator.delete(placeholder);
    }
    if (records.length > 0) await this.log.append(records);
    return expired;
  }
}

/** The GroupMetadata record of a classic group as it stands (members, assignments, generation). */
export function groupMetadataRecord(group: ClassicGroup): KeyedRecord {
  const value = encodeGroupMetadataValue({
    protocolType: group.protocolType ?? '',
    generation: group.generationId,
    protocol: group.protocolName,
    leader: group.leaderId,
    currentStateTimestamp: group.stateTimestamp,
    members: [...group.members.values()].map((m) => ({
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      clientId: m.clientId,
      clientHost: m.clientHost,
      rebalanceTimeoutMs: m.rebalanceTimeoutMs,
      sessionTimeoutMs: m.sessionTimeoutMs,
      subscription: group.metadataOf(m),
      assignment: m.assignment,
    })),
  });
  return { key: encodeGroupMetadataKey(group.groupId), value };
}
