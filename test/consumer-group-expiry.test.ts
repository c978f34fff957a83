import {
  type ConsumerGroupDescribeResponse,
  type ConsumerGroupHeartbeatResponse,
  ErrorCode,
  type ListGroupsResponse,
  type OffsetCommitResponse,
  type OffsetFetchResponse,
} from '@kilgore/protocol';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestBroker, type TestBroker } from './support/broker.js';
import { type Address, request } from './support/wire.js';

// offsets.retention.minutes for a KIP-848 group, as Kafka's coordinator cleans up: offsets of a
// topic the group does not subscribe to expire a retention period after their commit, those of
// subscribed topics stay; once the group has no members and no offsets left, it is deleted.
// The clock is Vitest's fake Date (moving with real time, jumped forward by the test).

let tb: TestBroker;
let to: Address;
beforeAll(async () => {
  vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true });
  tb = await startTestBroker({ 'offsets.retention.minutes': '1' });
  const [host, port] = tb.bootstrap.split(':');
  to = { host: host!, port: Number(port) };
  tb.broker.context.createTopic('ex', 1);
  tb.broker.context.createTopic('ex-old', 1);
});
afterAll(async () => {
  await tb?.stop();
  vi.useRealTimers();
});

const heartbeat = (memberId: string, memberEpoch: number) =>
  request<ConsumerGroupHeartbeatResponse>(to, 68, 1, {
    groupId: 'eg',
    memberId,
    memberEpoch,
    instanceId: null,
    rackId: null,
    rebalanceTimeoutMs: 30_000,
    subscribedTopicNames: memberEpoch === 0 ? ['ex'] : null,
    subscribedTopicRegex: null,
    serverAssignor: null,
    topicPartitions: memberEpoch === 0 ? [] : null,
  });

async function committed(): Promise<string[]> {
  const r = await request<OffsetFetchResponse>(to, 9, 9, {
    requireStable: false,
    groups: [{ groupId: 'eg', memberId: null, memberEpoch: -1, topics: null }],
  });
  return r.groups[0]!.topics.map((t) => t.name).sort();
}

const later = (minutes: number) => vi.setSystemTime(Date.now() + minutes * 60_000);

describe('offset expiry of a KIP-848 group', () => {
  it('expires offsets of unsubscribed topics, keeps subscribed ones, and deletes the group once empty', async () => {
    const m = await heartbeat('', 0);
    expect(m.errorCode).toBe(ErrorCode.NONE);
    const r = await request<OffsetCommitResponse>(to, 8, 9, {
      groupId: 'eg',
      generationIdOrMemberEpoch: m.memberEpoch,
      memberId: m.memberId,
      groupInstanceId: null,
      retentionTimeMs: -1n,
      topics: ['ex', 'ex-old'].map((name) => ({
        name,
        partitions: [
          { partitionIndex: 0, committedOffset: 1n, committedLeaderEpoch: -1, committedMetadata: '' },
        ],
      })),
    });
    expect(r.topics.map((t) => t.partitions[0]!.errorCode)).toEqual([0, 0]);
    const offsets = tb.broker.context.groups.offsets;

    // Not yet a retention period since the commit: nothing goes.
    expect(await offsets.expire()).toBe(0);
    later(2);
    // The member keeps heartbeating (its session is on real timers); ex-old is not subscribed.
    expect((await heartbeat(m.memberId!, m.memberEpoch)).errorCode).toBe(ErrorCode.NONE);
    expect(await offsets.expire()).toBe(1);
    expect(await committed()).toEqual(['ex']);

    // The member leaves: the group is empty, its last offset expires, and the group goes.
    expect((await heartbeat(m.memberId!, -1)).errorCode).toBe(ErrorCode.NONE);
    expect(await offsets.expire()).toBe(1);
    expect(await committed()).toEqual([]);
    const listed = await request<ListGroupsResponse>(to, 16, 5, { statesFilter: [], typesFilter: [] });
    expect(listed.groups.map((g) => g.groupId)).not.toContain('eg');
    const described = await request<ConsumerGroupDescribeResponse>(to, 69, 0, {
      groupIds: ['eg'],
      includeAuthorizedOperations: false,
    });
    expect(described.groups[0]!.errorCode).toBe(ErrorCode.GROUP_ID_NOT_FOUND);
  });
});
