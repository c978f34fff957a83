import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JavaDriver, one } from '../support/java.js';
import { CONSUMER_GROUPS, kafkaTools, table } from '../support/kafka-tools.js';
import { type ServeProcess, startServe } from '../support/serve.js';
import { tempDir } from '../support/temp-dir.js';

// A KIP-848 group seen from outside, as Kafka 4.1.1's kafka-consumer-groups and Admin client see
// it: two Java members (group.protocol=consumer, GroupMembers.java) stay in the group while the
// tools list and describe it; DeleteGroups refuses while they are in; once they left the group is
// deleted, the `kilgore serve` process is killed with SIGKILL and started again on the same log
// dir, and the group must stay gone while a group that was not deleted comes back.

let members: JavaDriver;
let tools: JavaDriver;
let server: ServeProcess;
let logDir: string;
const { tool, ok } = kafkaTools(
  () => tools,
  () => server.bootstrap,
);
const groups = (args: string[]) => ok(CONSUMER_GROUPS, args);

beforeAll(async () => {
  logDir = tempDir('kilgore-cg-admin-');
  server = await startServe(['--log-dirs', logDir]);
  members = JavaDriver.start('GroupMembers');
  tools = JavaDriver.start('Tools');
});
afterAll(async () => {
  server?.child.kill('SIGKILL');
  await members?.stop();
  await tools?.stop();
});

describe('kafka-consumer-groups and the Admin client on a KIP-848 group', () => {
  it('a group that was not deleted first: one member commits and leaves', async () => {
    one(await members.run('join', server.bootstrap, 'cga-k', 1, 'cga-keep', 1, 10), 'joined');
    expect(one(await members.run('leave'), 'left').errors).toEqual([]);
  }, 120_000);

  it('two live members: --list --type, --describe --members/--offsets/--state, --delete-offsets refused, Admin listGroups/describe', async () => {
    const joined = one(await members.run('join', server.bootstrap, 'cga-t', 4, 'cga-g', 2, 40), 'joined');
    expect(Object.keys(joined.owned as object)).toEqual(['m0', 'm1']);

    const listed = table(await groups(['--list', '--type']));
    expect(listed).toEqual(
      expect.arrayContaining([
        { GROUP: 'cga-g', TYPE: 'Consumer' },
        { GROUP: 'cga-keep', TYPE: 'Consumer' },
      ]),
    );
    expect(table(await groups(['--list', '--type', 'classic']))).toEqual([]);
    expect(table(await groups(['--list', '--state', 'Stable']))).toEqual([
      { GROUP: 'cga-g', STATE: 'Stable' },
    ]);

    const described = table(await groups(['--describe', '--group', 'cga-g', '--members', '--verbose']));
    expect(described).toHaveLength(2);
    for (const m of described) {
      expect(m).toMatchObject({ GROUP: 'cga-g', '#PARTITIONS': '2' });
      expect(m.HOST).toMatch(/127\.0\.0\.1/);
    }
    // Two partitions each, together all four.
    const assigned = described.map((m) => m['CURRENT-ASSIGNMENT']!);
    expect(assigned.every((a) => /^cga-t:\d,\d$/.test(a))).toBe(true);
    expect(assigned.flatMap((a) => a.slice('cga-t:'.length).split(',')).sort()).toEqual(['0', '1', '2', '3']);

    const offsets = table(await groups(['--describe', '--group', 'cga-g', '--offsets']));
    expect(offsets.map((r) => [r.PARTITION, r['CURRENT-OFFSET'], r['LOG-END-OFFSET'], r.LAG]).sort()).toEqual(
      [
        ['0', '10', '10', '0'],
        ['1', '10', '10', '0'],
        ['2', '10', '10', '0'],
        ['3', '10', '10', '0'],
      ],
    );
    const consumerIds = new Set(offsets.map((r) => r['CONSUMER-ID']));
    expect(consumerIds).toEqual(new Set(described.map((m) => m['CONSUMER-ID'])));

    const state = table(await groups(['--describe', '--group', 'cga-g', '--state', '--verbose']));
    expect(state).toHaveLength(1);
    expect(state[0]).toMatchObject({
      GROUP: 'cga-g',
      'ASSIGNMENT-STRATEGY': 'uniform',
      STATE: 'Stable',
      '#MEMBERS': '2',
      COORDINATOR: server.bootstrap,
    });
    expect(Number(state[0]!['GROUP-EPOCH'])).toBeGreaterThan(0);
    expect(state[0]!['TARGET-ASSIGNMENT-EPOCH']).toBe(state[0]!['GROUP-EPOCH']);

    // --delete-offsets of the topic the members consume: refused for every partition.
    const refused = await groups(['--delete-offsets', '--group', 'cga-g', '--topic', 'cga-t']);
    expect(refused).toContain('Error: Encountered some partition-level error, see the follow-up details.');
    expect(refused.match(/GroupSubscribedToTopicException/g)).toHaveLength(4);

    const admin = one(await members.run('admin', server.bootstrap, 'cga-g'), 'admin');
    expect(admin).toMatchObject({
      listed: 'Consumer Stable',
      listedConsumer: 'Consumer Stable',
      listedClassic: null,
      type: 'Consumer',
      state: 'Stable',
      assignor: 'uniform',
      offsets: { 'cga-t-0': 10, 'cga-t-1': 10, 'cga-t-2': 10, 'cga-t-3': 10 },
    });
    expect(admin.groupEpoch).toBe(admin.targetAssignmentEpoch);
    const epoch = admin.groupEpoch as number;
    // Each member at the group's epoch, owning its target, as kafka-consumer-groups showed.
    const views = (admin.members as string[]).map((m) => m.replace(/^\S+ /, ''));
    expect(views).toHaveLength(2);
    for (const v of views)
      expect(v).toMatch(new RegExp(`^epoch ${epoch} assigned (\\[\\d, \\d\\]) target \\1$`));
  }, 180_000);

  it('--delete refuses while members are in; after they left it deletes, and kill -9 does not bring it back', async () => {
    const refused = await tool(CONSUMER_GROUPS, ['--delete', '--group', 'cga-g']);
    expect(refused.stdout + refused.stderr).toContain("Group 'cga-g' could not be deleted due to:");
    expect(refused.stdout + refused.stderr).toContain('GroupNotEmptyException');

    expect(one(await members.run('leave'), 'left').errors).toEqual([]);
    expect((await groups(['--delete', '--group', 'cga-g'])).trim()).toBe(
      "Deletion of requested consumer groups ('cga-g') was successful.",
    );
    expect((await groups(['--list'])).split('\n')).not.toContain('cga-g');

    server.child.kill('SIGKILL');
    await server.exited;
    server = await startServe(['--log-dirs', logDir], { port: server.port });
    expect(server.out()).toMatch(/"consumerGroups":1/);
    const listed = (await groups(['--list'])).split('\n');
    expect(listed).toContain('cga-keep');
    expect(listed).not.toContain('cga-g');
    const gone = await tool(CONSUMER_GROUPS, ['--describe', '--group', 'cga-g', '--offsets']);
    // Kafka 4.1's words too: ConsumerGroupDescribe, then DescribeGroups v6, both GROUP_ID_NOT_FOUND.
    expect(gone.stdout + gone.stderr).toContain('GroupIdNotFoundException: Group cga-g not found.');
    const kept = table(await groups(['--describe', '--group', 'cga-keep', '--offsets']));
    expect(kept.map((r) => r['CURRENT-OFFSET'])).toEqual(['10']);
  }, 180_000);
});
