import {
  ApiKey,
  ErrorCode,
  type InitProducerIdRequest,
  type InitProducerIdResponse,
} from '@kilgore/protocol';
import { mayCluster } from '../acl/checks.js';
import { AclOperation, ResourceType } from '../acl/types.js';
import { defineHandler } from './types.js';

const MAX_EPOCH = 32767;

/**
 * InitProducerId for idempotent producers: a fresh producer id at epoch 0, or (v3+, KIP-360) the
 * same id at the next epoch when the producer asks to bump its own. Transactional ids need a
 * transaction coordinator, which Kilgore does not have yet.
 */
export const initProducerIdHandler = defineHandler<InitProducerIdRequest, InitProducerIdResponse>({
  apiKey: ApiKey.InitProducerId,
  minVersion: 0,
  maxVersion: 4,
  handle(request, info, broker) {
    if (request.transactionalId !== null) {
      return {
        throttleTimeMs: 0,
        errorCode: ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED,
        producerId: -1n,
        producerEpoch: -1,
      };
    }
    // Kafka 3+: an idempotent producer needs IDEMPOTENT_WRITE on the cluster or WRITE on some topic.
    if (
      !mayCluster(broker, info, AclOperation.IDEMPOTENT_WRITE) &&
      !broker.authorizer.authorizeAny(info, AclOperation.WRITE, ResourceType.TOPIC)
    ) {
      return {
        throttleTimeMs: 0,
        errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED,
        producerId: -1n,
        producerEpoch: -1,
      };
    }
    if (request.producerId >= 0n && request.producerEpoch >= 0 && request.producerEpoch < MAX_EPOCH) {
      return {
        throttleTimeMs: 0,
        errorCode: ErrorCode.NONE,
        producerId: request.producerId,
        producerEpoch: request.producerEpoch + 1,
      };
    }
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      producerId: broker.producerIds.allocate(),
      producerEpoch: 0,
    };
  },
});
