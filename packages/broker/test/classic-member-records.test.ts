import { Writer } from '@kilgore/protocol';
import { describe, expect, it } from 'vitest';
import {
  decodeMemberMetadataValue,
  encodeMemberMetadataValue,
  type MemberMetadataRecord,
} from '../src/groups/consumer-group-records.js';
import { decodeAssignment, decodeSubscription, encodeAssignment } from '../src/groups/consumer-protocol.js';

// The bytes a migration depends on: a classic member's JoinGroup subscription (as the Java
// client v3 and kafkajs v0 write it), the assignment SyncGroup hands back, and the
// ClassicMemberMetadata tagged field of ConsumerGroupMemberMetadataValue. Kafka's own decoder
// reads the latter in test/java/group-migration-restart.test.ts.

function subscription(
  version: number,
  topics: string[],
  owned: [string, number[]][],
  rack: string | null,
): Buffer {
  const w = new Writer(64);
  w.writeInt16(version);
  w.writeInt32(topics.length);
  for (const t of topics) w.writeString(t);
  w.writeNullableBytes(null);
  if (version >= 1) {
    w.writeInt32(owned.length);
    for (const [t, ps] of owned) {
      w.writeString(t);
      w.writeInt32(ps.length);
      for (const p of ps) w.writeInt32(p);
    }
  }
  if (version >= 2) w.writeInt32(7);
  if (version >= 3) w.writeNullableString(rack);
  return w.toBuffer();
}

describe('consumer embedded protocol', () => {
  it('reads v0 and v3 subscriptions: topics, owned partitions, rack', () => {
    expect(decodeSubscription(subscription(0, ['a', 'b'], [], null))).toEqual({
      version: 0,
      topics: ['a', 'b'],
      ownedPartitions: new Map(),
      rackId: null,
    });
    expect(decodeSubscription(subscription(3, ['a'], [['a', [2, 0]]], 'r1'))).toEqual({
      version: 3,
      topics: ['a'],
      ownedPartitions: new Map([['a', [0, 2]]]),
      rackId: 'r1',
    });
  });

  it('refuses bytes that are no subscription', () => {
    expect(() => decodeSubscription(Buffer.from([0, 0, 0x7f, 0xff, 0xff, 0xff]))).toThrow();
    expect(() => decodeSubscription(Buffer.alloc(1))).toThrow();
  });

  it('writes assignments that read back', () => {
    const assigned = new Map([
      ['b', [1]],
      ['a', [0, 3]],
    ]);
    expect(decodeAssignment(encodeAssignment(assigned, 3))).toEqual(new Map([...assigned].sort()));
    expect(decodeAssignment(Buffer.alloc(0))).toEqual(new Map());
  });
});

describe('ConsumerGroupMemberMetadataValue', () => {
  const member: MemberMetadataRecord = {
    instanceId: null,
    rackId: null,
    clientId: 'c',
    clientHost: '/127.0.0.1',
    subscribedTopicNames: ['t'],
    subscribedTopicRegex: null,
    rebalanceTimeoutMs: 30_000,
    serverAssignor: null,
    classic: null,
  };

  it('a consumer-protocol member has no tagged field; a classic one carries ClassicMemberMetadata (tag 0)', () => {
    const plain = encodeMemberMetadataValue(member);
    expect(plain.at(-1)).toBe(0);
    expect(decodeMemberMetadataValue(plain)).toEqual(member);
    const classic = {
      ...member,
      classic: {
        sessionTimeoutMs: 10_000,
        supportedProtocols: [
          { name: 'range', metadata: subscription(3, ['t'], [], null) },
          { name: 'cooperative-sticky', metadata: Buffer.from([0, 3]) },
        ],
      },
    };
    const bytes = encodeMemberMetadataValue(classic);
    expect(bytes.subarray(0, plain.length - 1)).toEqual(plain.subarray(0, -1));
    expect(decodeMemberMetadataValue(bytes)).toEqual(classic);
  });
});
