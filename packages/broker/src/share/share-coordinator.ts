import type { Logger } from 'pino';
import type { BrokerConfig } from '../config/broker-config.js';
import { ShareGroups } from './share-group.js';
import { SharePartition } from './share-partition.js';
import { ShareSessions } from './share-sessions.js';
import { type ShareSettings, shareSettings } from './share-settings.js';
import { ShareStateStore } from './share-state-store.js';

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
 * share-partition state (durable, in the data dir). Kafka splits this between its group
 * coordinator, the share-partition leader and the share coordinator; one node holds all three.
 */
export class ShareCoordinator {
  readonly settings: ShareSettings;
  readonly groups: ShareGroups;
  readonly sessions = new ShareSessions();
  /** groupId -> "topicId:partition" -> share-partition. */
  private readonly partitions = new Map<string, Map<string, ShareGroupPartition>>();
  private readonly store: ShareStateStore;

  constructor(
    config: BrokerConfig,
    private readonly log: Logger,
  ) {
    this.settings = shareSettings(config);
    this.store = new ShareStateStore(config.logDir);
    this.groups = new ShareGroups({
      sessionTimeoutMs: this.settings.sessionTimeoutMs,
      onMemberGone: (groupId, memberId) => this.memberGone(groupId, memberId),
    });
  }

  /** Reads every stored share-partition back; acquisitions did not survive, delivery counts did. */
  load(): void {
    for (const s of this.store.loadAll((file, err) =>
      this.log.warn({ file, err }, 'share state file skipped'),
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

  /** Writes every changed share-partition; called before a request that changed them answers. */
  persist(): void {
    for (const parts of this.partitions.values()) {
      for (const p of parts.values()) {
        if (!p.state.dirty) continue;
        this.store.save({
          groupId: p.groupId,
          topicId: p.topicId,
          topic: p.topic,
          partition: p.partition,
          ...p.state.snapshot(),
        });
        p.state.dirty = false;
      }
    }
  }

  /** AlterShareGroupOffsets on an empty group: the share-partition starts at `offset`, nothing in flight. */
  alterStartOffset(groupId: string, topicId: string, topic: string, partition: number, offset: number): void {
    this.partition(groupId, topicId, topic, partition).state.reset(offset);
    this.persist();
  }

  /** DeleteShareGroupOffsets on an empty group: its state for a topic goes; the next fetch starts afresh. */
  deleteTopicState(groupId: string, topicId: string): void {
    const parts = this.partitions.get(groupId);
    for (const p of this.partitionsOf(groupId)) {
      if (p.topicId !== topicId) continue;
      p.state.close();
      this.store.delete(groupId, p.topicId, p.partition);
      parts?.delete(`${p.topicId}:${p.partition}`);
    }
  }

  /** DeleteGroups: forgets an empty group and its state; false if it has members. */
  deleteGroup(groupId: string): boolean {
    if (!this.groups.delete(groupId)) return false;
    for (const p of this.partitionsOf(groupId)) {
      p.state.close();
      this.store.delete(groupId, p.topicId, p.partition);
    }
    this.partitions.delete(groupId);
    return true;
  }

  close(): void {
    this.persist();
    this.store.close();
    this.groups.close();
    for (const parts of this.partitions.values()) for (const p of parts.values()) p.state.close();
  }

  /** A member left or timed out: its session ends and what it held is released. */
  private memberGone(groupId: string, memberId: string): void {
    this.sessions.drop(groupId, memberId);
    for (const p of this.partitionsOf(groupId)) p.state.releaseAll(memberId);
    this.persist();
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
