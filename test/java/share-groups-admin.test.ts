import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../support/broker.js';
import { JavaDriver, one } from '../support/java.js';

// Share groups (KIP-932) as the Java Admin client 4.1.1 and `kafka-share-groups.sh` (Apache Kafka
// 4.1.1's ShareGroupCommand, run in-JVM by Tools.java) see them: ListGroups by type,
// ShareGroupDescribe, DescribeShareGroupOffsets and DeleteGroups.

const shareGroupsTool = 'org.apache.kafka.tools.consumer.group.ShareGroupCommand'; // kafka-share-groups.sh

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

async function shareGroups(...args: string[]): Promise<{ exit: number; stdout: string; stderr: string }> {
  const [line] = await tools.run('tool', shareGroupsTool, '', '--bootstrap-server', tb.bootstrap, ...args);
  if (line?.error)
    throw new Error(`kafka-share-groups ${args.join(' ')} threw ${line.error}\n${line.stderr}`);
  return {
    exit: (line!.exit as number | null) ?? 0,
    stdout: String(line!.stdout),
    stderr: String(line!.stderr),
  };
}

describe('share groups through the Admin client and kafka-share-groups', () => {
  it('the Admin client lists, describes and reads the start offsets of a live share group', async () => {
    await clients.run('produce', tb.bootstrap, 'share-admin', 40);
    const r = one(await clients.run('admin', tb.bootstrap, 'share-admin', 'g-admin', 40), 'admin');
    expect(r).toMatchObject({
      seen: 40,
      listedType: 'Share',
      listedState: 'Stable',
      describedState: 'Stable',
      members: 2,
    });
    expect(r.groupEpoch as number).toBeGreaterThan(0);
    // Both members are assigned the topic's one partition.
    expect(r.assignments).toEqual(['[share-admin-0]', '[share-admin-0]']);
    expect(r.startOffsets).toEqual({ 'share-admin-0': 40 });
  }, 120_000);

  it('kafka-share-groups --describe --members shows the live members and their assignment', async () => {
    const holding = clients.run('hold', tb.bootstrap, 'share-admin', 'g-admin', 12_000);
    let members = '';
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      const run = await shareGroups('--describe', '--group', 'g-admin', '--members');
      expect(run.exit, run.stderr).toBe(0);
      members = run.stdout;
      if (members.split('\n').filter((l) => l.startsWith('g-admin')).length === 2) break;
      await new Promise((r) => setTimeout(r, 300));
    }
    const rows = members.split('\n').filter((l) => l.startsWith('g-admin'));
    expect(rows, members).toHaveLength(2);
    for (const row of rows) expect(row).toContain('share-admin:0');
    await holding;
  }, 120_000);

  it('kafka-share-groups --list, --describe and --delete', async () => {
    const list = await shareGroups('--list');
    expect(list.exit, list.stderr).toBe(0);
    expect(list.stdout.split('\n')).toContain('g-admin');

    const describe = await shareGroups('--describe', '--group', 'g-admin');
    expect(describe.exit, describe.stderr).toBe(0);
    // GROUP TOPIC PARTITION START-OFFSET ...
    expect(describe.stdout).toMatch(/g-admin\s+share-admin\s+0\s+40/);

    const state = await shareGroups('--describe', '--group', 'g-admin', '--state');
    expect(state.exit, state.stderr).toBe(0);
    expect(state.stdout).toMatch(/g-admin\s+127\.0\.0\.1:\d+\s+\(1\)\s+Empty\s+0/);

    const del = await shareGroups('--delete', '--group', 'g-admin');
    expect(del.exit, del.stderr).toBe(0);
    expect(del.stdout).toContain('g-admin');
    expect((await shareGroups('--list')).stdout.split('\n')).not.toContain('g-admin');
    expect(tb.broker.context.share.partitionsOf('g-admin')).toEqual([]);
  }, 120_000);
});
