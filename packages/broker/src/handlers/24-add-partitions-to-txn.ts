import {
  type AddPartitionsToTxnRequest,
  type AddPartitionsToTxnRequestAddPartitionsToTxnTopic,
  type AddPartitionsToTxnResponse,
  type AddPartitionsToTxnResponseAddPartitionsToTxnTopicResult,
  ApiKey,
  ErrorCode,
} from '@kilgore/protocol';
import { mayTopic, mayTransactionalId } from '../acl/checks.js';
import { AclOperation } from '../acl/types.js';
import { coordinatorError } from '../chain/partition-answers.js';
import type { BrokerContext } from '../context.js';
import { defineHandler, type RequestInfo } from './types.js';

/**
 * AddPartitionsToTxn: v0-3 as producers send it (one transaction), v4+ in the batched form
 * brokers use, with KIP-890's verify-only check. Every partition gets the transaction's answer;
 * unknown partitions and refused topics fail the request, the others get OPERATION_NOT_ATTEMPTED.
 */
export const addPartitionsToTxnHandler = defineHandler<AddPartitionsToTxnRequest, AddPartitionsToTxnResponse>(
  {
    apiKey: ApiKey.AddPartitionsToTxn,
    minVersion: 0,
    maxVersion: 5,
    async handle(request, info, broker) {
      if (info.apiVersion <= 3) {
        const topicResults = await addOne(
          broker,
          info,
          request.v3AndBelowTransactionalId,
          request.v3AndBelowProducerId,
          request.v3AndBelowProducerEpoch,
          request.v3AndBelowTopics,
          false,
        );
        return { throttleTimeMs: 0, resultsByTopicV3AndBelow: topicResults };
      }
      const resultsByTransaction = [];
      for (const t of request.transactions) {
        const topicResults = await addOne(
          broker,
          info,
          t.transactionalId,
          t.producerId,
          t.producerEpoch,
          t.topics,
          t.verifyOnly,
        );
        resultsByTransaction.push({ transactionalId: t.transactionalId, topicResults });
      }
      return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, resultsByTransaction };
    },
  },
);

async function addOne(
  broker: BrokerContext,
  info: RequestInfo,
  transactionalId: string,
  producerId: bigint,
  producerEpoch: number,
  topics: readonly AddPartitionsToTxnRequestAddPartitionsToTxnTopic[],
  verifyOnly: boolean,
): Promise<AddPartitionsToTxnResponseAddPartitionsToTxnTopicResult[]> {
  const answer = (code: (topic: string, partition: number) => number) =>
    topics.map((t) => ({
      name: t.name,
      resultsByPartition: t.partitions.map((p) => ({
        partitionIndex: p,
        partitionErrorCode: code(t.name, p),
      })),
    }));
  if (!mayTransactionalId(broker, info, AclOperation.WRITE, transactionalId)) {
    return answer(() => ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
  }
  const notHere = coordinatorError(broker);
  if (notHere !== ErrorCode.NONE) return answer(() => notHere);
  // Kafka checks every partition first; one bad one fails them all.
  const problems = new Map<string, number>();
  for (const t of topics) {
    const info_ = broker.topics.get(t.name);
    const allowed = mayTopic(broker, info, AclOperation.WRITE, t.name);
    for (const p of t.partitions) {
      if (!allowed) problems.set(`${t.name}\u0000${p}`, ErrorCode.TOPIC_AUTHORIZATION_FAILED);
      else if (!info_ || p < 0 || p >= info_.partitions)
        problems.set(`${t.name}\u0000${p}`, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    }
  }
  if (problems.size > 0) {
    return answer((topic, p) => problems.get(`${topic}\u0000${p}`) ?? ErrorCode.OPERATION_NOT_ATTEMPTED);
  }
  const code = await broker.transactions.addPartitions(
    transactionalId,
    producerId,
    producerEpoch,
    topics.flatMap((t) => t.partitions.map((partition) => ({ topic: t.name, partition }))),
    verifyOnly,
  );
  return answer(() => code);
}
