import {
  ApiKey,
  type DescribeTransactionsRequest,
  type DescribeTransactionsResponse,
  ErrorCode,
} from '@kilgore/protocol';
import { mayTransactionalId } from '../acl/checks.js';
import { AclOperation } from '../acl/types.js';
import { TXN_STATUS_NAMES } from '../transactions/txn-records.js';
import { defineHandler } from './types.js';

/** DescribeTransactions (kafka-transactions describe): the coordinator's state of each id. */
export const describeTransactionsHandler = defineHandler<
  DescribeTransactionsRequest,
  DescribeTransactionsResponse
>({
  apiKey: ApiKey.DescribeTransactions,
  minVersion: 0,
  maxVersion: 0,
  handle(request, info, broker) {
    return {
      throttleTimeMs: 0,
      transactionStates: request.transactionalIds.map((transactionalId) => {
        const none = (errorCode: number) => ({
          errorCode,
          transactionalId,
          transactionState: '',
          transactionTimeoutMs: 0,
          transactionStartTimeMs: -1n,
          producerId: -1n,
          producerEpoch: -1,
          topicPartitions: [],
        });
        if (!mayTransactionalId(broker, info, AclOperation.DESCRIBE, transactionalId)) {
          return none(ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
        }
        const m = broker.transactions.get(transactionalId);
        if (!m) return none(ErrorCode.TRANSACTIONAL_ID_NOT_FOUND);
        return {
          errorCode: ErrorCode.NONE,
          transactionalId,
          transactionState: TXN_STATUS_NAMES[m.status] ?? 'Unknown',
          transactionTimeoutMs: m.timeoutMs,
          transactionStartTimeMs: BigInt(m.startMs),
          producerId: m.producerId,
          producerEpoch: m.producerEpoch,
          topicPartitions: [...m.partitions].map(([name, ids]) => ({
            name,
            partitionIndexes: [...ids].sort((a, b) => a - b),
          })),
        };
      }),
    };
  },
});
