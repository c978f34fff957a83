import { afterEach, describe, expect, it } from 'vitest';
import { batch, freePort, logBytes, produce, startNode, type TestNode, until } from './helpers/node.js';

const nodes: TestNode[] = [];
afterEach(async () => {
  for (const n of nodes.splice(0)) await n.stop().catch(() => {});
});

const chainOf = (port: number, ids: number[]) => `a=${ids.map((i) => `${i}@127.0.0.${i}:${port}`).join(',')}`;

describe('chain engine over TCP', () => {
  it('pipelines and coalesces appends head to tail and commits only what the tail has', async () => {
    const port = await freePort();
    const topics = new Map([['t', 2]]);
    nodes.push(
      ...(await Promise.all([1, 2, 3].map((id) => startNode(id, chainOf(port, [1, 2, 3]), port, topics)))),
    );
    const [head, middle, tail] = nodes as [TestNode, TestNode, TestNode];
    await head.replicator.whenOpen();
    await until(() => head.replicator.forwarder?.streaming === true);
    const epoch = head.replicator.currentEpoch;
    expect(epoch).toBeGreaterThan(0);

    // 400 appends without waiting for each other: many messages in flight, several per message.
    const appends: Promise<number>[] = [];
    for (let i = 0; i < 400; i++) appends.push(produce(head, 't', i % 2, batch(3, `b${i}`)));
    await Promise.all(appends);
    for (const p of [0, 1]) {
      const leo = head.manager.get('t', p)!.logEndOffset;
      expect(leo).toBe(600);
      await until(() => head.manager.get('t', p)!.highWatermark === leo);
      expect(tail.manager.get('t', p)!.logEndOffset).toBe(leo);
      expect(middle.manager.get('t', p)!.highWatermark).toBe(leo);
      expect(logBytes(middle, 't', p).equals(logBytes(head, 't', p))).toBe(true);
      expect(logBytes(tail, 't', p).equals(logBytes(head, 't', p))).toBe(true);
      // The chain epoch is in every stored batch and in every node's epoch cache.
      expect(tail.manager.get('t', p)!.epochs.entries).toEqual([{ epoch, startOffset: 0 }]);
    }
    const stats = head.replicator.forwarder!.stats;
    expect(stats.messages).toBeLessThan(400);
    expect(middle.replicator.epochOf('a')).toBe(epoch);
  });

  it('never moves the high watermark past what an unreachable tail has', async () => {
    const port = await freePort();
    const topics = new Map([['t', 1]]);
    nodes.push(
      ...(await Promise.all([1, 2, 3].map((id) => startNode(id, chainOf(port, [1, 2, 3]), port, topics)))),
    );
    const [head, , tail] = nodes as [TestNode, TestNode, TestNode];
    await head.replicator.whenOpen();
    await produce(head, 't', 0, batch(5, 'before'));
    await until(() => head.manager.get('t', 0)!.highWatermark === 5);
    await tail.stop();
    nodes.pop();
    await produce(head, 't', 0, batch(5, 'after'));
    await new Promise((r) => setTimeout(r, 500));
    expect(head.manager.get('t', 0)!.logEndOffset).toBe(10);
    expect(head.manager.get('t', 0)!.highWatermark).toBe(5);
  });

  it('brings a new member with an empty disk up to date, then keeps streaming', async () => {
    const port = await freePort();
    const topics = new Map([['t', 1]]);
    nodes.push(
      ...(await Promise.all([1, 2].map((id) => startNode(id, chainOf(port, [1, 2]), port, topics)))),
    );
    const [head, second] = nodes as [TestNode, TestNode];
    await head.replicator.whenOpen();
    for (let i = 0; i < 50; i++) await produce(head, 't', 0, batch(20, `old${i}`));
    await until(() => head.manager.get('t', 0)!.highWatermark === 1000);

    // Node 3 joins at the tail: every node gets the new membership.
    const three = chainOf(port, [1, 2, 3]);
    const third = await startNode(3, three, port, topics);
    nodes.push(third);
    head.source.set(third.source.current());
    second.source.set(third.source.current());
    await head.replicator.whenOpen();
    for (let i = 0; i < 10; i++) await produce(head, 't', 0, batch(20, `new${i}`));
    await until(() => head.manager.get('t', 0)!.highWatermark === 1200);
    expect(third.manager.get('t', 0)!.logEndOffset).toBe(1200);
    expect(logBytes(third, 't', 0).equals(logBytes(head, 't', 0))).toBe(true);
    // Two epochs: the first chain's and the re-formed one's.
    expect(third.manager.get('t', 0)!.epochs.entries.map((e) => e.startOffset)).toEqual([0, 1000]);
  });

  it('truncates a divergent uncommitted suffix on a successor before streaming', async () => {
    const port = await freePort();
    const topics = new Map([['t', 1]]);
    nodes.push(
      ...(await Promise.all([1, 2].map((id) => startNode(id, chainOf(port, [1, 2]), port, topics)))),
    );
    const [head, second] = nodes as [TestNode, TestNode];
    await head.replicator.whenOpen();
    await produce(head, 't', 0, batch(10, 'common'));
    await until(() => head.manager.get('t', 0)!.highWatermark === 10);
    // A suffix only node 2 has, from an epoch the head never wrote (as if from a dead old head).
    await second.stop();
    nodes.pop();
    const stale = await startNode(2, 'a=2@127.0.0.2:1', port + 1, topics, second.dir);
    await stale.replicator.whenOpen();
    await produce(stale, 't', 0, batch(7, 'divergent'));
    await stale.stop();
    // Meanwhile the head wrote something else at the same offsets, in its own epoch.
    await produce(head, 't', 0, batch(3, 'head-only'));
    const back = await startNode(2, chainOf(port, [1, 2]), port, topics, second.dir);
    nodes.push(back);
    // The forwarder reconnects, finds where node 2 diverges (offset 10, the end of the epoch both
    // share), has it cut its suffix and streams the head's records from there.
    await until(
      () => back.manager.get('t', 0)!.logEndOffset === 13 && head.manager.get('t', 0)!.highWatermark === 13,
    );
    expect(logBytes(back, 't', 0).equals(logBytes(head, 't', 0))).toBe(true);
    // Node 2 had seen a newer epoch (its solo chain's): the head learnt it is fenced and takes no
    // writes until the membership changes again.
    expect(head.replicator.isOpen).toBe(false);
  });

  it('copies the partitions a new chain takes over from the chain that had them', async () => {
    const port = await freePort();
    const topics = new Map([['t', 8]]);
    const one = `a=1@127.0.0.1:${port}`;
    const a = await startNode(1, one, port, topics);
    nodes.push(a);
    await a.replicator.whenOpen();
    for (let p = 0; p < 8; p++) await produce(a, 't', p, batch(5, `p${p}`));
    const two = `${one};b=2@127.0.0.2:${port}`;
    const b = await startNode(2, two, port, topics);
    nodes.push(b);
    a.source.set(b.source.current());
    await b.replicator.whenOpen();
    const moved = [...Array(8).keys()].filter((p) => b.replicator.hosts('t', p));
    expect(moved.length).toBeGreaterThan(0);
    expect(moved.length).toBeLessThan(8);
    for (const p of moved) {
      expect(b.manager.get('t', p)!.logEndOffset).toBe(5);
      expect(logBytes(b, 't', p).equals(logBytes(a, 't', p))).toBe(true);
      expect(a.replicator.writable('t', p)).not.toBe(0);
    }
  });
});
