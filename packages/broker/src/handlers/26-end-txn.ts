import { ApiKey, type EndTxnRequest, type EndTxnResponse, ErrorCode } from '@kilgore/protocol';
import { mayTransactionalId } from '../acl/checks.js';
import { AclOperation } from '../acl/types.js';
import { coordinatorError } from '../chain/partition-answers.js';
import { defineHandler } from './types.js';

/**
 * EndTxn: commits or aborts; answered once every partition of the transaction has its marker.
 * v5 (KIP-890 transactions v2) is not offered: Kilgore does not advertise transaction.version 2,
 * so clients keep one epoch per producer session.
 */
export const endTxnHandler = defineHandler<EndTxnRequest, EndTxnResponse>({
  apiKey: ApiKey.EndTxn,
  minVersion: 0,
  maxVersion: 4,
  async handle(request, info, broker) {
    if (!mayTransactionalId(broker, info, AclOperation.WRITE, request.transactionalId)) {
      return { throttleTimeMs: 0, errorCode: ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED };
    }
    const notHere = coordinatorError(broker);
    if (notHere !== ErrorCode.NONE) return { throttleTimeMs: 0, errorCode: notHere };
    const errorCode = await broker.transactions.endTxn(
      request.transactionalId,
      request.producerId,
      request.producerEpoch,
      request.committed,
    );
    // Before v4 clients do not know PRODUCER_FENCED (KIP-588).
    return {
      throttleTimeMs: 0,
      errorCode:
        errorCode === ErrorCode.PRODUCER_FENCED && info.apiVersion < 4
          ? ErrorCode.INVALID_PRODUCER_EPOCH
          : errorCode,
    };
  },
});
