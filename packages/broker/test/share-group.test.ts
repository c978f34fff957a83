import { ErrorCode } from '@kilgore/protocol';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ShareGroups, type ShareHeartbeatInput } from '../src/share/share-group.js';

// Share-group membership (KIP-932) without a broker: every member gets every partition of what
// it subscribes to, epochs move on changes only, and a member that leaves or goes silent is
// reported so its records can be released. test/java/share-groups*.test.ts drive it for real.

let topics: [string, number][] = [['t', 2]];
const gone: string[] = [];
let groups: ShareGroups;
afterEach(() => {
  groups?.close();
  vi.useRealTimers();
  gone.length = 0;
  topics = [['t', 2]];
});

function make(sessionTimeoutMs = 45_000): ShareGroups {
  groups = new ShareGroups({ sessionTimeoutMs, onMemberGone: (g, m) => gone.push(`${g}/${m}`) });
  return groups;
}

const hb = (over: Partial<ShareHeartbeatInput>): ShareHeartbeatInput => ({
  groupId: 'g',
  memberId: 'a',
  memberEpoch: 0,
  rackId: null,
  subscribedTopicNames: ['t'],
  clientId: 'c',
  clientHost: 'h',
  ...over,
});

describe('ShareGroups', () => {
  it('assigns every partition to every member, and an assignment only when it changes', () => {
    const g = make();
    const a = g.heartbeat(hb({}), () => topics);
    const b = g.heartbeat(hb({ memberId: 'b' }), () => topics);
    expect(a.assignment).toEqual(new Map([['t', [0, 1]]]));
    expect(b.assignment).toEqual(new Map([['t', [0, 1]]]));
    const again = g.heartbeat(hb({ memberEpoch: a.memberEpoch, subscribedTopicNames: null }), () => topics);
    expect(again).toMatchObject({ errorCode: ErrorCode.NONE, memberEpoch: a.memberEpoch, assignment: null });
    topics = [['t', 3]];
    const grown = g.heartbeat(hb({ memberEpoch: a.memberEpoch, subscribedTopicNames: null }), () => topics);
    expect(grown.assignment).toEqual(new Map([['t', [0, 1, 2]]]));
    expect(grown.memberEpoch).toBeGreaterThan(a.memberEpoch);
  });

  it('fences a stale epoch, refuses an unknown member and reports one that leaves', () => {
    const g = make();
    const a = g.heartbeat(hb({}), () => topics);
    expect(g.heartbeat(hb({ memberEpoch: a.memberEpoch + 7 }), () => topics).errorCode).toBe(
      ErrorCode.FENCED_MEMBER_EPOCH,
    );
    expect(g.heartbeat(hb({ memberId: 'zz', memberEpoch: 3 }), () => topics).errorCode).toBe(
      ErrorCode.UNKNOWN_MEMBER_ID,
    );
    expect(g.heartbeat(hb({ memberEpoch: -1 }), () => topics).memberEpoch).toBe(-1);
    expect(gone).toEqual(['g/a']);
    expect(g.stateOf(g.groups.get('g')!)).toBe('Empty');
    expect(g.delete('g')).toBe(true);
  });

  it('a member silent for the session timeout is removed and reported', () => {
    vi.useFakeTimers();
    const g = make(1000);
    g.heartbeat(hb({}), () => topics);
    expect(g.delete('g')).toBe(false);
    vi.advanceTimersByTime(999);
    expect(gone).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(gone).toEqual(['g/a']);
    expect(g.groups.get('g')!.members.size).toBe(0);
  });
});
