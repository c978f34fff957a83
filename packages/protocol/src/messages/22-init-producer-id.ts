/**
 * InitProducerId (api key 22): versions 0-5, flexible 2+.
 *
 * Transcribed from Apache Kafka's InitProducerIdRequest.json and InitProducerIdResponse.json.
 *
 * Request versions (Kafka's notes):
 *   Version 1 is the same as version 0.
 *
 *   Version 2 is the first flexible version.
 *
 *   Version 3 adds ProducerId and ProducerEpoch, allowing producers to try to resume after an INVALID_PRODUCER_EPOCH error
 *
 *   Version 4 adds the support for new error code PRODUCER_FENCED.
 *
 *   Verison 5 adds support for new error code TRANSACTION_ABORTABLE (KIP-890).
 *
 * Response versions (Kafka's notes):
 *   Starting in version 1, on quota violation, brokers send out responses before throttling.
 *
 *   Version 2 is the first flexible version.
 *
 *   Version 3 is the same as version 2.
 *
 *   Version 4 adds the support for new error code PRODUCER_FENCED.
 *
 *   Version 5 adds support for new error code TRANSACTION_ABORTABLE (KIP-890).
 */
import type { ApiSchema } from '../schema/index.js';

export interface InitProducerIdRequest {
  /** The transactional id, or null if the producer is not transactional. */
  transactionalId: string | null;
  /** The time in ms to wait before aborting idle transactions sent by this producer. */
  transactionTimeoutMs: number;
  /** (v3+) The producer id. */
  producerId: bigint;
  /** (v3+) The producer's current epoch. */
  producerEpoch: number;
}

export interface InitProducerIdResponse {
  throttleTimeMs: number;
  /** The error code, or 0 if there was no error. */
  errorCode: number;
  /** The current producer id. */
  producerId: bigint;
  /** The current epoch associated with the producer id. */
  producerEpoch: number;
}

export const InitProducerIdSchema: ApiSchema = {
  name: 'InitProducerId',
  apiKey: 22,
  validVersions: '0-5',
  flexibleVersions: '2+',
  request: {
    fields: [
      { name: 'transactionalId', type: 'string', versions: '0+', nullableVersions: '0+' },
      { name: 'transactionTimeoutMs', type: 'int32', versions: '0+' },
      { name: 'producerId', type: 'int64', versions: '3+', default: -1n, about: 'The producer id.' },
      {
        name: 'producerEpoch',
        type: 'int16',
        versions: '3+',
        default: -1,
        about: "The producer's current epoch.",
      },
    ],
  },
  response: {
    fields: [
      { name: 'throttleTimeMs', type: 'int32', versions: '0+', ignorable: true },
      {
        name: 'errorCode',
        type: 'int16',
        versions: '0+',
        about: 'The error code, or 0 if there was no error.',
      },
      { name: 'producerId', type: 'int64', versions: '0+', default: -1n, about: 'The current producer id.' },
      {
        name: 'producerEpoch',
        type: 'int16',
        versions: '0+',
        about: 'The current epoch associated with the producer id.',
      },
    ],
  },
};
