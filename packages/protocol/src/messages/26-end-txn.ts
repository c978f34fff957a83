/**
 * EndTxn (api key 26): versions 0-5, flexible 3+.
 *
 * Transcribed from Apache Kafka's EndTxnRequest.json and EndTxnResponse.json.
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
 *   Version 5 enables bumping epoch on every transaction (KIP-890 Part 2)
 *
 * Response versions (Kafka's notes):
 *   Starting in version 1, on quota violation, brokers send out responses before throttling.
 *
 *   Version 2 adds the support for new error code PRODUCER_FENCED.
 *
 *   Version 3 enables flexible versions.
 *
 *   Version 4 adds support for new error code TRANSACTION_ABORTABLE (KIP-890).
 *
 *   Version 5 enables bumping epoch on every transaction (KIP-890 Part 2), so producer ID and epoch are included in the response.
 */
import type { ApiSchema } from '../schema/index.js';

export interface EndTxnRequest {
  /** The ID of the transaction to end. */
  transactionalId: string;
  /** The producer ID. */
  producerId: bigint;
  /** The current epoch associated with the producer. */
  producerEpoch: number;
  /** True if the transaction was committed, false if it was aborted. */
  committed: boolean;
}

export interface EndTxnResponse {
  throttleTimeMs: number;
  /** The error code, or 0 if there was no error. */
  errorCode: number;
  /** (v5+) The producer ID. */
  producerId?: bigint;
  /** (v5+) The current epoch associated with the producer. */
  producerEpoch?: number;
}

export const EndTxnSchema: ApiSchema = {
  name: 'EndTxn',
  apiKey: 26,
  validVersions: '0-5',
  flexibleVersions: '3+',
  request: {
    fields: [
      { name: 'transactionalId', type: 'string', versions: '0+', about: 'The ID of the transaction to end.' },
      { name: 'producerId', type: 'int64', versions: '0+', about: 'The producer ID.' },
      {
        name: 'producerEpoch',
        type: 'int16',
        versions: '0+',
        about: 'The current epoch associated with the producer.',
      },
      {
        name: 'committed',
        type: 'bool',
        versions: '0+',
        about: 'True if the transaction was committed, false if it was aborted.',
      },
    ],
  },
  response: {
    fields: [
      { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
      {
        name: 'errorCode',
        type: 'int16',
        versions: '0+',
        about: 'The error code, or 0 if there was no error.',
      },
      {
        name: 'producerId',
        type: 'int64',
        versions: '5+',
        default: -1n,
        ignorable: true,
        about: 'The producer ID.',
      },
      {
        name: 'producerEpoch',
        type: 'int16',
        versions: '5+',
        default: -1,
        ignorable: true,
        about: 'The current epoch associated with the producer.',
      },
    ],
  },
};
