/**
 * chain-topics.json: the topic table a chain node keeps. Files written before replication
 * factors and moves existed read as before; placement overrides, moves in progress and the
 * reassignment version survive a write and a read; malformed entries are dropped, not trusted.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CHAIN_TOPICS_FILE, readTopicTable, writeTopicTable } from '../src/chain/topic-table.js';
import type { TopicInfo } from '../src/topics/registry.js';

const dirs: string[] = [];
function dir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'kilgore-topic-table-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('chain-topics.json', () => {
  it('reads a file from before factors and moves as it was', () => {
    const d = dir();
    fs.writeFileSync(
      path.join(d, CHAIN_TOPICS_FILE),
      JSON.stringify([{ name: 'old', id: 'x', partitions: 3 }]),
    );
    expect(readTopicTable(d)).toEqual([{ name: 'old', id: 'x', partitions: 3 }]);
  });

  it('keeps placement overrides, moves in progress and the reassignment version', () => {
    const d = dir();
    const t: TopicInfo = {
      name: 'moving',
      id: 'y',
      partitions: 4,
      replicationFactor: 2,
      partitionReplicationFactors: { 1: 2 },
      placedOn: { 1: 'b' },
      moves: {
        1: { to: 'b', factor: 2, from: 'a', fromFactor: -1, switched: true },
        3: { to: 'c', factor: 1, from: 'a', fromFactor: 2, switched: false },
      },
      reassignmentVersion: 3,
    };
    writeTopicTable(d, [t]);
    expect(readTopicTable(d)).toEqual([t]);
  });

  it('drops malformed placements and moves instead of trusting them', () => {
    const d = dir();
    fs.writeFileSync(
      path.join(d, CHAIN_TOPICS_FILE),
      JSON.stringify([
        {
          name: 't',
          id: 'z',
          partitions: 2,
          placedOn: { 0: 7 },
          moves: { 0: { to: 'b', factor: 'two', from: 'a', fromFactor: -1, switched: false } },
        },
      ]),
    );
    expect(readTopicTable(d)).toEqual([{ name: 't', id: 'z', partitions: 2 }]);
  });
});
