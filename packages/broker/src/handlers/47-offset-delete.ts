import { ApiKey, ErrorCode, type OffsetDeleteRequest, type OffsetDeleteResponse } from '@kilgore/protocol';
import { mayGroup, mayTopic } from '../acl/checks.js';
import { AclOperation } from '../acl/types.js';
import { defineHandler } from './types.js';

/** OffsetDelete: drops committed offsets of topics the group's members no longer subscribe to. */
export const offsetDeleteHandler = defineHandler<OffsetDeleteRequest, OffsetDeleteResponse>({
  apiKey: ApiKey.OffsetDelete,
  minVersion: 0,
  maxVersion: 0,
  async handle(request, info, broker) {
    // Kafka: DELETE on the group, then READ on each topic; refused topics keep their offsets.
    if (!mayGroup(broker, info, AclOperation.DELETE, request.groupId)) {
      return { errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED, throttleTimeMs: 0, topics: [] };
    }
    const allowed = request.topics.filter((t) => mayTopic(broker, info, AclOperation.READ, t.name));
    const denied = request.topics
      .filter((t) => !allowed.includes(t))
      .map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => ({
          partitionIndex: p.partitionIndex,
          errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED,
        })),
      }));
    const r = await broker.groups.offsets.deleteOffsets(request.groupId, allowed);
    return { errorCode: r.errorCode, throttleTimeMs: 0, topics: [...r.topics, ...denied] };
  },
});
