import type { Logger } from 'pino';
import type { BrokerConfig } from '../config/broker-config.js';
import { ShareGroups } from './share-group.js';
import { SharePartition } from './share-partition.js';
import { ShareSessions } from './share-sessions.js';
import { type ShareSettings, shareSettings } from './share-settings.js';
import type { ShareStateBackend, ShareStateKey, StoredSharePartition } from './share-state-store.js';

/** One share-partition and whose it is. */
export interface ShareGroupPartition {
  readonly groupId: string;
  readonly topicId: string;
  readonly topic: string;
  readonly partition: number;
  readonly state: SharePartition;
}

/**
 * Share groups on this node: membership (in memory), share sessions (in memory) and the
 * share-partition state (durable: in the data dir on one node, in `__share_group_state` on a
 * chain). Kafka splits this between its group coordinator, the share-partition leader and the
 * share coordinator; one node holds all three (docs/replication.md: Share groups).
 */
export class ShareCoordinator {
  readonly settings: ShareSettings;
  readonly groups: ShareGroups;
  readonly sessions = new ShareSessions();
  /** groupId -> "topicId:partition" -> share-partition. */
  private readonly partitions = new Map<string, Map<string, ShareGroupPartition>>();
  /** States forgotten since the last write (DeleteGroups, DeleteShareGroupOffsets). */
  private deleted: ShareStateKey[] = [];

  constructor(
    config: BrokerConfig,
    private readonly log: Logger,
    private readonly store: ShareStateBackend,
  ) {
    this.settings = shareSettings(config);
    this.groups = new ShareGroups({
      sessionTimeoutMs: this.settings.sessionTimeoutMs,
      onMemberGone: (groupId, memberId) => this.memberGone(groupId, memberId),
    });
  }

  /** Reads every stored share-partition back; acquisitions did not survive, delivery counts did. */
  async load(): Promise<void> {
    this.unload();
    for (const s of await this.store.loadAll((what, err) =>
      this.log.warn({ what, err }, 'share state entry skipped'),
    )) {
      this.groups.ensure(s.groupId);
      this.byGroup(s.groupId).set(`${s.topicId}:${s.partition}`, {
        groupId: s.groupId,
        topicId: s.topicId,
        topic: s.topic,
        partition: s.partition,
        state: new SharePartition(this.limits(), s),
      });
    }
  }

  /** The share-partition of a group, created (uninitialised) on first use. */
  partition(groupId: string, topicId: string, topic: string, partition: number): ShareGroupPartition {
    const parts = this.byGroup(groupId);
    const key = `${topicId}:${partition}`;
    let p = parts.get(key);
    if (!p) {
      this.groups.ensure(groupId); // a group with state is a share group, members or not
      p = { groupId, topicId, topic, partition, state: new SharePartition(this.limits()) };
      parts.set(key, p);
    }
    return p;
  }

  /** Every share-partition a group has state for. */
  partitionsOf(groupId: string): ShareGroupPartition[] {
    return [...(this.partitions.get(groupId)?.values() ?? [])];
  }

  /**
   * Writes every changed share-partition; called before a request that changed them answers.
   * Undefined when written (the data dir), else a promise that settles once stored (a chain's
   * ack): await it before answering.
   */
  persist(): Promise<void> | undefined {
    const states: StoredSharePartition[] = [];
    for (const parts of this.partitions.values()) {
      for (const p of parts.values()) {
        if (!p.state.dirty) continue;
        states.push({
          groupId: p.groupId,
          topicId: p.topicId,
          topic: p.topic,
          partition: p.partition,
          ...p.state.snapshot(),
        });
        p.state.dirty = false;
      }
    }
    const deleted = this.deleted;
    this.deleted = [];
    const written = this.store.write(states, deleted);
    // Not stored (the chain did not ack in time): the next write takes these changes again.
    written?.catch(() => {
      for (const s of states)
        this.partitions.get(s.groupId)?.get(`${s.topicId}:${s.partition}`)?.state.markDirty();
      this.deleted.push(...deleted);
    });
    return written;
  }

  /**
   * Forgets every group, member, session and state held here (this node stopped being the
   * coordinator on a chain; the new one replays them from the replicated log).
   */
  unload(): void {
    for (const parts of this.partitions.values()) for (const p of parts.values()) p.state.close();
    this.partitions.clear();
    this.deleted = [];
    this.groups.close();
    this.groups.groups.clear();
    this.sessions.clear();
  }

  /** AlterShareGroupOffsets on an empty group: the share-partition starts at `offset`, nothing in flight. */
  alterStartOffset(groupId: string, topicId: string, topic: string, partition: number, offset: number): void {
    this.partition(groupId, topicId, topic, partition).state.reset(offset);
  }

  /** DeleteShareGroupOffsets on an empty group: its state for a topic goes; the next fetch starts afresh. */
  deleteTopicState(groupId: string, topicId: string): void {
    const parts = this.partitions.get(groupId);
    for (const p of this.partitionsOf(groupId)) {
      if (p.topicId !== topicId) continue;
      p.state.close();
      this.deleted.push({ groupId, topicId: p.topicId, partition: p.partition });
      parts?.delete(`${p.topicId}:${p.partition}`);
    }
  }

  /** DeleteGroups: forgets an empty group and its state; false if it has members. */
  deleteGroup(groupId: string): boolean {
    if (!this.groups.delete(groupId)) return false;
    for (const p of this.partitionsOf(groupId)) {
      p.state.close();
      this.deleted.push({ groupId, topicId: p.topicId, partition: p.partition });
    }
    this.partitions.delete(groupId);
    return true;
  }

  close(): void {
    void this.persist()?.catch(() => {}); // a chain is stopping too: the next head has what was acked
    this.store.close();
    this.groups.close();
    for (const parts of this.partitions.values()) for (const p of parts.values()) p.state.close();
  }

  /** A member left or timed out: its session ends and what it held is released. */
  private memberGone(groupId: string, memberId: string): void {
    this.sessions.drop(groupId, memberId);
    for (const p of this.partitionsOf(groupId)) p.state.releaseAll(memberId);
    this.persist()?.catch((err: unknown) => this.log.warn({ err, groupId }, 'share state not written'));
  }

  private byGroup(groupId: string): Map<string, ShareGroupPartition> {
    let parts = this.partitions.get(groupId);
    if (!parts) {
      parts = new Map();
      this.partitions.set(groupId, parts);
    }
    return parts;
  }

  private limits() {
    return {
      recordLockDurationMs: this.settings.recordLockDurationMs,
      deliveryCountLimit: this.settings.deliveryCountLimit,
      maxInFlight: this.settings.maxInFlight,
    };
  }
}
