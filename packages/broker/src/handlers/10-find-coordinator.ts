import {
  ApiKey,
  ErrorCode,
  type FindCoordinatorRequest,
  type FindCoordinatorResponse,
  type FindCoordinatorResponseCoordinator,
} from '@kilgore/protocol';
import { mayGroup, mayTransactionalId } from '../acl/checks.js';
import { AclOperation } from '../acl/types.js';
import type { BrokerContext } from '../context.js';
import { defineHandler, type RequestInfo } from './types.js';

const GROUP = 0;
const TRANSACTION = 1;

/**
 * FindCoordinator: this node coordinates every group and transactional id, so the answer is
 * always this node, at the address of the listener the request came in on. v4+ batches keys.
 */
export const findCoordinatorHandler = defineHandler<FindCoordinatorRequest, FindCoordinatorResponse>({
  apiKey: ApiKey.FindCoordinator,
  minVersion: 0,
  maxVersion: 6,
  handle(request, info, broker) {
    const keyType = request.keyType ?? GROUP;
    if (info.apiVersion >= 4) {
      return {
        throttleTimeMs: 0,
        coordinators: request.coordinatorKeys.map((key) => coordinatorFor(key, keyType, info, broker)),
      };
    }
    const c = coordinatorFor(request.key, keyType, info, broker);
    return {
      throttleTimeMs: 0,
      errorCode: c.errorCode,
      errorMessage: c.errorMessage,
      nodeId: c.nodeId,
      host: c.host,
      port: c.port,
    };
  },
});

function coordinatorFor(
  key: string,
  keyType: number,
  info: RequestInfo,
  broker: BrokerContext,
): FindCoordinatorResponseCoordinator {
  const fail = (errorCode: number, errorMessage: string): FindCoordinatorResponseCoordinator => ({
    key,
    nodeId: -1,
    host: '',
    port: -1,
    errorCode,
    errorMessage,
  });
  if (keyType !== GROUP && keyType !== TRANSACTION) {
    return fail(ErrorCode.INVALID_REQUEST, `Unsupported key type ${keyType}`);
  }
  if (keyType === TRANSACTION && key === '') {
    return fail(ErrorCode.INVALID_REQUEST, 'The transactional id is empty');
  }
  if (keyType === GROUP && key === '') return fail(ErrorCode.INVALID_GROUP_ID, 'The group id is empty');
  // Kafka: DESCRIBE on the group or transactional id.
  if (keyType === GROUP && !mayGroup(broker, info, AclOperation.DESCRIBE, key)) {
    return fail(ErrorCode.GROUP_AUTHORIZATION_FAILED, 'Group authorization failed.');
  }
  if (keyType === TRANSACTION && !mayTransactionalId(broker, info, AclOperation.DESCRIBE, key)) {
    return fail(ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED, 'Transactional Id authorization failed.');
  }
  if (broker.chain) {
    // Under chain replication: the head of the chain owning __consumer_offsets.
    const head = broker.chain.coordinator();
    if (!head) return fail(ErrorCode.COORDINATOR_NOT_AVAILABLE, 'The coordinator is not available');
    return {
      key,
      nodeId: head.nodeId,
      host: head.host,
      port: head.port,
      errorCode: ErrorCode.NONE,
      errorMessage: null,
    };
  }
  const address = broker.advertised.find((a) => a.listener === info.listenerName) ?? broker.advertised[0];
  if (!address) return fail(ErrorCode.COORDINATOR_NOT_AVAILABLE, 'The coordinator is not available');
  return {
    key,
    nodeId: broker.nodeId,
    host: address.host,
    port: address.port,
    errorCode: ErrorCode.NONE,
    errorMessage: null,
  };
}
