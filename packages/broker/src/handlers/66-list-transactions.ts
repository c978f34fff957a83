import {
  ApiKey,
  ErrorCode,
  type ListTransactionsRequest,
  type ListTransactionsResponse,
} from '@kilgore/protocol';
import { mayTransactionalId } from '../acl/checks.js';
import { AclOperation } from '../acl/types.js';
import { TXN_STATUS_NAMES, TxnStatus } from '../transactions/txn-records.js';
import { defineHandler } from './types.js';

/**
 * ListTransactions (kafka-transactions list): every transactional id the requester may describe,
 * filtered by state, producer id and (v1) how long the transaction has been open.
 */
export const listTransactionsHandler = defineHandler<ListTransactionsRequest, ListTransactionsResponse>({
  apiKey: ApiKey.ListTransactions,
  minVersion: 0,
  maxVersion: 1,
  handle(request, info, broker) {
    const states = new Set(request.stateFilters);
    const producers = new Set(request.producerIdFilters);
    const minDuration = info.apiVersion >= 1 ? Number(request.durationFilter) : -1;
    const now = Date.now();
    const transactionStates = [];
    for (const m of broker.transactions.all) {
      const state = TXN_STATUS_NAMES[m.status] ?? 'Unknown';
      if (states.size > 0 && !states.has(state)) continue;
      if (producers.size > 0 && !producers.has(m.producerId)) continue;
      if (minDuration >= 0 && (m.status !== TxnStatus.Ongoing || now - m.startMs <= minDuration)) continue;
      if (!mayTransactionalId(broker, info, AclOperation.DESCRIBE, m.transactionalId)) continue;
      transactionStates.push({
        transactionalId: m.transactionalId,
        producerId: m.producerId,
        transactionState: state,
      });
    }
    const known = new Set(Object.values(TXN_STATUS_NAMES));
    const unknownStateFilters = request.stateFilters.filter((s) => !known.has(s));
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, unknownStateFilters, transactionStates };
  },
});
