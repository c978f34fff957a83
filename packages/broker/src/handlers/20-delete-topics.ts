import {
  ApiKey,
  type DeleteTopicsRequest,
  type DeleteTopicsResponse,
  type DeleteTopicsResponseDeletableTopicResult,
  ErrorCode,
  ZERO_UUID,
} from '@kilgore/protocol';
import { mayTopic } from '../acl/checks.js';
import { AclOperation } from '../acl/types.js';
import type { BrokerContext } from '../context.js';
import { TopicError } from '../topics/registry.js';
import { defineHandler } from './types.js';

/** DeleteTopics by name (v0-5) or by name or topic id (v6+). */
export const deleteTopicsHandler = defineHandler<DeleteTopicsRequest, DeleteTopicsResponse>({
  apiKey: ApiKey.DeleteTopics,
  minVersion: 0,
  maxVersion: 6,
  async handle(request, info, broker) {
    const wanted =
      info.apiVersion >= 6
        ? request.topics
        : request.topicNames.map((name) => ({ name, topicId: ZERO_UUID }));
    const responses: DeleteTopicsResponseDeletableTopicResult[] = [];
    for (const w of wanted) {
      // Kafka: DELETE on the topic; an unknown id stays UNKNOWN_TOPIC_ID.
      const byId = w.name === null || (w.topicId !== ZERO_UUID && w.name === '');
      const name = byId ? broker.topics.byId(w.topicId)?.name : w.name;
      if (name !== undefined && name !== null && !mayTopic(broker, info, AclOperation.DELETE, name)) {
        responses.push({
          name: byId ? null : name,
          topicId: w.topicId,
          errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED,
          errorMessage: 'Authorization failed.',
        });
        continue;
      }
      responses.push(await deleteOne(w.name, w.topicId, broker));
    }
    return { throttleTimeMs: 0, responses };
  },
});

async function deleteOne(
  name: string | null,
  topicId: string,
  broker: BrokerContext,
): Promise<DeleteTopicsResponseDeletableTopicResult> {
  const byId = name === null || (topicId !== ZERO_UUID && name === '');
  const topic = byId ? broker.topics.byId(topicId) : broker.topics.get(name);
  if (!topic) {
    return byId
      ? { name: null, topicId, errorCode: ErrorCode.UNKNOWN_TOPIC_ID, errorMessage: null }
      : { name, topicId, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: null };
  }
  if (!broker.config.deleteTopicEnable) {
    return {
      name: topic.name,
      topicId: topic.id,
      errorCode: ErrorCode.TOPIC_DELETION_DISABLED,
      errorMessage: 'Topic deletion is disabled.',
    };
  }
  try {
    await broker.deleteTopic(topic.name);
    return { name: topic.name, topicId: topic.id, errorCode: ErrorCode.NONE, errorMessage: null };
  } catch (err) {
    if (err instanceof TopicError)
      return { name: topic.name, topicId: topic.id, errorCode: err.code, errorMessage: err.message };
    throw err;
  }
}
