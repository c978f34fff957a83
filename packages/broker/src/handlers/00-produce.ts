import {
  ApiKey,
  BatchAttributes,
  BatchOffsets,
  CompressionCodec,
  compressionOf,
  ErrorCode,
  type ProduceRequest,
  type ProduceResponse,
  type ProduceResponsePartitionProduceResponse,
  type ProduceResponseTopicProduceResponse,
} from '@kilgore/protocol';
import { mayTopic, mayTransactionalId } from '../acl/checks.js';
import { AclOperation } from '../acl/types.js';
import { minInsyncReplicas, singleNodeEpoch } from '../chain/partition-answers.js';
import { errorCodeOf, type PartitionAppendResult, recordErrorsOf } from '../logs/partition-log.js';
import type { BrokerMetrics } from '../metrics/broker-metrics.js';
import { defineHandler } from './types.js';

/** Produce v0-2 carry magic 0/1 message sets, which Kilgore does not store. */
const FIRST_SERVED_VERSION = 3;
/** Kafka refuses zstd batches in older Produce requests (KIP-110). */
const FIRST_ZSTD_VERSION = 7;

/**
 * Produce: each partition's record bytes go to its log unchanged except for the offsets storage
 * patches in place; nothing is decoded here. acks=0 gets no response at all; acks=1 and acks=-1
 * are answered once the log has the batch (on one node the in-sync replicas are just this one),
 * under the log's flush policy.
 */
export const produceHandler = defineHandler<ProduceRequest, ProduceResponse>({
  apiKey: ApiKey.Produce,
  // Advertised from 0 although v0-2 are refused: older librdkafka turns compression off when
  // the Produce range does not include v0 (crib section 6).
  minVersion: 0,
  maxVersion: 11,
  handle(request, info, broker) {
    const acks = request.acks;
    const refuse =
      info.apiVersion < FIRST_SERVED_VERSION
        ? ErrorCode.UNSUPPORTED_VERSION
        : acks !== 0 && acks !== 1 && acks !== -1
          ? ErrorCode.INVALID_REQUIRED_ACKS
          : ErrorCode.NONE;
    const responses: ProduceResponseTopicProduceResponse[] = [];
    const appends: Promise<unknown>[] = [];
    // Kafka: WRITE on the transactional id (if any), then WRITE on each topic.
    const txnDenied =
      request.transactionalId != null &&
      !mayTransactionalId(broker, info, AclOperation.WRITE, request.transactionalId);
    for (const topicData of request.topicData) {
      const partitionResponses: ProduceResponsePartitionProduceResponse[] = [];
      const denied = txnDenied
        ? ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED
        : mayTopic(broker, info, AclOperation.WRITE, topicData.name)
          ? ErrorCode.NONE
          : ErrorCode.TOPIC_AUTHORIZATION_FAILED;
      const topic = broker.topics.get(topicData.name);
      for (const p of topicData.partitionData) {
        const res: ProduceResponsePartitionProduceResponse = {
          index: p.index,
          errorCode: refuse,
          baseOffset: -1n,
          logAppendTimeMs: -1n,
          logStartOffset: -1n,
          recordErrors: [],
          errorMessage: null,
        };
        partitionResponses.push(res);
        if (refuse !== ErrorCode.NONE) continue;
        if (denied !== ErrorCode.NONE) {
          res.errorCode = denied;
          continue;
        }
        if (broker.chain && topic && p.index >= 0 && p.index < topic.partitions) {
          // Off the head, or acks=all on a chain shorter than min.insync.replicas.
          const code = broker.chain.produceCheck(
            topic.name,
            p.index,
            acks,
            minInsyncReplicas(broker, topic.name),
          );
          if (code !== ErrorCode.NONE) {
            res.errorCode = code;
            continue;
          }
        }
        const log =
          topic && p.index >= 0 && p.index < topic.partitions
            ? broker.logs.get(topic.name, p.index)
            : undefined;
        if (!log) {
          res.errorCode = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
          continue;
        }
        if (p.records === null || p.records.length === 0) {
          res.errorCode = ErrorCode.INVALID_RECORD;
          res.errorMessage = 'Produce request has no record batch';
          continue;
        }
        if (info.apiVersion < FIRST_ZSTD_VERSION && isZstdBatch(p.records)) {
          res.errorCode = ErrorCode.UNSUPPORTED_COMPRESSION_TYPE;
          res.errorMessage = 'Produce requests with zstd compression must be v7 or later';
          continue;
        }
        if (isTransactionalBatch(p.records)) {
          // The partition must have joined the producer's transaction (AddPartitionsToTxn) first.
          const producerId = p.records.readBigInt64BE(BatchOffsets.producerId);
          if (broker.transactions.isInTransaction(producerId, topicData.name, p.index) === false) {
            res.errorCode = ErrorCode.INVALID_TXN_STATE;
            res.errorMessage = `${topicData.name}-${p.index} is not in producer ${producerId}'s open transaction`;
            continue;
          }
        }
        const seq = broker.producerStates.check(topicData.name, p.index, p.records);
        if (seq.kind === 'duplicate') {
          // A retry of a batch already written: its original offset, and no second copy.
          res.baseOffset = BigInt(seq.baseOffset);
          res.logStartOffset = BigInt(log.logStartOffset);
          continue;
        }
        if (seq.kind === 'error') {
          res.errorCode = seq.code;
          res.errorMessage = seq.message;
          continue;
        }
        // Partitions are appended concurrently; each fills its own response entry.
        appends.push(
          // coalesce: pipelined requests dispatched in one go share one writev (the records
          // are a view into this request's frame, which nothing else changes).
          log.append(p.records, { leaderEpoch: singleNodeEpoch(log), coalesce: true }).then(
            (r) => {
              if (seq.kind === 'append') seq.commit(r.baseOffset);
              // acks=all under replication: answered once the tail has it (the high watermark).
              if (acks === -1 && broker.chain) {
                const timeout = Math.min(Math.max(request.timeoutMs, 1), broker.chain.commitTimeoutMs);
                return log.waitForData(r.lastOffset, timeout, broker.shutdown).then((committed) => {
                  if (committed) fillAppended(res, r);
                  else {
                    // Retriable, and says nothing about the write (it may be on the chain).
                    res.errorCode = ErrorCode.REQUEST_TIMED_OUT;
                    res.errorMessage =
                      broker.chain?.hosts(topicData.name, p.index) === false
                        ? 'the partition moved to another chain while the write waited for its replicas; it may have been written: retry at the new leader'
                        : 'the chain did not acknowledge the write in time';
                  }
                });
              }
              fillAppended(res, r);
              return undefined;
            },
            (err: unknown) => {
              if (seq.kind === 'append') seq.abort();
              res.errorCode = errorCodeOf(err);
              res.errorMessage = (err as Error).message ?? null;
              // KIP-467: the refused records by index, so that clients fail only those.
              res.recordErrors = recordErrorsOf(err).map((e) => ({
                batchIndex: e.batchIndex,
                batchIndexErrorMessage: e.message,
              }));
              if (res.errorCode === ErrorCode.UNKNOWN_SERVER_ERROR) {
                broker.log.error({ err, topic: topicData.name, partition: p.index }, 'append failed');
              }
            },
          ),
        );
      }
      responses.push({ name: topicData.name, topicId: topicData.topicId, partitionResponses });
    }
    const response = acks === 0 ? null : { responses, throttleTimeMs: 0 };
    const metrics = broker.metrics;
    const count = metrics && (() => countProduced(metrics, request, responses));
    // Not an async function, and no Promise.all for the usual single partition: this runs once
    // per produce request, and each promise hop is measurable at 40k requests/s.
    if (appends.length === 0) {
      count?.();
      return response;
    }
    const appended = appends.length === 1 ? appends[0]! : Promise.all(appends);
    return appended.then(() => {
      count?.();
      return response;
    });
  },
});

function fillAppended(res: ProduceResponsePartitionProduceResponse, r: PartitionAppendResult): void {
  res.baseOffset = BigInt(r.baseOffset);
  res.logAppendTimeMs = BigInt(r.logAppendTime);
  res.logStartOffset = BigInt(r.logStartOffset);
}

function isZstdBatch(records: Buffer): boolean {
  return (
    records.length >= BatchOffsets.attributes + 2 &&
    compressionOf(records.readInt16BE(BatchOffsets.attributes)) === CompressionCodec.zstd
  );
}

function isTransactionalBatch(records: Buffer): boolean {
  return (
    records.length >= BatchOffsets.producerId + 8 &&
    (records.readInt16BE(BatchOffsets.attributes) & BatchAttributes.transactional) !== 0
  );
}

/** Metrics: each partition's batch counts as appended or refused (by its response entry). */
function countProduced(
  metrics: BrokerMetrics,
  request: ProduceRequest,
  responses: ProduceResponseTopicProduceResponse[],
): void {
  request.topicData.forEach((t, i) => {
    const answers = responses[i]?.partitionResponses;
    t.partitionData.forEach((p, j) => {
      metrics.produced(t.name, p.records, (answers?.[j]?.errorCode ?? 0) === 0);
    });
  });
}
