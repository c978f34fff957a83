import {
  type ConsumerGroupDescribeResponse,
  type ConsumerGroupHeartbeatResponse,
  type DeleteGroupsResponse,
  type DescribeGroupsResponse,
  ErrorCode,
  type ListGroupsResponse,
  type OffsetCommitResponse,
  type OffsetDeleteResponse,
  type OffsetFetchResponse,
} from '@kilgore/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from './support/broker.js';
import { type Address, request } from './support/wire.js';

// The group APIs around a KIP-848 group, spoken on the wire (kafkajs is too old for OffsetCommit
// v9 / OffsetFetch v9 / ListGroups v5): member epochs on commits and fetches as Kafka 4.1's
// ConsumerGroup.validateOffsetCommit/validateOffsetFetch check them, classic groups unchanged,
// DescribeGroups and ListGroups as Kafka answers them for such a group, and DeleteGroups.

const HEARTBEAT = 68;
const CG_DESCRIBE = 69;
const OFFSET_COMMIT = 8;
const OFFSET_FETCH = 9;
const DESCRIBE_GROUPS = 15;
const LIST_GROUPS = 16;
const DELETE_GROUPS = 42;
const OFFSET_DELETE = 47;

let tb: TestBroker;
let to: Address;
beforeAll(async () => {
  tb = await startTestBroker();
  const [host, port] = tb.bootstrap.split(':');
  to = { host: host!, port: Number(port) };
  tb.broker.context.createTopic('cgw', 2);
  tb.broker.context.createTopic('cgw-other', 1);
});
afterAll(async () => {
  await tb?.stop();
});

function heartbeat(groupId: string, memberId: string, memberEpoch: number) {
  return request<ConsumerGroupHeartbeatResponse>(to, HEARTBEAT, 1, {
    groupId,
    memberId,
    memberEpoch,
    instanceId: null,
    rackId: null,
    rebalanceTimeoutMs: 30_000,
    subscribedTopicNames: memberEpoch === 0 ? ['cgw'] : null,
    subscribedTopicRegex: null,
    serverAssignor: null,
    topicPartitions: memberEpoch === 0 ? [] : null,
  });
}

/** OffsetCommit of offset 5 on partition 0 of the topic (cgw); the partition's error code. */
async function commit(
  groupId: string,
  memberId: string,
  epoch: number,
  version = 9,
  topic = 'cgw',
): Promise<number> {
  const r = await request<OffsetCommitResponse>(to, OFFSET_COMMIT, version, {
    groupId,
    generationIdOrMemberEpoch: epoch,
    memberId,
    groupInstanceId: null,
    retentionTimeMs: -1n,
    topics: [
      {
        name: topic,
        partitions: [
          { partitionIndex: 0, committedOffset: 5n, committedLeaderEpoch: -1, committedMetadata: '' },
        ],
      },
    ],
  });
  return r.topics[0]!.partitions[0]!.errorCode;
}

/** OffsetFetch v9 of cgw-0: the group's error code and the committed offset. */
async function fetchOffset(groupId: string, memberId: string | null, memberEpoch: number) {
  const r = await request<OffsetFetchResponse>(to, OFFSET_FETCH, 9, {
    requireStable: false,
    groups: [{ groupId, memberId, memberEpoch, topics: [{ name: 'cgw', partitionIndexes: [0] }] }],
  });
  const g = r.groups[0]!;
  return { errorCode: g.errorCode, offset: g.topics[0]?.partitions[0]?.committedOffset };
}

const describeGroups = (version: number, groupId: string) =>
  request<DescribeGroupsResponse>(to, DESCRIBE_GROUPS, version, {
    groups: [groupId],
    includeAuthorizedOperations: false,
  }).then((r) => r.groups[0]!);

const listGroups = (types: string[], states: string[] = []) =>
  request<ListGroupsResponse>(to, LIST_GROUPS, 5, { statesFilter: states, typesFilter: types }).then((r) =>
    r.groups.map((g) => `${g.groupId}/${g.groupType}/${g.protocolType}/${g.groupState}`).sort(),
  );

const deleteGroup = (groupId: string) =>
  request<DeleteGroupsResponse>(to, DELETE_GROUPS, 2, { groupsNames: [groupId] }).then(
    (r) => r.results[0]!.errorCode,
  );

describe('a KIP-848 group on the wire', () => {
  let member = '';
  let epoch = 0;

  it('OffsetCommit v9: the member current epoch commits; others get STALE_MEMBER_EPOCH or UNKNOWN_MEMBER_ID', async () => {
    const joined = await heartbeat('wg', '', 0);
    expect(joined.errorCode).toBe(ErrorCode.NONE);
    member = joined.memberId!;
    epoch = joined.memberEpoch;
    expect(epoch).toBe(1);
    expect(await commit('wg', member, epoch)).toBe(ErrorCode.NONE);
    expect(await commit('wg', member, epoch + 1)).toBe(ErrorCode.STALE_MEMBER_EPOCH);
    expect(await commit('wg', member, epoch - 1)).toBe(ErrorCode.STALE_MEMBER_EPOCH);
    expect(await commit('wg', 'nobody', epoch)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    // An admin (or a consumer assigning itself) commits with epoch -1: not while members are in.
    expect(await commit('wg', '', -1)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    // A KIP-848 member cannot speak an OffsetCommit older than v9.
    expect(await commit('wg', member, epoch, 8)).toBe(ErrorCode.UNSUPPORTED_VERSION);
  });

  it('OffsetFetch v9: the member at its epoch or an admin (no member id) reads; others are refused', async () => {
    expect(await fetchOffset('wg', member, epoch)).toEqual({ errorCode: ErrorCode.NONE, offset: 5n });
    expect(await fetchOffset('wg', null, -1)).toEqual({ errorCode: ErrorCode.NONE, offset: 5n });
    expect((await fetchOffset('wg', member, epoch + 3)).errorCode).toBe(ErrorCode.STALE_MEMBER_EPOCH);
    expect((await fetchOffset('wg', 'nobody', epoch)).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    // An unknown group has no offsets, and no error.
    expect(await fetchOffset('nogroup', 'x', 3)).toEqual({ errorCode: ErrorCode.NONE, offset: -1n });
  });

  it('OffsetDelete: a topic the members subscribe to keeps its offsets, another one loses them', async () => {
    expect(await commit('wg', member, epoch, 9, 'cgw-other')).toBe(ErrorCode.NONE);
    const r = await request<OffsetDeleteResponse>(to, OFFSET_DELETE, 0, {
      groupId: 'wg',
      topics: [
        { name: 'cgw', partitions: [{ partitionIndex: 0 }] },
        { name: 'cgw-other', partitions: [{ partitionIndex: 0 }] },
      ],
    });
    expect(r.errorCode).toBe(ErrorCode.NONE);
    expect(r.topics.map((t) => [t.name, t.partitions[0]!.errorCode])).toEqual([
      ['cgw', ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC],
      ['cgw-other', ErrorCode.NONE],
    ]);
    const fetched = await request<OffsetFetchResponse>(to, OFFSET_FETCH, 9, {
      requireStable: false,
      groups: [{ groupId: 'wg', memberId: null, memberEpoch: -1, topics: null }],
    });
    expect(fetched.groups[0]!.topics.map((t) => t.name)).toEqual(['cgw']);
  });

  it('classic groups keep their generation rules: a simple commit with -1 creates one', async () => {
    expect(await commit('simple', '', -1)).toBe(ErrorCode.NONE);
    expect(await commit('simple', 'm', 4)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect(await commit('absent', 'm', 4)).toBe(ErrorCode.GROUP_ID_NOT_FOUND);
    expect(await commit('absent', 'm', 4, 8)).toBe(ErrorCode.ILLEGAL_GENERATION);
    expect(await fetchOffset('simple', 'anyone', 12)).toEqual({ errorCode: ErrorCode.NONE, offset: 5n });
  });

  it('DescribeGroups says a consumer group is not a classic group (v6: GROUP_ID_NOT_FOUND; v5: Dead)', async () => {
    expect(await describeGroups(6, 'wg')).toMatchObject({
      errorCode: ErrorCode.GROUP_ID_NOT_FOUND,
      errorMessage: 'Group wg is not a classic group.',
      groupState: 'Dead',
      members: [],
    });
    expect(await describeGroups(5, 'wg')).toMatchObject({ errorCode: ErrorCode.NONE, groupState: 'Dead' });
    expect(await describeGroups(6, 'simple')).toMatchObject({
      errorCode: ErrorCode.NONE,
      groupState: 'Empty',
    });
  });

  it('ListGroups v5 filters by type and by state (case-insensitive)', async () => {
    expect(await listGroups(['consumer'])).toEqual(['wg/consumer/consumer/Stable']);
    expect(await listGroups(['Classic'])).toEqual(['simple/classic//Empty']);
    expect(await listGroups([], ['EMPTY'])).toEqual(['simple/classic//Empty']);
    expect(await listGroups(['consumer'], ['empty'])).toEqual([]);
    expect(await listGroups(['share'])).toEqual([]);
    expect(await listGroups(['nonsense'])).toEqual([]);
    expect(await listGroups([])).toEqual(['simple/classic//Empty', 'wg/consumer/consumer/Stable']);
  });

  it('DeleteGroups: NON_EMPTY_GROUP while a member is in; once it left, the group and its offsets go', async () => {
    expect(await deleteGroup('wg')).toBe(ErrorCode.NON_EMPTY_GROUP);
    const left = await heartbeat('wg', member, -1);
    expect(left.errorCode).toBe(ErrorCode.NONE);
    expect(await listGroups(['consumer'])).toEqual(['wg/consumer/consumer/Empty']);
    // An empty group takes commits from an admin again.
    expect(await commit('wg', '', -1)).toBe(ErrorCode.NONE);
    expect(await deleteGroup('wg')).toBe(ErrorCode.NONE);
    expect(await deleteGroup('wg')).toBe(ErrorCode.GROUP_ID_NOT_FOUND);
    expect(await listGroups(['consumer'])).toEqual([]);
    expect(await fetchOffset('wg', null, -1)).toEqual({ errorCode: ErrorCode.NONE, offset: -1n });
    const described = await request<ConsumerGroupDescribeResponse>(to, CG_DESCRIBE, 0, {
      groupIds: ['wg'],
      includeAuthorizedOperations: false,
    });
    expect(described.groups[0]!.errorCode).toBe(ErrorCode.GROUP_ID_NOT_FOUND);
  });
});

describe("a KIP-848 member's rebalance timeout", () => {
  type Owned = ConsumerGroupHeartbeatResponse['assignment'];
  /** A heartbeat reporting what the member owns (null: unchanged), with a short rebalance timeout. */
  const beat = (groupId: string, memberId: string, memberEpoch: number, owned: Owned | null) =>
    request<ConsumerGroupHeartbeatResponse>(to, HEARTBEAT, 1, {
      groupId,
      memberId,
      memberEpoch,
      instanceId: null,
      rackId: null,
      rebalanceTimeoutMs: 400,
      subscribedTopicNames: memberEpoch === 0 ? ['cgw'] : null,
      subscribedTopicRegex: null,
      serverAssignor: null,
      topicPartitions: memberEpoch === 0 ? [] : (owned?.topicPartitions ?? null),
    });
  const count = (a: Owned | null) => (a?.topicPartitions ?? []).reduce((n, t) => n + t.partitions.length, 0);

  async function twoMembers(groupId: string) {
    const a = await beat(groupId, '', 0, null);
    expect(count(a.assignment)).toBe(2);
    const b = await beat(groupId, '', 0, null);
    expect(b.errorCode).toBe(ErrorCode.NONE);
    // A is told to give one partition up: its epoch stays until it confirms.
    const told = await beat(groupId, a.memberId!, a.memberEpoch, a.assignment);
    expect(told.memberEpoch).toBe(a.memberEpoch);
    expect(count(told.assignment)).toBe(1);
    return { a, b, told };
  }

  it('fences a member that never gives up the partitions it was told to revoke', async () => {
    const { a, b } = await twoMembers('rt-stuck');
    // A keeps heartbeating but keeps reporting both partitions: it never revokes.
    const started = Date.now();
    let last = await beat('rt-stuck', a.memberId!, a.memberEpoch, a.assignment);
    while (last.errorCode === ErrorCode.NONE && Date.now() - started < 5000) {
      await new Promise((r) => setTimeout(r, 100));
      last = await beat('rt-stuck', a.memberId!, a.memberEpoch, a.assignment);
    }
    expect(last.errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    // Fenced, its partitions are free: B gets both.
    const bNow = await beat('rt-stuck', b.memberId!, b.memberEpoch, b.assignment);
    expect(count(bNow.assignment)).toBe(2);
  });

  it('leaves a member alone once it confirmed the revocation', async () => {
    const { a, told } = await twoMembers('rt-done');
    const confirmed = await beat('rt-done', a.memberId!, told.memberEpoch, told.assignment);
    expect(confirmed.memberEpoch).toBeGreaterThan(a.memberEpoch);
    await new Promise((r) => setTimeout(r, 800));
    const later = await beat('rt-done', a.memberId!, confirmed.memberEpoch, null);
    expect(later.errorCode).toBe(ErrorCode.NONE);
    expect(count(later.assignment)).toBe(1);
  });
});
