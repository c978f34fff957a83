import {
  type ConsumerGroupDescribeResponse,
  type ConsumerGroupHeartbeatResponse,
  type DeleteGroupsResponse,
  type DescribeGroupsResponse,
  ErrorCode,
  type ListGroupsResponse,
  type OffsetCommitResponse,
  type OffsetFetchResponse,
} from '@kilgore/protocol';
import { describe, expect, it } from 'vitest';
import { createTopic, onCluster } from '../support/chain-views.js';
import { type ChainCluster, waitFor } from '../support/cluster.js';
import { type Address, request } from '../support/wire.js';

// A KIP-848 group lives in __consumer_offsets, which the chain replicates: when the head (the
// group coordinator) is killed with kill -9 and taken out of the chain, the new head replays the
// group from its copy of the log. The member then heartbeats there at the epoch it had and keeps
// its partitions, no rebalance, and its committed offset is there; the other node lists no
// groups and sends group admin requests on. (The classic-group analogue is
// group-offsets-failover.test.ts.)

const TOPIC = 'cg-failover';
const GROUP = 'cg-failover-g';

function address(cluster: ChainCluster, id: number): Address {
  const [host, port] = cluster.node(id).bootstrap.split(':');
  return { host: host!, port: Number(port) };
}

function heartbeat(to: Address, memberId: string, memberEpoch: number) {
  return request<ConsumerGroupHeartbeatResponse>(to, 68, 1, {
    groupId: GROUP,
    memberId,
    memberEpoch,
    instanceId: null,
    rackId: null,
    rebalanceTimeoutMs: 30_000,
    subscribedTopicNames: memberEpoch === 0 ? [TOPIC] : null,
    subscribedTopicRegex: null,
    serverAssignor: null,
    topicPartitions: memberEpoch === 0 ? [] : null,
  });
}

/** The partitions a heartbeat answer assigns, as "topicId:p" sorted. */
function assigned(r: ConsumerGroupHeartbeatResponse): string[] {
  return (r.assignment?.topicPartitions ?? [])
    .flatMap((t) => t.partitions.map((p) => `${t.topicId}:${p}`))
    .sort();
}

describe('a KIP-848 group on a chain', () => {
  it("is replayed by the new head after the coordinator's kill -9: same member, epoch, partitions and offsets", async () => {
    await onCluster({ chains: [{ name: 'a', nodes: [1, 2, 3] }] }, async (cluster) => {
      await createTopic(cluster, TOPIC, 2);
      const head = address(cluster, 1);
      const joined = await heartbeat(head, '', 0);
      expect(joined.errorCode).toBe(ErrorCode.NONE);
      const memberId = joined.memberId!;
      const epoch = joined.memberEpoch;
      const before = assigned(joined);
      expect(before).toHaveLength(2);

      const committed = await request<OffsetCommitResponse>(head, 8, 9, {
        groupId: GROUP,
        generationIdOrMemberEpoch: epoch,
        memberId,
        groupInstanceId: null,
        retentionTimeMs: -1n,
        topics: [
          {
            name: TOPIC,
            partitions: [
              { partitionIndex: 1, committedOffset: 17n, committedLeaderEpoch: -1, committedMetadata: '' },
            ],
          },
        ],
      });
      expect(committed.topics[0]!.partitions[0]!.errorCode).toBe(ErrorCode.NONE);

      // The coordinator dies and leaves the chain: node 2 is the head now.
      await cluster.kill(1);
      cluster.setMembership([{ name: 'a', nodes: [2, 3] }]);
      const newHead = address(cluster, 2);
      const again = await waitFor(
        'the new head to answer the member heartbeat',
        async () => {
          const r = await heartbeat(newHead, memberId, epoch);
          return r.errorCode === ErrorCode.NONE ? r : undefined;
        },
        30_000,
        300,
      );
      expect(again).toMatchObject({ memberId, memberEpoch: epoch });
      expect(assigned(again)).toEqual(before);

      const described = await request<ConsumerGroupDescribeResponse>(newHead, 69, 0, {
        groupIds: [GROUP],
        includeAuthorizedOperations: false,
      });
      expect(described.groups[0]).toMatchObject({
        errorCode: ErrorCode.NONE,
        groupState: 'Stable',
        groupEpoch: epoch,
      });
      expect(described.groups[0]!.members.map((m) => [m.memberId, m.memberEpoch])).toEqual([
        [memberId, epoch],
      ]);

      const fetched = await request<OffsetFetchResponse>(newHead, 9, 9, {
        requireStable: false,
        groups: [
          { groupId: GROUP, memberId, memberEpoch: epoch, topics: [{ name: TOPIC, partitionIndexes: [1] }] },
        ],
      });
      expect(fetched.groups[0]!.errorCode).toBe(ErrorCode.NONE);
      expect(fetched.groups[0]!.topics[0]!.partitions[0]!.committedOffset).toBe(17n);

      // Only the coordinator lists, describes and deletes groups: node 3 lists none and sends
      // describe and delete requests on (NOT_COORDINATOR), as a Kafka broker that is not the
      // group's coordinator does.
      const listed = async (id: number) =>
        (
          await request<ListGroupsResponse>(address(cluster, id), 16, 5, {
            statesFilter: [],
            typesFilter: [],
          })
        ).groups.map((g) => `${g.groupId}/${g.groupType}/${g.groupState}`);
      expect(await listed(2)).toEqual([`${GROUP}/consumer/Stable`]);
      expect(await listed(3)).toEqual([]);
      const tail = address(cluster, 3);
      const onTail = await request<ConsumerGroupDescribeResponse>(tail, 69, 0, {
        groupIds: [GROUP],
        includeAuthorizedOperations: false,
      });
      expect(onTail.groups[0]!.errorCode).toBe(ErrorCode.NOT_COORDINATOR);
      const classicOnTail = await request<DescribeGroupsResponse>(tail, 15, 5, {
        groups: [GROUP],
        includeAuthorizedOperations: false,
      });
      expect(classicOnTail.groups[0]!.errorCode).toBe(ErrorCode.NOT_COORDINATOR);
      const deleteOnTail = await request<DeleteGroupsResponse>(tail, 42, 2, { groupsNames: [GROUP] });
      expect(deleteOnTail.results[0]!.errorCode).toBe(ErrorCode.NOT_COORDINATOR);
    });
  }, 120_000);
});
