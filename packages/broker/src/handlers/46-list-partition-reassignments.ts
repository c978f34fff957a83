import {
  ApiKey,
  ErrorCode,
  type ListPartitionReassignmentsRequest,
  type ListPartitionReassignmentsResponse,
} from '@kilgore/protocol';
import { mayCluster } from '../acl/checks.js';
import { AclOperation } from '../acl/types.js';
import { defineHandler } from './types.js';

/**
 * ListPartitionReassignments: the partitions whose added replicas are still catching up, with
 * the replica set and the replicas being added; moves to another chain until the target chain
 * has caught up, with the old chain's replicas as removing (a smaller set within a chain is
 * taken at once). DESCRIBE on the cluster, as Kafka. One node: none.
 */
export const listPartitionReassignmentsHandler = defineHandler<
  ListPartitionReassignmentsRequest,
  ListPartitionReassignmentsResponse
>({
  apiKey: ApiKey.ListPartitionReassignments,
  minVersion: 0,
  maxVersion: 0,
  handle(request, info, broker) {
    if (!mayCluster(broker, info, AclOperation.DESCRIBE)) {
      return {
        throttleTimeMs: 0,
        errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED,
        errorMessage: null,
        topics: [],
      };
    }
    const reassignments = broker.chain?.reassignments;
    const asked =
      request.topics?.map((t) => ({
        name: t.name,
        only: t.partitionIndexes as readonly number[] | undefined,
      })) ?? broker.topics.list().map((t) => ({ name: t.name, only: undefined }));
    const topics = asked.flatMap(({ name, only }) => {
      const t = broker.topics.get(name);
      const ongoing = t && reassignments ? reassignments.ongoing(t, only) : [];
      if (ongoing.length === 0) return [];
      return [
        {
          name,
          partitions: ongoing.map((o) => ({
            partitionIndex: o.partition,
            replicas: o.replicas,
            addingReplicas: o.adding,
            removingReplicas: o.removing,
          })),
        },
      ];
    });
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: null, topics };
  },
});
