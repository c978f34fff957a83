import {
  ApiKey,
  type DeleteShareGroupOffsetsRequest,
  type DeleteShareGroupOffsetsResponse,
  ErrorCode,
  ZERO_UUID,
} from '@kilgore/protocol';
import { mayTopic } from '../acl/checks.js';
import { AclOperation } from '../acl/types.js';
import { refuseShareOffsetsChange } from './share-offsets-admin.js';
import { defineHandler } from './types.js';

/**
 * DeleteShareGroupOffsets (KIP-932): `kafka-share-groups --delete-offsets`. The group's state for
 * each named topic goes (start offset, in-flight records, delivery counts); the next ShareFetch
 * starts it again from `group.share.auto.offset.reset`. The group must be empty.
 */
export const deleteShareGroupOffsetsHandler = defineHandler<
  DeleteShareGroupOffsetsRequest,
  DeleteShareGroupOffsetsResponse
>({
  apiKey: ApiKey.DeleteShareGroupOffsets,
  minVersion: 0,
  maxVersion: 0,
  async handle(request, info, broker) {
    const refusal = refuseShareOffsetsChange(broker, info, request.groupId);
    if (refusal) return { throttleTimeMs: 0, ...refusal, responses: [] };
    const responses = request.topics.map(({ topicName }) => {
      const answer = (topicId: string, errorCode: number, errorMessage: string | null) => ({
        topicName,
        topicId,
        errorCode,
        errorMessage,
      });
      if (!mayTopic(broker, info, AclOperation.READ, topicName)) {
        return answer(ZERO_UUID, ErrorCode.TOPIC_AUTHORIZATION_FAILED, 'Topic authorization failed.');
      }
      const topic = broker.topics.get(topicName);
      if (topic === undefined) {
        return answer(
          ZERO_UUID,
          ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
          'This server does not host this topic-partition.',
        );
      }
      // Kafka's answer for a topic the group has no state for.
      if (!broker.share.partitionsOf(request.groupId).some((p) => p.topicId === topic.id)) {
        return answer(
          topic.id,
          ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
          'There is no offset information to delete.',
        );
      }
      broker.share.deleteTopicState(request.groupId, topic.id);
      return answer(topic.id, ErrorCode.NONE, null);
    });
    await broker.share.persist();
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: null, responses };
  },
});
