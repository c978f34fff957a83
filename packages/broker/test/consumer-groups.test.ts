import { ErrorCode } from '@kilgore/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { rangeAssignor, uniformAssignor } from '../src/groups/assignors.js';
import { ConsumerGroups, type HeartbeatInput } from '../src/groups/consumer-group.js';
import { checkConsumerGroupCommit } from '../src/groups/consumer-group-offsets.js';

// KIP-848's rules, unit by unit: the assignors, and a member giving up partitions before another
// gets them (the reconciliation a real client goes through in test/java/consumer-protocol.test.ts).

const topics = (): [string, number][] => [['t', 4]];
let groups: ConsumerGroups;
afterEach(() => groups?.close());

function hb(over: Partial<HeartbeatInput>): HeartbeatInput {
  return {
    groupId: 'g',
    memberId: '',
    memberEpoch: 0,
    instanceId: null,
    rackId: null,
    rebalanceTimeoutMs: 30_000,
    subscribedTopicNames: null,
    subscribedTopicRegex: null,
    serverAssignor: null,
    ownedPartitions: null,
    clientId: 'c',
    clientHost: 'h',
    ...over,
  };
}

describe('assignors', () => {
  it('uniform spreads evenly; range gives contiguous ranges', () => {
    const members = [
      { memberId: 'a', topics: ['t'] },
      { memberId: 'b', topics: ['t'] },
    ];
    expect(
      uniformAssignor(members, () => 5)
        .get('a')!
        .get('t')!.length,
    ).toBe(3);
    expect(
      uniformAssignor(members, () => 5)
        .get('b')!
        .get('t')!.length,
    ).toBe(2);
    expect(
      rangeAssignor(members, () => 5)
        .get('a')!
        .get('t'),
    ).toEqual([0, 1, 2]);
    expect(
      rangeAssignor(members, () => 5)
        .get('b')!
        .get('t'),
    ).toEqual([3, 4]);
  });
});

describe('consumer group reconciliation', () => {
  it('revokes before it assigns, and fences stale epochs', () => {
    groups = new ConsumerGroups({ sessionTimeoutMs: 60_000, heartbeatIntervalMs: 100, maxSize: 10 });
    const a = groups.heartbeat(
      hb({ memberId: 'a', subscribedTopicNames: ['t'], serverAssignor: 'range' }),
      topics,
    );
    expect(a).toMatchObject({ errorCode: 0, memberEpoch: 1 });
    expect(a.assignment!.get('t')).toEqual([0, 1, 2, 3]);
    const b = groups.heartbeat(hb({ memberId: 'b', subscribedTopicNames: ['t'] }), topics);
    // b gets the new epoch but nothing yet: a still holds 2 and 3.
    expect(b).toMatchObject({ errorCode: 0, memberEpoch: 2 });
    expect(b.assignment!.size).toBe(0);
    // a is told to keep 0 and 1 only, at its old epoch until it confirms.
    const a2 = groups.heartbeat(hb({ memberId: 'a', memberEpoch: 1 }), topics);
    expect(a2).toMatchObject({ memberEpoch: 1 });
    expect(a2.assignment!.get('t')).toEqual([0, 1]);
    const a3 = groups.heartbeat(
      hb({ memberId: 'a', memberEpoch: 1, ownedPartitions: new Map([['t', [0, 1]]]) }),
      topics,
    );
    expect(a3).toMatchObject({ memberEpoch: 2 });
    const b2 = groups.heartbeat(hb({ memberId: 'b', memberEpoch: 2 }), topics);
    expect(b2.assignment!.get('t')).toEqual([2, 3]);
    expect(groups.heartbeat(hb({ memberId: 'b', memberEpoch: 7 }), topics).errorCode).toBe(
      ErrorCode.FENCED_MEMBER_EPOCH,
    );
    const commit = (memberId: string, memberEpoch: number, apiVersion = 9) =>
      checkConsumerGroupCommit(groups.get('g')!, {
        memberId,
        groupInstanceId: null,
        memberEpoch,
        transactional: false,
        apiVersion,
      }).errorCode;
    expect(commit('b', 2)).toBe(ErrorCode.NONE);
    expect(commit('b', 9)).toBe(ErrorCode.STALE_MEMBER_EPOCH);
    // a's previous epoch (1) is accepted too (README: differs from Kafka 4.1); 0 never is.
    expect(commit('a', 1)).toBe(ErrorCode.NONE);
    expect(commit('b', 0)).toBe(ErrorCode.STALE_MEMBER_EPOCH);
    expect(commit('zz', 2)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect(commit('b', 2, 8)).toBe(ErrorCode.UNSUPPORTED_VERSION);
    expect(commit('', -1)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });

  it('refuses unknown assignors, bad regexes and first heartbeats without a subscription', () => {
    groups = new ConsumerGroups({ sessionTimeoutMs: 60_000, heartbeatIntervalMs: 100, maxSize: 10 });
    expect(
      groups.heartbeat(hb({ subscribedTopicNames: ['t'], serverAssignor: 'sticky' }), topics).errorCode,
    ).toBe(ErrorCode.UNSUPPORTED_ASSIGNOR);
    expect(groups.heartbeat(hb({ subscribedTopicRegex: '(' }), topics).errorCode).toBe(
      ErrorCode.INVALID_REGULAR_EXPRESSION,
    );
    expect(groups.heartbeat(hb({}), topics).errorCode).toBe(ErrorCode.INVALID_REQUEST);
    const r = groups.heartbeat(hb({ subscribedTopicRegex: 't.*' }), topics);
    expect(r.assignment!.get('t')).toEqual([0, 1, 2, 3]);
  });
});
