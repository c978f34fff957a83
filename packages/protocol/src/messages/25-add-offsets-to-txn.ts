/**
 * AddOffsetsToTxn (api key 25): versions 0-4, flexible 3+.
 *
 * Transcribed from Apache Kafka's AddOffsetsToTxnRequest.json and AddOffsetsToTxnResponse.json.
 *
 * Request versions (Kafka's notes):
 *   Version 1 is the same as version 0.
 *
 *   Version 2 adds the support for new error code PRODUCER_FENCED.
 *
 *   Version 3 enables flexible versions.
 *
 *   Version 4 adds support for new error code TRANSACTION_ABORTABLE (KIP-890).
 *
 * Response versions (Kafka's notes):
 *   Starting in version 1, on quota violation brokers send out responses before throttling.
 *
 *   Version 2 adds the support for new error code PRODUCER_FENCED.
 *
 *   Version 3 enables flexible versions.
 *
 *   Version 4 adds support for new error code TRANSACTION_ABORTABLE (KIP-890).
 */
import type { ApiSchema } from '../schema/index.js';

export interface AddOffsetsToTxnRequest {
  /** The transactional id corresponding to the transaction. */
  transactionalId: string;
  /** Current producer id in use by the transactional id. */
  producerId: bigint;
  /** Current epoch associated with the producer id. */
  producerEpoch: number;
  /** The unique group identifier. */
  groupId: string;
}

export interface AddOffsetsToTxnResponse {
  throttleTimeMs: number;
  /** The response error code, or 0 if there was no error. */
  errorCode: number;
}

export const AddOffsetsToTxnSchema: ApiSchema = {
  name: 'AddOffsetsToTxn',
  apiKey: 25,
  validVersions: '0-4',
  flexibleVersions: '3+',
  request: {
    fields: [
      {
        name: 'transactionalId',
        type: 'string',
        versions: '0+',
        about: 'The transactional id corresponding to the transaction.',
      },
      {
        name: 'producerId',
        type: 'int64',
        versions: '0+',
        about: 'Current producer id in use by the transactional id.',
      },
      {
        name: 'producerEpoch',
        type: 'int16',
        versions: '0+',
        about: 'Current epoch associated with the producer id.',
      },
      { name: 'groupId', type: 'string', versions: '0+', about: 'The unique group identifier.' },
    ],
  },
  response: {
    fields: [
      { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
      {
        name: 'errorCode',
        type: 'int16',
        versions: '0+',
        about: 'The response error code, or 0 if there was no error.',
      },
    ],
  },
};
