import {
  type AddOffsetsToTxnRequest,
  type AddOffsetsToTxnResponse,
  ApiKey,
  ErrorCode,
} from '@kilgore/protocol';
import { mayGroup, mayTransactionalId } from '../acl/checks.js';
import { AclOperation } from '../acl/types.js';
import { coordinatorError } from '../chain/partition-answers.js';
import { OFFSETS_TOPIC } from '../groups/offsets-log.js';
import { defineHandler } from './types.js';

/**
 * AddOffsetsToTxn: the group's `__consumer_offsets` partition joins the transaction, so that the
 * offsets TxnOffsetCommit writes there are committed or aborted with it (one partition here).
 */
export const addOffsetsToTxnHandler = defineHandler<AddOffsetsToTxnRequest, AddOffsetsToTxnResponse>({
  apiKey: ApiKey.AddOffsetsToTxn,
  minVersion: 0,
  maxVersion: 4,
  async handle(request, info, broker) {
    if (!mayTransactionalId(broker, info, AclOperation.WRITE, request.transactionalId)) {
      return { throttleTimeMs: 0, errorCode: ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED };
    }
    if (!mayGroup(broker, info, AclOperation.READ, request.groupId)) {
      return { throttleTimeMs: 0, errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED };
    }
    const notHere = coordinatorError(broker);
    if (notHere !== ErrorCode.NONE) return { throttleTimeMs: 0, errorCode: notHere };
    // The offsets partition must exist before its marker can be written.
    broker.groups.offsets.ensureLog();
    const errorCode = await broker.transactions.addPartitions(
      request.transactionalId,
      request.producerId,
      request.producerEpoch,
      [{ topic: OFFSETS_TOPIC, partition: 0 }],
    );
    return { throttleTimeMs: 0, errorCode };
  },
});
