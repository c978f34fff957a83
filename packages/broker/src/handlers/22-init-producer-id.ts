import {
  ApiKey,
  ErrorCode,
  type InitProducerIdRequest,
  type InitProducerIdResponse,
} from '@kilgore/protocol';
import { mayCluster, mayTransactionalId } from '../acl/checks.js';
import { AclOperation, ResourceType } from '../acl/types.js';
import { coordinatorError } from '../chain/partition-answers.js';
import { defineHandler } from './types.js';

const MAX_EPOCH = 32767;

/**
 * InitProducerId for idempotent producers: a fresh producer id at epoch 0, or (v3+, KIP-360) the
 * same id at the next epoch when the producer asks to bump its own. With a transactional id the
 * transaction coordinator answers (transactions/coordinator.ts).
 */
export const initProducerIdHandler = defineHandler<InitProducerIdRequest, InitProducerIdResponse>({
  apiKey: ApiKey.InitProducerId,
  minVersion: 0,
  maxVersion: 4,
  async handle(request, info, broker) {
    if (request.transactionalId !== null) {
      // Kafka: WRITE on the transactional id.
      if (!mayTransactionalId(broker, info, AclOperation.WRITE, request.transactionalId)) {
        return {
          throttleTimeMs: 0,
          errorCode: ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED,
          producerId: -1n,
          producerEpoch: -1,
        };
      }
      const notHere = coordinatorError(broker);
      if (notHere !== ErrorCode.NONE)
        return { throttleTimeMs: 0, errorCode: notHere, producerId: -1n, producerEpoch: -1 };
      const r = await broker.transactions.initProducerId(
        request.transactionalId,
        request.transactionTimeoutMs,
        info.apiVersion >= 3 ? request.producerId : -1n,
        info.apiVersion >= 3 ? request.producerEpoch : -1,
      );
      // Before v4 clients do not know PRODUCER_FENCED (KIP-588).
      const errorCode =
        r.errorCode === ErrorCode.PRODUCER_FENCED && info.apiVersion < 4
          ? ErrorCode.INVALID_PRODUCER_EPOCH
          : r.errorCode;
      return { throttleTimeMs: 0, ...r, errorCode };
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
