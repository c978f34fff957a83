import {
  ApiKey,
  type DescribeProducersRequest,
  type DescribeProducersResponse,
  ErrorCode,
} from '@kilgore/protocol';
import { mayTopic } from '../acl/checks.js';
import { AclOperation } from '../acl/types.js';
import { defineHandler } from './types.js';

/**
 * DescribeProducers (kafka-transactions describe-producers): the idempotent and transactional
 * producers a partition knows, with the offset each one's open transaction began at. Kilgore
 * keeps no per-producer timestamp, so lastTimestamp is -1.
 */
export const describeProducersHandler = defineHandler<DescribeProducersRequest, DescribeProducersResponse>({
  apiKey: ApiKey.DescribeProducers,
  minVersion: 0,
  maxVersion: 0,
  handle(request, info, broker) {
    return {
      throttleTimeMs: 0,
      topics: request.topics.map((t) => {
        const allowed = mayTopic(broker, info, AclOperation.READ, t.name);
        const topic = broker.topics.get(t.name);
        return {
          name: t.name,
          partitions: t.partitionIndexes.map((partitionIndex) => {
            const fail = (errorCode: number) => ({
              partitionIndex,
              errorCode,
              errorMessage: null,
              activeProducers: [],
            });
            if (!allowed) return fail(ErrorCode.TOPIC_AUTHORIZATION_FAILED);
            const log =
              topic && partitionIndex >= 0 && partitionIndex < topic.partitions
                ? broker.logs.get(t.name, partitionIndex)
                : undefined;
            if (!log) return fail(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
            const open = log.openTransactions;
            const known = broker.producerStates.producersOf(t.name, partitionIndex);
            for (const producerId of open?.keys() ?? []) {
              if (!known.some((p) => p.producerId === producerId))
                known.push({ producerId, epoch: -1, lastSequence: -1 });
            }
            return {
              partitionIndex,
              errorCode: ErrorCode.NONE,
              errorMessage: null,
              activeProducers: known.map((p) => ({
                producerId: p.producerId,
                producerEpoch: p.epoch,
                lastSequence: p.lastSequence,
                lastTimestamp: -1n,
                coordinatorEpoch: -1,
                currentTxnStartOffset: BigInt(open?.get(p.producerId) ?? -1),
              })),
            };
          }),
        };
      }),
    };
  },
});
