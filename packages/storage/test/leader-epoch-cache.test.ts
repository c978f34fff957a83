import fs from 'node:fs';
import path from 'node:path';
import {
  LEADER_EPOCH_CHECKPOINT,
  LeaderEpochCache,
  LogManager,
  MemoryDirectory,
  parseEpochCheckpoint,
} from '@kilgore/storage';
import { describe, expect, it } from 'vitest';
import { makeBatch, tempDir } from './helpers/batches.js';

describe('LeaderEpochCache', () => {
  const cache = () => {
    const c = new LeaderEpochCache(new MemoryDirectory());
    c.assign(1, 0);
    c.assign(1, 5); // same epoch: no entry
    c.assign(3, 10);
    c.assign(2, 12); // older than the latest: ignored, as Kafka does
    c.assign(5, 20);
    return c;
  };

  it('answers endOffsetForEpoch as Kafka does', () => {
    const c = cache();
    expect(c.entries).toEqual([
      { epoch: 1, startOffset: 0 },
      { epoch: 3, startOffset: 10 },
      { epoch: 5, startOffset: 20 },
    ]);
    expect(c.endOffsetForEpoch(5, 30)).toEqual({ epoch: 5, endOffset: 30 }); // latest: the log end
    expect(c.endOffsetForEpoch(3, 30)).toEqual({ epoch: 3, endOffset: 20 });
    expect(c.endOffsetForEpoch(4, 30)).toEqual({ epoch: 3, endOffset: 20 }); // bracketed: floor epoch
    expect(c.endOffsetForEpoch(0, 30)).toEqual({ epoch: 0, endOffset: 0 }); // older than all
    expect(c.endOffsetForEpoch(6, 30)).toEqual({ epoch: -1, endOffset: -1 }); // newer than all
    expect(c.endOffsetForEpoch(-1, 30)).toEqual({ epoch: -1, endOffset: -1 });
  });

  it('trims epochs that start at or after a truncation point', () => {
    const c = cache();
    c.truncateFromEnd(20);
    expect(c.latestEpoch).toBe(3);
    c.truncateFromEnd(10);
    expect(c.entries).toEqual([{ epoch: 1, startOffset: 0 }]);
  });

  it('parses only well-formed version-0 checkpoints', () => {
    expect(parseEpochCheckpoint('0\n2\n1 0\n4 7\n')).toEqual([
      { epoch: 1, startOffset: 0 },
      { epoch: 4, startOffset: 7 },
    ]);
    expect(parseEpochCheckpoint('1\n0\n')).toBeUndefined();
    expect(parseEpochCheckpoint('0\n2\n1 0\n')).toBeUndefined();
    expect(parseEpochCheckpoint('0\n2\n4 0\n1 7\n')).toBeUndefined();
    expect(parseEpochCheckpoint('0\n1\nx y\n')).toBeUndefined();
  });
});

describe('the partition log keeps its epoch cache', () => {
  it('writes Kafka’s checkpoint on appends, trims it on truncation, and survives a reopen', async () => {
    const dir = tempDir();
    let m = await LogManager.open({ dir, background: false });
    let log = m.createPartition('t', 0);
    await log.append(makeBatch(3), { leaderEpoch: 1 });
    await log.append(makeBatch(2), { leaderEpoch: 1 });
    await log.append(makeBatch(4), { leaderEpoch: 4 });
    const file = path.join(dir, 't-0', LEADER_EPOCH_CHECKPOINT);
    expect(fs.readFileSync(file, 'utf8')).toBe('0\n2\n1 0\n4 5\n');
    expect(log.endOffsetForEpoch(1)).toEqual({ epoch: 1, endOffset: 5 });
    expect(log.endOffsetForEpoch(4)).toEqual({ epoch: 4, endOffset: 9 });
    await log.truncateTo(5);
    expect(fs.readFileSync(file, 'utf8')).toBe('0\n1\n1 0\n');
    await log.append(makeBatch(1), { leaderEpoch: 6 });
    await m.close();

    m = await LogManager.open({ dir, background: false });
    log = m.get('t', 0)!;
    expect(log.epochs.entries).toEqual([
      { epoch: 1, startOffset: 0 },
      { epoch: 6, startOffset: 5 },
    ]);
    await m.close();
  });

  it('rebuilds the cache from the batches after an unclean shutdown or a lost file', async () => {
    const dir = tempDir();
    let m = await LogManager.open({ dir, background: false });
    const log = m.createPartition('t', 0);
    await log.append(makeBatch(2), { leaderEpoch: 2 });
    await log.append(makeBatch(2), { leaderEpoch: 3 });
    await log.flush();
    const file = path.join(dir, 't-0', LEADER_EPOCH_CHECKPOINT);
    fs.writeFileSync(file, 'garbage'); // and no clean-shutdown marker: the process "crashed"
    m = await LogManager.open({ dir, background: false });
    expect(m.get('t', 0)!.epochs.entries).toEqual([
      { epoch: 2, startOffset: 0 },
      { epoch: 3, startOffset: 2 },
    ]);
    expect(fs.readFileSync(file, 'utf8')).toBe('0\n2\n2 0\n3 2\n');
    await m.close();
  });
});
