import { chainFor } from '@kilgore/chain';
import {
  type AlterShareGroupOffsetsResponse,
  type DeleteShareGroupOffsetsResponse,
  ErrorCode,
  type ShareAcknowledgeResponse,
  type ShareFetchResponse,
  type ShareGroupHeartbeatResponse,
} from '@kilgore/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from './support/broker.js';
import { createTopic, onCluster } from './support/chain-views.js';
import { waitFor } from './support/cluster.js';
import { type Address, produceOnce, request } from './support/wire.js';

// Share-group requests a client gets wrong, spoken on the wire (test/support/wire.ts): each is
// answered with Kafka's error code, never a crash, and the share-partition state is unchanged.
// On a chain the coordinator's head serves them and the other members point clients to it.

const HEARTBEAT = 76;
const SHARE_FETCH = 78;
const SHARE_ACK = 79;
const ALTER_OFFSETS = 91;
const DELETE_OFFSETS = 92;

let tb: TestBroker;
let to: Address;
let topicId: string;
beforeAll(async () => {
  tb = await startTestBroker({ 'group.share.auto.offset.reset': 'earliest' });
  const [host, port] = tb.bootstrap.split(':');
  to = { host: host!, port: Number(port) };
  tb.broker.context.createTopic('wire', 1);
  topicId = tb.broker.context.topics.get('wire')!.id;
  expect(await produceOnce(to, 'wire', 0, ['a', 'b', 'c'], 1)).toBe(0);
});
afterAll(async () => {
  await tb?.stop();
});

function shareFetch(body: Partial<Record<string, unknown>>): Promise<ShareFetchResponse> {
  return request<ShareFetchResponse>(to, SHARE_FETCH, 1, {
    groupId: 'wg',
    memberId: 'm1',
    shareSessionEpoch: 0,
    maxWaitMs: 100,
    minBytes: 1,
    maxBytes: 1 << 20,
    maxRecords: 500,
    batchSize: 500,
    topics: [],
    forgottenTopicsData: [],
    ...body,
  });
}

const fetchPartition = (
  acks: { firstOffset: bigint; lastOffset: bigint; acknowledgeTypes: number[] }[] = [],
) => [{ topicId, partitions: [{ partitionIndex: 0, acknowledgementBatches: acks }] }];

describe('share-group requests with bad input', () => {
  it('a heartbeat joining without a subscription or without a member id gets INVALID_REQUEST', async () => {
    const base = { groupId: 'wg', memberId: 'm1', memberEpoch: 0, rackId: null, subscribedTopicNames: null };
    const noTopics = await request<ShareGroupHeartbeatResponse>(to, HEARTBEAT, 1, base);
    expect(noTopics.errorCode).toBe(ErrorCode.INVALID_REQUEST);
    const noId = await request<ShareGroupHeartbeatResponse>(to, HEARTBEAT, 1, {
      ...base,
      memberId: '',
      subscribedTopicNames: ['wire'],
    });
    expect(noId.errorCode).toBe(ErrorCode.INVALID_REQUEST);
    const unknown = await request<ShareGroupHeartbeatResponse>(to, HEARTBEAT, 1, { ...base, memberEpoch: 3 });
    expect(unknown.errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });

  it('ShareFetch: no member id, no session, a wrong epoch and an unknown topic id', async () => {
    expect((await shareFetch({ memberId: '' })).errorCode).toBe(ErrorCode.INVALID_REQUEST);
    expect((await shareFetch({ memberId: 'nobody', shareSessionEpoch: 4 })).errorCode).toBe(
      ErrorCode.SHARE_SESSION_NOT_FOUND,
    );
    const opened = await shareFetch({ topics: fetchPartition() });
    expect(opened.errorCode).toBe(ErrorCode.NONE);
    expect(opened.responses[0]!.partitions[0]!.acquiredRecords).toEqual([
      { firstOffset: 0n, lastOffset: 2n, deliveryCount: 1 },
    ]);
    expect((await shareFetch({ shareSessionEpoch: 5 })).errorCode).toBe(
      ErrorCode.INVALID_SHARE_SESSION_EPOCH,
    );
    const unknownTopic = await shareFetch({
      shareSessionEpoch: 1,
      topics: [
        {
          topicId: 'AAAAAAAAAAAAAAAAAAAAAQ',
          partitions: [{ partitionIndex: 0, acknowledgementBatches: [] }],
        },
      ],
    });
    expect(unknownTopic.responses[0]!.partitions[0]!.errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_ID);
  });

  it('acknowledging records another member holds, or a bad batch, changes nothing', async () => {
    const state = tb.broker.context.share.partitionsOf('wg')[0]!.state;
    expect(state.counts().acquired).toBe(3);
    // m2 opens its own session (ShareAcknowledge cannot open one) and acknowledges m1's records.
    await shareFetch({ memberId: 'm2', topics: fetchPartition() });
    const ack = await request<ShareAcknowledgeResponse>(to, SHARE_ACK, 1, {
      groupId: 'wg',
      memberId: 'm2',
      shareSessionEpoch: 1,
      topics: fetchPartition([{ firstOffset: 0n, lastOffset: 2n, acknowledgeTypes: [1] }]),
    });
    expect(ack.responses[0]!.partitions[0]!.errorCode).toBe(ErrorCode.INVALID_RECORD_STATE);
    const reversed = await shareFetch({
      shareSessionEpoch: 2,
      topics: fetchPartition([{ firstOffset: 2n, lastOffset: 0n, acknowledgeTypes: [1] }]),
    });
    expect(reversed.responses[0]!.partitions[0]!.acknowledgeErrorCode).toBe(ErrorCode.INVALID_REQUEST);
    const opening = await request<ShareAcknowledgeResponse>(to, SHARE_ACK, 1, {
      groupId: 'wg',
      memberId: 'm3',
      shareSessionEpoch: 0,
      topics: [],
    });
    expect(opening.errorCode).toBe(ErrorCode.INVALID_SHARE_SESSION_EPOCH);
    expect(state.counts()).toMatchObject({ acquired: 3, acknowledged: 0 });
    expect(state.startOffset).toBe(0);
  });

  it('closing the session (epoch -1) applies its acknowledgements and releases the rest', async () => {
    const closed = await shareFetch({
      shareSessionEpoch: -1,
      topics: fetchPartition([{ firstOffset: 0n, lastOffset: 0n, acknowledgeTypes: [1] }]),
    });
    expect(closed.errorCode).toBe(ErrorCode.NONE);
    const state = tb.broker.context.share.partitionsOf('wg')[0]!.state;
    expect(state.startOffset).toBe(1);
    expect(state.counts()).toMatchObject({ available: 2, acquired: 0 });
  });
});

describe('share offsets requests with bad input', () => {
  // Group 'wg' exists (the ShareFetches above gave it state) and has no members.
  const alter = (
    groupId: string,
    partitions: { partitionIndex: number; startOffset: bigint }[],
    topicName = 'wire',
  ) =>
    request<AlterShareGroupOffsetsResponse>(to, ALTER_OFFSETS, 0, {
      groupId,
      topics: [{ topicName, partitions }],
    });
  const deleteOffsets = (groupId: string, topicName: string) =>
    request<DeleteShareGroupOffsetsResponse>(to, DELETE_OFFSETS, 0, { groupId, topics: [{ topicName }] });

  it('a negative offset, an unknown partition or topic, an unknown or empty group id: errors, nothing moved', async () => {
    const wgStart = () => tb.broker.context.share.partitionsOf('wg').map((p) => p.state.startOffset);
    const before = wgStart();
    const r = await alter('wg', [
      { partitionIndex: 0, startOffset: -5n },
      { partitionIndex: 7, startOffset: 1n },
    ]);
    expect(r.errorCode).toBe(ErrorCode.NONE);
    expect(r.responses[0]!.partitions.map((p) => p.errorCode)).toEqual([
      ErrorCode.INVALID_REQUEST,
      ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
    ]);
    const noTopic = await alter('wg', [{ partitionIndex: 0, startOffset: 1n }], 'no-such');
    expect(noTopic.responses[0]!.partitions[0]!.errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    expect(wgStart()).toEqual(before);

    const unknown = await alter('never-seen', [{ partitionIndex: 0, startOffset: 1n }]);
    expect(unknown.errorCode).toBe(ErrorCode.GROUP_ID_NOT_FOUND);
    expect(unknown.responses[0]!.partitions[0]!.errorCode).toBe(ErrorCode.GROUP_ID_NOT_FOUND);
    expect(tb.broker.context.share.groups.groups.has('never-seen')).toBe(false);
    expect((await alter('', [{ partitionIndex: 0, startOffset: 1n }])).errorCode).toBe(
      ErrorCode.INVALID_GROUP_ID,
    );
  });

  it('DeleteShareGroupOffsets: an unknown group, an unknown topic, a topic without state', async () => {
    expect((await deleteOffsets('never-seen', 'wire')).errorCode).toBe(ErrorCode.GROUP_ID_NOT_FOUND);
    const noTopic = await deleteOffsets('wg', 'no-such');
    expect(noTopic.responses[0]!.errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    tb.broker.context.createTopic('wire-unread', 1);
    const noState = await deleteOffsets('wg', 'wire-unread');
    expect(noState.responses[0]).toMatchObject({
      errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
      errorMessage: 'There is no offset information to delete.',
    });
  });
});

describe('a share group id is not a classic or KIP-848 group', () => {
  it('JoinGroup gets INCONSISTENT_GROUP_PROTOCOL and ConsumerGroupHeartbeat GROUP_ID_NOT_FOUND', async () => {
    const join = await request<{ errorCode: number }>(to, 11, 5, {
      groupId: 'wg',
      sessionTimeoutMs: 10_000,
      rebalanceTimeoutMs: 10_000,
      memberId: '',
      groupInstanceId: null,
      protocolType: 'consumer',
      protocols: [{ name: 'range', metadata: Buffer.alloc(0) }],
    });
    expect(join.errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    const hb = await request<{ errorCode: number; errorMessage: string | null }>(to, 68, 0, {
      groupId: 'wg',
      memberId: '',
      memberEpoch: 0,
      instanceId: null,
      rackId: null,
      rebalanceTimeoutMs: 10_000,
      subscribedTopicNames: ['wire'],
      serverAssignor: null,
      topicPartitions: [],
    });
    expect(hb.errorCode).toBe(ErrorCode.GROUP_ID_NOT_FOUND);
    expect(hb.errorMessage).toContain('not a consumer group');
  });
});

describe('share groups on a chain', () => {
  it('the coordinator head answers; another member sends the client to it', async () => {
    await onCluster({ chains: [{ name: 'a', nodes: [1, 2] }] }, async (cluster) => {
      await createTopic(cluster, 'st', 1);
      const md = await cluster.metadataFrom(1, ['st']);
      const stId = md.topics.find((t) => t.name === 'st')!.topicId as string;
      const heartbeat = (at: Address) =>
        request<ShareGroupHeartbeatResponse>(at, HEARTBEAT, 1, {
          groupId: 'cg',
          memberId: 'm',
          memberEpoch: 0,
          rackId: null,
          subscribedTopicNames: ['st'],
        });
      const fetchAt = (at: Address) =>
        request<ShareFetchResponse>(at, SHARE_FETCH, 1, {
          groupId: 'cg',
          memberId: 'm',
          shareSessionEpoch: 0,
          maxWaitMs: 0,
          minBytes: 1,
          maxBytes: 1024,
          maxRecords: 10,
          batchSize: 10,
          topics: [{ topicId: stId, partitions: [{ partitionIndex: 0, acknowledgementBatches: [] }] }],
          forgottenTopicsData: [],
        });
      const hb = await waitFor('the head to coordinate share groups', async () => {
        const r = await heartbeat(cluster.node(1).address);
        return r.errorCode === ErrorCode.COORDINATOR_LOAD_IN_PROGRESS ? undefined : r;
      });
      expect(hb.errorCode).toBe(ErrorCode.NONE);
      expect(hb.assignment?.topicPartitions).toEqual([{ topicId: stId, partitions: [0] }]);
      const atHead = await fetchAt(cluster.node(1).address);
      expect(atHead.errorCode).toBe(ErrorCode.NONE);
      expect(atHead.responses[0]!.partitions[0]!.errorCode).toBe(ErrorCode.NONE);

      const other = await heartbeat(cluster.node(2).address);
      expect(other.errorCode).toBe(ErrorCode.NOT_COORDINATOR);
      const atTail = await fetchAt(cluster.node(2).address);
      expect(atTail.responses[0]!.partitions[0]!.errorCode).toBe(ErrorCode.NOT_LEADER_OR_FOLLOWER);

      // The offsets APIs go to the coordinator too, and a group with a member is not reset.
      const alter = (at: Address) =>
        request<AlterShareGroupOffsetsResponse>(at, ALTER_OFFSETS, 0, {
          groupId: 'cg',
          topics: [{ topicName: 'st', partitions: [{ partitionIndex: 0, startOffset: 0n }] }],
        });
      expect((await alter(cluster.node(2).address)).errorCode).toBe(ErrorCode.NOT_COORDINATOR);
      const atCoordinator = await alter(cluster.node(1).address);
      expect(atCoordinator.errorCode).toBe(ErrorCode.NON_EMPTY_GROUP);
      expect(atCoordinator.responses[0]!.partitions[0]!.errorCode).toBe(ErrorCode.NON_EMPTY_GROUP);
    });
  }, 60_000);

  it("a partition of another chain than the coordinator's is refused with INVALID_REQUEST", async () => {
    await onCluster(
      {
        chains: [
          { name: 'a', nodes: [1] },
          { name: 'b', nodes: [2] },
        ],
      },
      async (cluster) => {
        await createTopic(cluster, 'st2', 8);
        const md = await cluster.metadataFrom(1, ['st2']);
        // Placement hashes over chain names only: the chain of `__consumer_offsets`-0 coordinates.
        const chains = ['a', 'b'].map((name, i) => ({
          name,
          members: [{ nodeId: i + 1, host: '', port: 0 }],
        }));
        const coordinator = chainFor(chains, '__consumer_offsets', 0)!.members[0]!.nodeId;
        const other = coordinator === 1 ? 2 : 1;
        const st2 = md.topics.find((t) => t.name === 'st2')!;
        const elsewhere = st2.partitions.find((p) => p.leaderId === other);
        expect(elsewhere, 'a partition of st2 on the other chain').toBeDefined();
        const r = await request<ShareFetchResponse>(cluster.node(other).address, SHARE_FETCH, 1, {
          groupId: 'cg2',
          memberId: 'm',
          shareSessionEpoch: 0,
          maxWaitMs: 0,
          minBytes: 1,
          maxBytes: 1024,
          maxRecords: 10,
          batchSize: 10,
          topics: [
            {
              topicId: st2.topicId as string,
              partitions: [{ partitionIndex: elsewhere!.partitionIndex, acknowledgementBatches: [] }],
            },
          ],
          forgottenTopicsData: [],
        });
        const p = r.responses[0]!.partitions[0]!;
        expect(p.errorCode).toBe(ErrorCode.INVALID_REQUEST);
        expect(p.errorMessage).toContain('another chain');
      },
    );
  }, 60_000);
});
