/**
 * ListTransactions (api key 66): versions 0-1, flexible 0+. v1 adds DurationFilter (KIP-994);
 * the response is the same in both.
 *
 * Transcribed from Apache Kafka's ListTransactionsRequest.json and ListTransactionsResponse.json.
 */
import type { ApiSchema } from '../schema/index.js';

export interface ListTransactionsRequest {
  /** Only transactions in one of these states; all when empty. */
  stateFilters: string[];
  /** Only transactions of one of these producer ids; all when empty. */
  producerIdFilters: bigint[];
  /** (v1+) Only transactions running longer than this many ms; all when negative. */
  durationFilter: bigint;
}

export interface ListTransactionsResponse {
  throttleTimeMs: number;
  errorCode: number;
  /** State filters of the request that name no transaction state. */
  unknownStateFilters: string[];
  transactionStates: readonly ListTransactionsResponseTransactionState[];
}

export interface ListTransactionsResponseTransactionState {
  transactionalId: string;
  producerId: bigint;
  transactionState: string;
}

export const ListTransactionsSchema: ApiSchema = {
  name: 'ListTransactions',
  apiKey: 66,
  validVersions: '0-1',
  flexibleVersions: '0+',
  request: {
    fields: [
      { name: 'stateFilters', type: '[]string', versions: '0+' },
      { name: 'producerIdFilters', type: '[]int64', versions: '0+' },
      { name: 'durationFilter', type: 'int64', versions: '1+', default: -1n },
    ],
  },
  response: {
    fields: [
      { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
      { name: 'errorCode', type: 'int16', versions: '0+' },
      { name: 'unknownStateFilters', type: '[]string', versions: '0+' },
      {
        name: 'transactionStates',
        type: '[]TransactionState',
        versions: '0+',
        fields: [
          { name: 'transactionalId', type: 'string', versions: '0+' },
          { name: 'producerId', type: 'int64', versions: '0+' },
          { name: 'transactionState', type: 'string', versions: '0+' },
        ],
      },
    ],
  },
};
