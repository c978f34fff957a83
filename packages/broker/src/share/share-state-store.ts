import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SharePartitionSnapshot } from './share-partition.js';

/** What one state file holds: a share-partition's durable state and whose it is. */
export interface StoredSharePartition extends SharePartitionSnapshot {
  groupId: string;
  topicId: string;
  topic: string;
  partition: number;
}

/**
 * Share-partition state in the data dir, one small JSON file per (group, topic id, partition),
 * replaced whole by write-then-rename so a kill at any moment leaves the old or the new state,
 * never a torn one. Kafka keeps this in `__share_group_state` through its share coordinator;
 * on one node a file per partition is simpler and is written before the answer goes out, so an
 * acknowledgement the client saw acknowledged survives a kill -9 (README: Share groups).
 */
export class ShareStateStore {
  private readonly dir: string;

  constructor(logDir: string) {
    this.dir = join(logDir, 'share-state');
  }

  private path(groupId: string, topicId: string, partition: number): string {
    return join(this.dir, `${Buffer.from(groupId).toString('hex')}.${topicId}.${partition}.json`);
  }

  /** Every stored share-partition; files that do not parse are skipped (and reported). */
  loadAll(onBad: (file: string, err: unknown) => void): StoredSharePartition[] {
    if (!existsSync(this.dir)) return [];
    const out: StoredSharePartition[] = [];
    for (const f of readdirSync(this.dir)) {
      if (!f.endsWith('.json')) continue;
      try {
        const s = JSON.parse(readFileSync(join(this.dir, f), 'utf8')) as StoredSharePartition;
        if (typeof s.groupId !== 'string' || !Array.isArray(s.runs) || typeof s.startOffset !== 'number') {
          throw new Error('not a share-partition state file');
        }
        out.push(s);
      } catch (err) {
        onBad(f, err);
      }
    }
    return out;
  }

  save(state: StoredSharePartition): void {
    mkdirSync(this.dir, { recursive: true });
    const path = this.path(state.groupId, state.topicId, state.partition);
    writeFileSync(`${path}.tmp`, JSON.stringify(state));
    renameSync(`${path}.tmp`, path);
  }

  delete(groupId: string, topicId: string, partition: number): void {
    rmSync(this.path(groupId, topicId, partition), { force: true });
  }
}
