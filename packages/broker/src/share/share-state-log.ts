import type { OffsetsLog } from '../groups/offsets-log.js';
import type { ShareStateBackend, ShareStateKey, StoredSharePartition } from './share-state-store.js';

/** Kafka's internal topic for share-partition state; Kilgore's records are its own (README). */
export const SHARE_STATE_TOPIC = '__share_group_state';

function keyOf(k: ShareStateKey): Buffer {
  return Buffer.from(JSON.stringify([k.groupId, k.topicId, k.partition]));
}

/**
 * Share-partition state as records of `__share_group_state` (one partition, placed with
 * `__consumer_offsets`-0, so on a chain the group coordinator's head writes it and its chain
 * replicates it like any partition). Key: [group, topic id, partition]; value: the whole state
 * after a change (JSON), the latest record per key wins, a null value forgets the key; the topic
 * is compacted. Appends wait for the chain's ack, so a state a client was answered on survives
 * the head. Replayed when a node becomes the coordinator.
 */
export class ShareStateLog implements ShareStateBackend {
  /** The latest append: a request whose change another request's write took along waits for it. */
  private last: Promise<void> = Promise.resolve();

  constructor(private readonly log: OffsetsLog) {}

  async loadAll(onBad: (what: string, err: unknown) => void): Promise<StoredSharePartition[]> {
    const latest = new Map<string, StoredSharePartition | null>();
    for await (const r of this.log.replay()) {
      const key = r.key.toString();
      if (r.value === null) {
        latest.set(key, null);
        continue;
      }
      try {
        const s = JSON.parse(r.value.toString()) as StoredSharePartition;
        if (typeof s.groupId !== 'string' || !Array.isArray(s.runs) || typeof s.startOffset !== 'number') {
          throw new Error('not a share-partition state');
        }
        latest.set(key, s);
      } catch (err) {
        onBad(`${SHARE_STATE_TOPIC} record ${key}`, err); // the one before it stands
      }
    }
    return [...latest.values()].filter((s): s is StoredSharePartition => s !== null);
  }

  /**
   * Appends the changes; with none, the latest append still pending: the change this request
   * made may have been taken along by a concurrent request's append, and must be stored before
   * this one answers too. Appends are serialised, so the latest settling means all before it did.
   */
  write(states: readonly StoredSharePartition[], deleted: readonly ShareStateKey[]): Promise<void> {
    if (states.length === 0 && deleted.length === 0) return this.last;
    this.last = this.log.append([
      ...states.map((s) => ({ key: keyOf(s), value: Buffer.from(JSON.stringify(s)) })),
      ...deleted.map((k) => ({ key: keyOf(k), value: null })),
    ]);
    return this.last;
  }

  close(): void {}
}
