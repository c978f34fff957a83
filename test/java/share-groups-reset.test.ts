import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../support/broker.js';
import { JavaDriver, one } from '../support/java.js';

// AlterShareGroupOffsets and DeleteShareGroupOffsets (KIP-932) as the Java Admin client 4.1.1
// (alterShareGroupOffsets, what Kafka 4.2's `kafka-share-groups --reset-offsets --execute` does:
// 4.1.1's tool says "not yet implemented") and 4.1.1's `kafka-share-groups.sh --delete-offsets`
// send them; then a KafkaShareConsumer (ShareGroups.java) reads from the new start.

const shareGroupsTool = 'org.apache.kafka.tools.consumer.group.ShareGroupCommand'; // kafka-share-groups.sh
const topic = 'share-reset';
const group = 'g-reset';

let clients: JavaDriver;
let tools: JavaDriver;
let tb: TestBroker;
beforeAll(async () => {
  clients = JavaDriver.start('ShareGroups');
  tools = JavaDriver.start('Tools');
  tb = await startTestBroker({ 'group.share.auto.offset.reset': 'earliest' });
});
afterAll(async () => {
  await clients?.stop();
  await tools?.stop();
  await tb?.stop();
});

async function shareGroups(...args: string[]): Promise<{ exit: number; out: string }> {
  const [line] = await tools.run('tool', shareGroupsTool, '', '--bootstrap-server', tb.bootstrap, ...args);
  if (line?.error)
    throw new Error(`kafka-share-groups ${args.join(' ')} threw ${line.error}\n${line.stderr}`);
  return { exit: (line!.exit as number | null) ?? 0, out: `${line!.stdout}${line!.stderr}` };
}

/** One consumer takes what the group has to give; returns each offset's deliveries and delivery count. */
async function consume(expected: number, policy = 'accept') {
  const r = one(
    await clients.run('consume', tb.bootstrap, topic, group, 1, policy, expected, 60_000),
    'consumed',
  );
  expect(r.errors).toEqual([]);
  return {
    deliveries: r.deliveries as Record<string, number>,
    counts: r.deliveryCounts as Record<string, number>,
  };
}

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => String(from + i));
const sortedKeys = (o: Record<string, number>) => Object.keys(o).sort((a, b) => Number(a) - Number(b));

/** Admin.alterShareGroupOffsets to "earliest", "latest" or an offset: each partition's outcome. */
async function alterOffsets(to: string): Promise<Record<string, string>> {
  return one(await clients.run('alterOffsets', tb.bootstrap, group, topic, to), 'altered')
    .partitions as Record<string, string>;
}

async function startOffset(): Promise<string> {
  const d = await shareGroups('--describe', '--group', group);
  expect(d.exit, d.out).toBe(0);
  return d.out.match(new RegExp(`${group}\\s+${topic}\\s+0\\s+(\\S+)`))?.[1] ?? 'none';
}

describe('AlterShareGroupOffsets (Admin) and kafka-share-groups --delete-offsets', () => {
  it('reset to earliest drops acknowledged and archived state: everything comes again, first delivery', async () => {
    await clients.run('produce', tb.bootstrap, topic, 30);
    // Offsets % 5 == 1 rejected (archived), % 5 == 0 released once (delivery count 2).
    const first = await consume(30, 'mixed');
    expect(first.counts['0']).toBe(2);
    expect(await startOffset()).toBe('30');

    expect(await alterOffsets('earliest')).toEqual({ [`${topic}-0`]: 'ok 0' });
    expect(await startOffset()).toBe('0');

    const again = await consume(30);
    expect(sortedKeys(again.deliveries)).toEqual(range(0, 30));
    // Rejected ones too, and every delivery count starts over at 1.
    expect(new Set(Object.values(again.counts))).toEqual(new Set([1]));
  }, 180_000);

  it('reset to an offset and to latest move the start there', async () => {
    expect(await alterOffsets('12')).toEqual({ [`${topic}-0`]: 'ok 12' });
    expect(await startOffset()).toBe('12');
    expect(sortedKeys((await consume(18)).deliveries)).toEqual(range(12, 30));

    await alterOffsets('5');
    expect(await alterOffsets('latest')).toEqual({ [`${topic}-0`]: 'ok 30' });
    expect(await startOffset()).toBe('30');
    await clients.run('produce', tb.bootstrap, topic, 5);
    expect(sortedKeys((await consume(5)).deliveries)).toEqual(range(30, 35));
  }, 180_000);

  it('--delete-offsets forgets the topic: the next consumer starts from group.share.auto.offset.reset', async () => {
    const del = await shareGroups('--delete-offsets', '--group', group, '--topic', topic);
    expect(del.exit, del.out).toBe(0);
    expect(del.out).toMatch(new RegExp(`${topic}\\s+Successful`));
    expect(await startOffset()).toBe('none');
    expect(sortedKeys((await consume(35)).deliveries)).toEqual(range(0, 35));
  }, 180_000);

  it('unknown topics and partitions get UNKNOWN_TOPIC_OR_PARTITION', async () => {
    const del = await shareGroups('--delete-offsets', '--group', group, '--topic', 'no-such-topic');
    expect(del.out).toMatch(/no-such-topic\s+Error/);
    expect(await startOffset()).toBe('35');
  }, 60_000);

  it('a group with members is neither reset nor deleted: NON_EMPTY_GROUP, the start offset stays', async () => {
    // Its own JVM: a driver runs one scenario at a time, and the Admin calls must run meanwhile.
    const holder = JavaDriver.start('ShareGroups');
    const holding = holder.run('hold', tb.bootstrap, topic, group, 8_000).finally(() => holder.stop());
    const deadline = Date.now() + 6_000;
    let state = '';
    while (Date.now() < deadline && !state.includes('Stable')) {
      state = (await shareGroups('--describe', '--group', group, '--state')).out;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(state).toContain('Stable');
    const altered = await alterOffsets('earliest');
    const del = await shareGroups('--delete-offsets', '--group', group, '--topic', topic);
    await holding;
    expect(altered[`${topic}-0`]).toMatch(/^GroupNotEmptyException: /);
    expect(del.out).toMatch(/not empty/);
    expect(await startOffset()).toBe('35');
  }, 120_000);
});
