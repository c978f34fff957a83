import {
  ApiKey,
  ErrorCode,
  type ShareAcknowledgeRequest,
  type ShareAcknowledgeResponse,
  type ShareAcknowledgeResponsePartition,
} from '@kilgore/protocol';
import { mayGroup, mayTopic } from '../acl/checks.js';
import { AclOperation } from '../acl/types.js';
import { leaderEpochOf, partitionReplicas } from '../chain/partition-answers.js';
import { applyAcknowledgements, CLOSE_EPOCH } from '../share/index.js';
import { sharePartitionRefused } from './share-on-chains.js';
import { defineHandler } from './types.js';

function failure(errorCode: number, errorMessage: string | null = null): ShareAcknowledgeResponse {
  return { throttleTimeMs: 0, errorCode, errorMessage, responses: [], nodeEndpoints: [] };
}

/**
 * ShareAcknowledge (KIP-932): accept, release or reject records the member acquired, inside its
 * share session (epoch 0 cannot open one here). Epoch -1 closes the session after applying the
 * acknowledgements and releases whatever the member still holds. The state is written before the
 * answer goes out.
 */
export const shareAcknowledgeHandler = defineHandler<ShareAcknowledgeRequest, ShareAcknowledgeResponse>({
  apiKey: ApiKey.ShareAcknowledge,
  minVersion: 1,
  maxVersion: 1,
  async handle(request, info, broker) {
    const { groupId, memberId } = request;
    if (groupId === null || groupId === '' || memberId === null || memberId === '') {
      return failure(ErrorCode.INVALID_REQUEST, 'ShareAcknowledge needs a group id and a member id.');
    }
    if (!mayGroup(broker, info, AclOperation.READ, groupId))
      return failure(ErrorCode.GROUP_AUTHORIZATION_FAILED);
    const session = broker.share.sessions.advance(groupId, memberId, request.shareSessionEpoch, false);
    if (typeof session === 'number') return failure(session);
    const refused = (topic: string, partition: number) => sharePartitionRefused(broker, topic, partition);
    const responses = request.topics.map((t) => {
      const topic = broker.topics.byId(t.topicId);
      const partitions = t.partitions.map((p): ShareAcknowledgeResponsePartition => {
        const out: ShareAcknowledgeResponsePartition = {
          partitionIndex: p.partitionIndex,
          errorCode: ErrorCode.NONE,
          errorMessage: null,
          currentLeader: {
            leaderId: topic ? partitionReplicas(broker, topic.name, p.partitionIndex).leader : -1,
            leaderEpoch: topic ? leaderEpochOf(broker, topic.name, p.partitionIndex) : -1,
          },
        };
        if (!topic) out.errorCode = ErrorCode.UNKNOWN_TOPIC_ID;
        else if (!mayTopic(broker, info, AclOperation.READ, topic.name))
          out.errorCode = ErrorCode.TOPIC_AUTHORIZATION_FAILED;
        else if (p.partitionIndex < 0 || p.partitionIndex >= topic.partitions) {
          out.errorCode = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
        } else if (refused(topic.name, p.partitionIndex)) {
          Object.assign(out, refused(topic.name, p.partitionIndex));
        } else {
          const ack = applyAcknowledgements(
            broker.share,
            groupId,
            memberId,
            t.topicId,
            topic.name,
            p.partitionIndex,
            p.acknowledgementBatches,
          );
          out.errorCode = ack.errorCode;
          out.errorMessage = ack.errorMessage;
        }
        return out;
      });
      return { topicId: t.topicId, partitions };
    });
    if (request.shareSessionEpoch === CLOSE_EPOCH) {
      for (const p of broker.share.partitionsOf(groupId)) p.state.releaseAll(memberId);
    }
    await broker.share.persist();
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: null, responses, nodeEndpoints: [] };
  },
});
