/**
 * The head's log start offset travels down the chain with ChainAppend (records or none), each
 * node takes it (never back, never past its high watermark), and the head learns when the tail
 * has it. In-process nodes over real TCP, as in engine.test.ts.
 */
import { parseChains } from '@kilgore/discovery';
import { afterEach, describe, expect, it } from 'vitest';
import { batch, freePort, produce, startNode, type TestNode, until } from './helpers/node.js';

const nodes: TestNode[] = [];
afterEach(async () => {
  for (const n of nodes.splice(0)) await n.stop().catch(() => {});
});

const chainOf = (port: number, ids: number[]) => `a=${ids.map((i) => `${i}@127.0.0.${i}:${port}`).join(',')}`;

async function threeNodes(topics: Map<string, number>): Promise<[TestNode, TestNode, TestNode]> {
  const port = await freePort();
  nodes.push(
    ...(await Promise.all([1, 2, 3].map((id) => startNode(id, chainOf(port, [1, 2, 3]), port, topics)))),
  );
  const [head] = nodes as [TestNode];
  await head.replicator.whenOpen();
  await until(() => head.replicator.forwarder?.streaming === true);
  return nodes as [TestNode, TestNode, TestNode];
}

const starts = (ns: TestNode[], p = 0) => ns.map((n) => n.manager.get('t', p)!.logStartOffset);
const highWatermarks = (ns: TestNode[], p = 0) => ns.map((n) => n.manager.get('t', p)!.highWatermark);

describe('log start offset down the chain', () => {
  it('a start-only entry moves every member, and the head hears when the tail has it', async () => {
    const [head, middle, tail] = await threeNodes(new Map([['t', 1]]));
    for (let i = 0; i < 5; i++) await produce(head, 't', 0, batch(4, `b${i}`));
    const log = head.manager.get('t', 0)!;
    await until(() => log.highWatermark === 20);
    await until(() => tail.manager.get('t', 0)!.highWatermark === 20);

    await log.deleteRecordsBefore(12);
    // No records follow: the forwarder sends the start offset alone.
    expect(await head.replicator.startOffsetReplicated('t', 0, 12, 5000)).toBe(true);
    expect(starts([head, middle, tail])).toEqual([12, 12, 12]);
    expect(head.replicator.chainLogStartOffset('t', 0)).toBe(12);
    expect(middle.replicator.chainLogStartOffset('t', 0)).toBe(12);
    // Below the start offset is gone everywhere; the logs still end at the same place.
    for (const n of [middle, tail]) {
      expect(() => n.manager.get('t', 0)!.read(8, 1 << 20, 20, true)).toThrow(/outside/);
      expect(n.manager.get('t', 0)!.logEndOffset).toBe(20);
    }

    // An offset already reached answers at once; an older start offset never moves one back.
    expect(await head.replicator.startOffsetReplicated('t', 0, 10, 1)).toBe(true);
    await produce(head, 't', 0, batch(4, 'later'));
    await until(() => tail.manager.get('t', 0)!.highWatermark === 24);
    expect(starts([head, middle, tail])).toEqual([12, 12, 12]);
  });

  it('a start offset moved without a message (retention at the head) still reaches the others', async () => {
    const [head, middle, tail] = await threeNodes(new Map([['t', 1]]));
    await produce(head, 't', 0, batch(10, 'r'));
    await until(() => highWatermarks([head, tail]).every((hw) => hw === 10));
    // As retention does: the log start offset moves and nobody is told.
    await head.manager.get('t', 0)!.deleteRecordsBefore(7);
    await until(() => starts([middle, tail]).every((s) => s === 7), 5000);
  });

  it('a new head takes the highest log start offset its members report', async () => {
    const [head, middle, tail] = await threeNodes(new Map([['t', 1]]));
    await produce(head, 't', 0, batch(10, 'n'));
    // Every member's high watermark, not only the tail's: the acks travel back up after the tail
    // has the records, and a new head takes a start offset only up to its own high watermark.
    await until(() => highWatermarks([head, middle, tail]).every((hw) => hw === 10));
    // Only the tail has moved (as if the old head's message reached it and the old head then went).
    await tail.manager.get('t', 0)!.deleteRecordsBefore(4);
    expect(starts([head, middle, tail])).toEqual([0, 0, 4]);
    // The chain re-forms with node 2 as head: it takes 4 before opening, and sends it down.
    const port = Number(tail.source.current()!.chains[0]!.members[0]!.port);
    const reformed = chainOf(port, [2, 1, 3]);
    for (const n of [head, middle, tail]) n.source.set(parseChains(reformed));
    await middle.replicator.whenOpen();
    expect(middle.manager.get('t', 0)!.logStartOffset).toBe(4);
    await until(() => head.manager.get('t', 0)!.logStartOffset === 4);
  });

  it('times out (false) while the tail is down, and the start offset arrives once it is back', async () => {
    const [head, middle, tail] = await threeNodes(new Map([['t', 1]]));
    await produce(head, 't', 0, batch(10, 'x'));
    await until(() => highWatermarks([head, tail]).every((hw) => hw === 10));
    const tailDir = tail.dir;
    await tail.stop();
    nodes.pop();
    await head.manager.get('t', 0)!.deleteRecordsBefore(6);
    expect(await head.replicator.startOffsetReplicated('t', 0, 6, 600)).toBe(false);
    // The middle has it (its high watermark allows it); the tail could not.
    await until(() => middle.manager.get('t', 0)!.logStartOffset === 6);

    const port = Number(middle.source.current()!.chains[0]!.members[2]!.port);
    const back = await startNode(3, chainOf(port, [1, 2, 3]), port, new Map([['t', 1]]), tailDir);
    nodes.push(back);
    expect(await head.replicator.startOffsetReplicated('t', 0, 6, 10_000)).toBe(true);
    expect(back.manager.get('t', 0)!.logStartOffset).toBe(6);
  });

  it('a node that rejoins empty starts at the head’s log start offset', async () => {
    const [head, , tail] = await threeNodes(new Map([['t', 1]]));
    for (let i = 0; i < 4; i++) await produce(head, 't', 0, batch(5, `b${i}`));
    // The head's own high watermark too: DeleteRecords cannot pass it.
    await until(() => highWatermarks([head, tail]).every((hw) => hw === 20));
    await head.manager.get('t', 0)!.deleteRecordsBefore(15);
    expect(await head.replicator.startOffsetReplicated('t', 0, 15, 5000)).toBe(true);
    const port = Number(tail.source.current()!.chains[0]!.members[2]!.port);
    await tail.stop();
    nodes.pop();
    const fresh = await startNode(3, chainOf(port, [1, 2, 3]), port, new Map([['t', 1]]));
    nodes.push(fresh);
    await until(() => fresh.manager.get('t', 0)?.logEndOffset === 20);
    expect(fresh.manager.get('t', 0)!.logStartOffset).toBe(15);
  });
});
