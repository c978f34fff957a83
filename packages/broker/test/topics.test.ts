import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type TopicError, TopicRegistry } from '@kilgore/broker';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { tempDir } from './temp-dir.js';

const log = pino({ level: 'silent' });

/** The TopicError `f` throws, if any. */
function failure(f: () => unknown): TopicError | undefined {
  try {
    f();
  } catch (e) {
    return e as TopicError;
  }
  return undefined;
}

describe('TopicRegistry', () => {
  it('creates topics with a stable id persisted in partition.metadata', () => {
    const dir = tempDir('kilgore-topics-');
    const a = new TopicRegistry(dir, log);
    a.load();
    const t = a.create('orders', 3);
    expect(t.id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(readFileSync(join(dir, 'orders-2', 'partition.metadata'), 'utf8')).toBe(
      `version: 0\ntopic_id: ${t.id}\n`,
    );
    const b = new TopicRegistry(dir, log);
    b.load();
    expect(b.get('orders')).toEqual(t);
    expect(b.byId(t.id)?.name).toBe('orders');
  });

  it('refuses bad names, duplicates, colliding names and bad partition counts with Kafka codes', () => {
    const r = new TopicRegistry(tempDir('kilgore-topics-'), log);
    r.load();
    r.create('a.b', 1);
    const code = (f: () => unknown): number | undefined => failure(f)?.code;
    expect(code(() => r.create('a.b', 1))).toBe(36);
    expect(code(() => r.create('a_b', 1))).toBe(17);
    expect(code(() => r.create('bad name', 1))).toBe(17);
    expect(code(() => r.create('x'.repeat(250), 1))).toBe(17);
    expect(code(() => r.create('ok', 0))).toBe(37);
    expect(code(() => r.delete('missing'))).toBe(3);
  });

  it('refuses topics and partitions beyond the node-wide partition limit, and counts deletes', () => {
    const dir = tempDir('kilgore-topics-');
    const r = new TopicRegistry(dir, log, 10);
    r.load();
    r.create('a', 6);
    expect(failure(() => r.create('b', 5))?.code).toBe(44);
    expect(failure(() => r.create('b', 5))?.message).toContain('kilgore.max.partitions (10)');
    expect(existsSync(join(dir, 'b-0'))).toBe(false);
    r.create('b', 4);
    expect(failure(() => r.grow('b', 5))?.code).toBe(44);
    r.delete('a');
    expect(r.grow('b', 10).partitions).toBe(10);
    expect(r.totalPartitions()).toBe(10);
  });

  it('deletes partition dirs and grows partitions', () => {
    const dir = tempDir('kilgore-topics-');
    const r = new TopicRegistry(dir, log);
    r.load();
    const t = r.create('t', 1);
    expect(r.grow('t', 3).partitions).toBe(3);
    expect(readFileSync(join(dir, 't-2', 'partition.metadata'), 'utf8')).toContain(t.id);
    r.delete('t');
    expect(existsSync(join(dir, 't-0'))).toBe(false);
    expect(r.list()).toEqual([]);
  });

  it('adopts partition dirs written without partition.metadata', () => {
    const dir = tempDir('kilgore-topics-');
    mkdirSync(join(dir, 'legacy-0'));
    mkdirSync(join(dir, 'legacy-1'));
    mkdirSync(join(dir, 'legacy-0.abc-delete'));
    const r = new TopicRegistry(dir, log);
    r.load();
    expect(r.list().map((t) => [t.name, t.partitions])).toEqual([['legacy', 2]]);
    expect(readFileSync(join(dir, 'legacy-1', 'partition.metadata'), 'utf8')).toContain(r.get('legacy')!.id);
  });
});
