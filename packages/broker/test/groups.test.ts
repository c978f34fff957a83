import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Broker, loadConfig } from '@kilgore/broker';
import {
  type DeleteGroupsResponse,
  type DescribeGroupsResponse,
  decodeResponse,
  encodeRequest,
  type FindCoordinatorResponse,
  type HeartbeatResponse,
  type JoinGroupResponse,
  type LeaveGroupResponse,
  type ListGroupsResponse,
  type MetadataResponse,
  type OffsetCommitResponse,
  type OffsetDeleteResponse,
  type OffsetFetchResponse,
  type SyncGroupResponse,
} from '@kilgore/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawClient } from './helpers.js';

let broker: Broker;
let logDir: string;
let correlation = 0;
const clients: RawClient[] = [];

async function start(): Promise<Broker> {
  const { config } = loadConfig({
    flags: {
      listeners: 'PLAINTEXT://127.0.0.1:0',
      'log.dirs': logDir,
      'logger.level': 'silent',
      'group.initial.rebalance.delay.ms': '0',
    },
  });
  return Broker.start({ config });
}

beforeAll(async () => {
  logDir = mkdtempSync(join(tmpdir(), 'kilgore-groups-'));
  broker = await start();
  broker.context.createTopic('t', 2);
});
afterAll(async () => {
  for (const c of clients) c.close();
  await broker?.stop();
  rmSync(logDir, { recursive: true, force: true });
});

async function connect(): Promise<RawClient> {
  const c = await RawClient.connect(broker.listeners[0]!.boundPort);
  clients.push(c);
  return c;
}

async function call<T>(client: RawClient, apiKey: number, apiVersion: number, body: object): Promise<T> {
  const correlationId = ++correlation;
  client.send(
    Buffer.concat(
      encodeRequest({ header: { apiKey, apiVersion, correlationId, clientId: 'grp' }, body }),
    ).subarray(4),
  );
  return decodeResponse<T>(apiKey, apiVersion, (await client.read(15_000))!).body;
}

const protocols = [{ name: 'range', metadata: Buffer.from([0, 0, 0, 0, 0, 1, 0, 1, 116, 0, 0, 0, 0]) }];

function joinBody(groupId: string, memberId: string, extra: object = {}) {
  return {
    groupId,
    sessionTimeoutMs: 10_000,
    rebalanceTimeoutMs: 10_000,
    memberId,
    groupInstanceId: null,
    protocolType: 'consumer',
    protocols,
    reason: null,
    ...extra,
  };
}

/** A single-member group, Stable at the returned generation. */
async function stableGroup(
  c: RawClient,
  groupId: string,
): Promise<{ memberId: string; generationId: number }> {
  const first = await call<JoinGroupResponse>(c, 11, 5, joinBody(groupId, ''));
  expect(first.errorCode).toBe(79);
  expect(first.memberId).toMatch(/^grp-/);
  const joined = await call<JoinGroupResponse>(c, 11, 5, joinBody(groupId, first.memberId));
  expect(joined).toMatchObject({ errorCode: 0, leader: first.memberId, protocolName: 'range' });
  expect(joined.members.map((m) => m.memberId)).toEqual([first.memberId]);
  const synced = await call<SyncGroupResponse>(c, 14, 3, {
    groupId,
    generationId: joined.generationId,
    memberId: first.memberId,
    groupInstanceId: null,
    assignments: [{ memberId: first.memberId, assignment: Buffer.from('mine') }],
  });
  expect(synced).toMatchObject({ errorCode: 0, assignment: Buffer.from('mine') });
  return { memberId: first.memberId, generationId: joined.generationId };
}

function commitBody(groupId: string, generationId: number, memberId: string, offset: bigint) {
  return {
    groupId,
    generationIdOrMemberEpoch: generationId,
    memberId,
    groupInstanceId: null,
    retentionTimeMs: -1n,
    topics: [
      {
        name: 't',
        partitions: [
          { partitionIndex: 0, committedOffset: offset, committedLeaderEpoch: 3, committedMetadata: 'meta' },
        ],
      },
    ],
  };
}

async function fetched(c: RawClient, groupId: string): Promise<bigint> {
  const r = await call<OffsetFetchResponse>(c, 9, 5, {
    groupId,
    topics: [{ name: 't', partitionIndexes: [0] }],
    requireStable: false,
  });
  return r.topics![0]!.partitions[0]!.committedOffset;
}

describe('group coordinator over raw frames', () => {
  it('FindCoordinator names this node, one key (v0-3) or batched (v4+)', async () => {
    const c = await connect();
    const port = broker.listeners[0]!.boundPort;
    const v0 = await call<FindCoordinatorResponse>(c, 10, 0, { key: 'g' });
    expect(v0).toMatchObject({ errorCode: 0, nodeId: broker.context.nodeId, host: '127.0.0.1', port });
    const v4 = await call<FindCoordinatorResponse>(c, 10, 4, {
      keyType: 1,
      coordinatorKeys: ['tx-a', 'tx-b'],
    });
    expect(v4.coordinators!.map((x) => [x.key, x.errorCode, x.port])).toEqual([
      ['tx-a', 0, port],
      ['tx-b', 0, port],
    ]);
    const bad = await call<FindCoordinatorResponse>(c, 10, 2, { key: 'g', keyType: 7 });
    expect(bad.errorCode).toBe(42);
  });

  it('join, sync, heartbeat, commit and fetch; bad commits get Kafka codes and change nothing', async () => {
    const c = await connect();
    const { memberId, generationId } = await stableGroup(c, 'g1');
    expect(
      (
        await call<HeartbeatResponse>(c, 12, 3, {
          groupId: 'g1',
          generationId,
          memberId,
          groupInstanceId: null,
        })
      ).errorCode,
    ).toBe(0);
    const ok = await call<OffsetCommitResponse>(c, 8, 7, commitBody('g1', generationId, memberId, 42n));
    expect(ok.topics[0]!.partitions[0]!.errorCode).toBe(0);
    const code = async (body: object, version = 7) =>
      (await call<OffsetCommitResponse>(c, 8, version, body)).topics[0]!.partitions[0]!.errorCode;
    expect(await code(commitBody('g1', generationId, 'stranger', 1n))).toBe(25); // UNKNOWN_MEMBER_ID
    expect(await code(commitBody('g1', generationId - 1, memberId, 1n))).toBe(22); // ILLEGAL_GENERATION
    expect(await code(commitBody('g1', -1, '', 1n))).toBe(25); // simple commit to a live group
    expect(await code(commitBody('nope', 5, 'm', 1n))).toBe(22);
    expect(await code(commitBody('nope', 5, 'm', 1n), 9)).toBe(69); // GROUP_ID_NOT_FOUND from v9
    const unknownTopic = commitBody('g1', generationId, memberId, 1n);
    unknownTopic.topics[0]!.name = 'no-such-topic';
    expect(await code(unknownTopic)).toBe(3);
    expect(await fetched(c, 'g1')).toBe(42n);
    expect(
      (
        await call<HeartbeatResponse>(c, 12, 3, {
          groupId: 'g1',
          generationId: generationId + 1,
          memberId,
          groupInstanceId: null,
        })
      ).errorCode,
    ).toBe(22);
    expect(
      (
        await call<HeartbeatResponse>(c, 12, 3, {
          groupId: 'g1',
          generationId,
          memberId: 'x',
          groupInstanceId: null,
        })
      ).errorCode,
    ).toBe(25);
    // A second member with another protocol type cannot join.
    const other = await connect();
    const wrongType = await call<JoinGroupResponse>(
      other,
      11,
      5,
      joinBody('g1', '', { protocolType: 'connect' }),
    );
    expect(wrongType.errorCode).toBe(23); // INCONSISTENT_GROUP_PROTOCOL
    const noCommonProtocol = await call<JoinGroupResponse>(
      other,
      11,
      5,
      joinBody('g1', '', { protocols: [{ name: 'roundrobin', metadata: Buffer.alloc(0) }] }),
    );
    expect(noCommonProtocol.errorCode).toBe(23);
    const describe = await call<DescribeGroupsResponse>(c, 15, 5, {
      groups: ['g1'],
      includeAuthorizedOperations: false,
    });
    expect(describe.groups[0]).toMatchObject({
      groupState: 'Stable',
      protocolType: 'consumer',
      protocolData: 'range',
    });
    expect(describe.groups[0]!.members.map((m) => m.memberId)).toEqual([memberId]);
    // OffsetFetch v8: several groups at once, null topics = everything committed.
    const multi = await call<OffsetFetchResponse>(c, 9, 8, {
      groups: [
        { groupId: 'g1', topics: null },
        { groupId: 'absent', topics: [{ name: 't', partitionIndexes: [1] }] },
      ],
      requireStable: false,
    });
    expect(
      multi.groups!.map((g) =>
        g.topics.map((t) => t.partitions.map((p) => [p.committedOffset, p.metadata, p.committedLeaderEpoch])),
      ),
    ).toEqual([[[[42n, 'meta', 3]]], [[[-1n, '', -1]]]]);
    // DeleteGroups refuses a group with members.
    const del = await call<DeleteGroupsResponse>(c, 42, 1, { groupsNames: ['g1', 'absent'] });
    expect(del.results.map((r) => r.errorCode)).toEqual([68, 69]);
    // Leave (v3 batch), then the group is Empty and can be deleted.
    const left = await call<LeaveGroupResponse>(c, 13, 3, {
      groupId: 'g1',
      members: [
        { memberId, groupInstanceId: null },
        { memberId: 'ghost', groupInstanceId: null },
      ],
    });
    expect(left.members!.map((m) => m.errorCode)).toEqual([0, 25]);
    const listed = await call<ListGroupsResponse>(c, 16, 4, { statesFilter: ['Empty'] });
    expect(listed.groups.map((g) => g.groupId)).toContain('g1');
    const stable = await call<ListGroupsResponse>(c, 16, 4, { statesFilter: ['Stable'] });
    expect(stable.groups.map((g) => g.groupId)).not.toContain('g1');
    const od = await call<OffsetDeleteResponse>(c, 47, 0, {
      groupId: 'g1',
      topics: [{ name: 't', partitions: [{ partitionIndex: 0 }] }],
    });
    expect(od.errorCode).toBe(0);
    expect(await fetched(c, 'g1')).toBe(-1n);
    expect((await call<DeleteGroupsResponse>(c, 42, 1, { groupsNames: ['g1'] })).results[0]!.errorCode).toBe(
      0,
    );
  });

  it('a second member triggers a rebalance that fences the old generation', async () => {
    const a = await connect();
    const b = await connect();
    const first = await stableGroup(a, 'g2');
    const bId = (await call<JoinGroupResponse>(b, 11, 5, joinBody('g2', ''))).memberId;
    const bJoin = call<JoinGroupResponse>(b, 11, 5, joinBody('g2', bId));
    // A's heartbeat now reports the rebalance; its commits at the old generation still work until it rejoins.
    await new Promise((r) => setTimeout(r, 50));
    const hb = await call<HeartbeatResponse>(a, 12, 3, { groupId: 'g2', ...first, groupInstanceId: null });
    expect(hb.errorCode).toBe(27);
    const aJoin = await call<JoinGroupResponse>(a, 11, 5, joinBody('g2', first.memberId));
    const bJoined = await bJoin;
    expect(aJoin.generationId).toBe(first.generationId + 1);
    expect(bJoined.generationId).toBe(aJoin.generationId);
    expect(aJoin.leader).toBe(first.memberId);
    expect(aJoin.members).toHaveLength(2);
    expect(bJoined.members).toHaveLength(0);
    // CompletingRebalance: commits are refused until the leader syncs.
    const during = await call<OffsetCommitResponse>(
      a,
      8,
      7,
      commitBody('g2', aJoin.generationId, first.memberId, 1n),
    );
    expect(during.topics[0]!.partitions[0]!.errorCode).toBe(27);
    const stale = await call<OffsetCommitResponse>(
      a,
      8,
      7,
      commitBody('g2', first.generationId, first.memberId, 1n),
    );
    expect(stale.topics[0]!.partitions[0]!.errorCode).toBe(22);
    const bSync = call<SyncGroupResponse>(b, 14, 3, {
      groupId: 'g2',
      generationId: bJoined.generationId,
      memberId: bId,
      groupInstanceId: null,
      assignments: [],
    });
    const aSync = await call<SyncGroupResponse>(a, 14, 3, {
      groupId: 'g2',
      generationId: aJoin.generationId,
      memberId: first.memberId,
      groupInstanceId: null,
      assignments: [
        { memberId: first.memberId, assignment: Buffer.from('A') },
        { memberId: bId, assignment: Buffer.from('B') },
      ],
    });
    expect(aSync.assignment.toString()).toBe('A');
    expect((await bSync).assignment.toString()).toBe('B');
    const staleSync = await call<SyncGroupResponse>(b, 14, 3, {
      groupId: 'g2',
      generationId: first.generationId,
      memberId: bId,
      groupInstanceId: null,
      assignments: [],
    });
    expect(staleSync.errorCode).toBe(22);
  });

  it('static members: a restart with the same instance id keeps the generation; the old id is fenced', async () => {
    const c = await connect();
    const body = (memberId: string) => joinBody('g3', memberId, { groupInstanceId: 'instance-1' });
    const joined = await call<JoinGroupResponse>(c, 11, 5, body(''));
    expect(joined.errorCode).toBe(0); // static members need no second join
    await call<SyncGroupResponse>(c, 14, 3, {
      groupId: 'g3',
      generationId: joined.generationId,
      memberId: joined.memberId,
      groupInstanceId: 'instance-1',
      assignments: [{ memberId: joined.memberId, assignment: Buffer.from('X') }],
    });
    const again = await call<JoinGroupResponse>(c, 11, 5, body(''));
    expect(again.errorCode).toBe(0);
    expect(again.generationId).toBe(joined.generationId);
    expect(again.memberId).not.toBe(joined.memberId);
    const fenced = await call<HeartbeatResponse>(c, 12, 3, {
      groupId: 'g3',
      generationId: joined.generationId,
      memberId: joined.memberId,
      groupInstanceId: 'instance-1',
    });
    expect(fenced.errorCode).toBe(82);
    const sync = await call<SyncGroupResponse>(c, 14, 3, {
      groupId: 'g3',
      generationId: again.generationId,
      memberId: again.memberId,
      groupInstanceId: 'instance-1',
      assignments: [],
    });
    expect(sync).toMatchObject({ errorCode: 0, assignment: Buffer.from('X') });
    const d = await call<DescribeGroupsResponse>(c, 15, 5, {
      groups: ['g3'],
      includeAuthorizedOperations: false,
    });
    expect(d.groups[0]!.members.map((m) => [m.memberId, m.groupInstanceId])).toEqual([
      [again.memberId, 'instance-1'],
    ]);
  });

  it('committed offsets survive a broker restart; __consumer_offsets is internal', async () => {
    const c = await connect();
    const ok = await call<OffsetCommitResponse>(c, 8, 2, {
      ...commitBody('simple', -1, '', 7n),
      retentionTimeMs: -1n,
    });
    expect(ok.topics[0]!.partitions[0]!.errorCode).toBe(0);
    for (const x of clients.splice(0)) x.close();
    await broker.stop();
    broker = await start();
    const d = await connect();
    expect(await fetched(d, 'simple')).toBe(7n);
    const md = await call<MetadataResponse>(d, 3, 1, { topics: [{ name: '__consumer_offsets' }] });
    expect(md.topics[0]).toMatchObject({ name: '__consumer_offsets', isInternal: true });
  });

  it('a deleted group stays deleted across a restart (its offset tombstones do not bring it back)', async () => {
    const c = await connect();
    const ok = await call<OffsetCommitResponse>(c, 8, 2, commitBody('gone', -1, '', 3n));
    expect(ok.topics[0]!.partitions[0]!.errorCode).toBe(0);
    const deleted = await call<DeleteGroupsResponse>(c, 42, 2, { groupsNames: ['gone'] });
    expect(deleted.results[0]!.errorCode).toBe(0);
    for (const x of clients.splice(0)) x.close();
    await broker.stop();
    broker = await start();
    const d = await connect();
    const listed = await call<ListGroupsResponse>(d, 16, 4, { statesFilter: [] });
    expect(listed.groups.map((g) => g.groupId)).not.toContain('gone');
    expect(listed.groups.map((g) => g.groupId)).toContain('simple');
    expect(await fetched(d, 'gone')).toBe(-1n);
  });
});
