import {
  ApiKey,
  ErrorCode,
  type FetchRequest,
  type FetchRequestFetchPartition,
  type FetchResponse,
  type FetchResponseFetchableTopicResponse,
  type FetchResponsePartitionData,
  ZERO_UUID,
} from '@kilgore/protocol';
import { mayTopic } from '../acl/checks.js';
import { AclOperation } from '../acl/types.js';
import { leaderEpochOf } from '../chain/partition-answers.js';
import type { BrokerContext } from '../context.js';
import { errorCodeOf, type PartitionLogView } from '../logs/partition-log.js';
import type { BrokerMetrics } from '../metrics/broker-metrics.js';
import type { TopicInfo } from '../topics/registry.js';
import { defineHandler } from './types.js';

/** librdkafka rejects a null records field (size -1): Kafka always sends an empty one. */
const NO_RECORDS = Buffer.alloc(0);

/** Fetch v13+ names topics by id instead of by name. */
const TOPIC_IDS_FROM = 13;

interface Slot {
  /** Where the partition's entry sits in the response. */
  out: FetchResponsePartitionData;
  log: PartitionLogView | undefined;
  fetchOffset: number;
  partitionMaxBytes: number;
}

/**
 * Fetch, sessionless (always session_id 0, which every client accepts: crib section 4). Records
 * are the stored bytes, sliced by the log: nothing is decoded or copied here. Only offsets below
 * the high watermark are served. A fetch with less than min_bytes waits for an append to one of
 * its partitions (an event from the log, not polling) or for max_wait_ms.
 */
export const fetchHandler = defineHandler<FetchRequest, FetchResponse>({
  apiKey: ApiKey.Fetch,
  // v0-3 would need down-conversion to magic 0/1; every client that matters speaks v4+.
  minVersion: 4,
  maxVersion: 16,
  async handle(request, info, broker) {
    // An incremental fetch names a session this broker never created.
    if (request.sessionId !== 0 && request.sessionEpoch > 0) {
      return {
        throttleTimeMs: 0,
        errorCode: ErrorCode.FETCH_SESSION_ID_NOT_FOUND,
        sessionId: 0,
        responses: [],
      };
    }
    const byId = info.apiVersion >= TOPIC_IDS_FROM;
    const responses: FetchResponseFetchableTopicResponse[] = [];
    const slots: Slot[] = [];
    let immediate = false;
    for (const t of request.topics) {
      const topic = byId ? broker.topics.byId(t.topicId) : broker.topics.get(t.topic);
      const partitions: FetchResponsePartitionData[] = [];
      // Kafka: READ on the topic, checked before whether it exists (an unknown id stays unknown).
      const name = byId ? topic?.name : t.topic;
      const readDenied = name !== undefined && !mayTopic(broker, info, AclOperation.READ, name);
      for (const p of t.partitions) {
        const slot = prepare(
          p,
          readDenied ? undefined : topic,
          byId,
          broker,
          info.apiVersion >= 11 ? request.rackId : '',
        );
        if (readDenied) slot.out.errorCode = ErrorCode.TOPIC_AUTHORIZATION_FAILED;
        if (slot.out.errorCode !== ErrorCode.NONE) immediate = true;
        partitions.push(slot.out);
        slots.push(slot);
      }
      responses.push({ topic: t.topic, topicId: byId ? t.topicId : (topic?.id ?? ZERO_UUID), partitions });
    }

    // Clients before v10 cannot read zstd (crib section 4): those partitions answer with an error.
    const zstdOk = info.apiVersion >= ZSTD_FROM;
    let bytes = fill(slots, request.maxBytes, request.isolationLevel, zstdOk);
    if (bytes < 0) immediate = true;
    const deadline = Date.now() + request.maxWaitMs;
    // Park until enough bytes arrived, the wait expired, or the broker is stopping.
    while (!immediate && bytes < request.minBytes && slots.length > 0 && !broker.shutdown.aborted) {
      const left = deadline - Date.now();
      if (left <= 0) break;
      const woke = await waitForAny(slots, left, broker.shutdown);
      if (!woke) break;
      bytes = fill(slots, request.maxBytes, request.isolationLevel, zstdOk);
      if (bytes < 0) break;
    }
    if (broker.metrics) countFetched(broker.metrics, responses, byId, broker);
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, sessionId: 0, responses };
  },
});

function prepare(
  p: FetchRequestFetchPartition,
  topic: TopicInfo | undefined,
  byId: boolean,
  broker: BrokerContext,
  rackId: string,
): Slot {
  const out: FetchResponsePartitionData = {
    partitionIndex: p.partition,
    errorCode: ErrorCode.NONE,
    highWatermark: -1n,
    lastStableOffset: -1n,
    logStartOffset: -1n,
    abortedTransactions: null,
    preferredReadReplica: -1,
    records: NO_RECORDS,
  };
  const slot: Slot = {
    out,
    log: undefined,
    fetchOffset: Number(p.fetchOffset),
    partitionMaxBytes: p.partitionMaxBytes,
  };
  if (!topic) {
    out.errorCode = byId ? ErrorCode.UNKNOWN_TOPIC_ID : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
    return slot;
  }
  // Under chain replication consumers are served by the head (where clients send fetches), or
  // by the member their client.rack names (KIP-392: the head answers with that replica).
  const route =
    broker.chain !== undefined && p.partition >= 0 && p.partition < topic.partitions
      ? broker.chain.fetchRoute(topic.name, p.partition, rackId)
      : { code: ErrorCode.NONE, preferred: -1 };
  if (route.code !== ErrorCode.NONE) {
    out.errorCode = route.code;
    return slot;
  }
  const log =
    p.partition >= 0 && p.partition < topic.partitions ? broker.logs.get(topic.name, p.partition) : undefined;
  if (!log) {
    out.errorCode = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
    return slot;
  }
  // -1 skips the check (crib section 4); one node keeps one epoch forever.
  const epoch = leaderEpochOf(broker, topic.name, p.partition);
  if (p.currentLeaderEpoch !== -1 && p.currentLeaderEpoch !== epoch) {
    out.errorCode =
      p.currentLeaderEpoch < epoch ? ErrorCode.FENCED_LEADER_EPOCH : ErrorCode.UNKNOWN_LEADER_EPOCH;
    return slot;
  }
  if (route.preferred >= 0) {
    // No records: the client fetches from the preferred replica from now on.
    out.preferredReadReplica = route.preferred;
    setOffsets(out, log);
    return slot;
  }
  slot.log = log;
  setOffsets(out, log);
  if (slot.fetchOffset < log.logStartOffset || slot.fetchOffset > log.logEndOffset) {
    out.errorCode = ErrorCode.OFFSET_OUT_OF_RANGE;
    slot.log = undefined;
  }
  return slot;
}

function setOffsets(out: FetchResponsePartitionData, log: PartitionLogView): void {
  out.highWatermark = BigInt(log.highWatermark);
  out.lastStableOffset = BigInt(log.lastStableOffset ?? log.highWatermark);
  out.logStartOffset = BigInt(log.logStartOffset);
}

/** How far a consumer of `isolationLevel` may read: the high watermark, or (1) the last stable offset. */
function readLimit(log: PartitionLogView, isolationLevel: number): number {
  return isolationLevel === 1 ? (log.lastStableOffset ?? log.highWatermark) : log.highWatermark;
}

/**
 * Reads every partition in request order within max_bytes and partition_max_bytes; the first
 * partition that returns data may exceed both to return one whole batch (KIP-74). Returns the
 * number of record bytes gathered, or -1 when a partition turned out to hold zstd batches the
 * client cannot read (an error answers at once, as Kafka does).
 */
function fill(slots: Slot[], maxBytes: number, isolationLevel: number, zstdOk: boolean): number {
  let refused = false;
  let remaining = maxBytes;
  let total = 0;
  for (const s of slots) {
    if (!s.log) continue;
    setOffsets(s.out, s.log);
    s.out.abortedTransactions = isolationLevel === 1 ? [] : null;
    const limit = Math.max(0, Math.min(s.partitionMaxBytes, remaining));
    try {
      const r = s.log.read(s.fetchOffset, limit, readLimit(s.log, isolationLevel), total === 0);
      if (isolationLevel === 1 && r.nextOffset > s.fetchOffset && s.log.abortedTransactions) {
        // The aborted transactions among the offsets returned: the client drops their records.
        s.out.abortedTransactions = s.log
          .abortedTransactions(s.fetchOffset, r.nextOffset - 1)
          .map((t) => ({ producerId: t.producerId, firstOffset: BigInt(t.firstOffset) }));
      }
      if (!zstdOk && hasZstdBatch(r.records)) {
        s.out.errorCode = ErrorCode.UNSUPPORTED_COMPRESSION_TYPE;
        s.out.records = NO_RECORDS;
        s.log = undefined;
        refused = true;
        continue;
      }
      s.out.records = r.records;
      total += r.records.length;
      remaining -= r.records.length;
    } catch (err) {
      s.out.errorCode = errorCodeOf(err);
      s.out.records = NO_RECORDS;
      s.log = undefined;
    }
  }
  return refused ? -1 : total;
}

/** Fetch v10 is the first that may carry zstd (KIP-110). */
const ZSTD_FROM = 10;
const ZSTD = 4;
/** Where a v2 batch keeps its magic byte and attributes (crib section 1). */
const MAGIC_AT = 16;
const ATTRIBUTES_AT = 21;

/**
 * Whether any whole-header batch in a fetched slice is zstd-compressed: a walk over the batch
 * headers only (length field to length field), run just for the old fetch versions.
 */
function hasZstdBatch(records: Buffer): boolean {
  let pos = 0;
  while (pos + ATTRIBUTES_AT + 2 <= records.length) {
    if (records[pos + MAGIC_AT] === 2 && (records.readInt16BE(pos + ATTRIBUTES_AT) & 7) === ZSTD) return true;
    const size = records.readInt32BE(pos + 8);
    if (size <= 0) return false; // not a batch: nothing more to recognise
    pos += 12 + size;
  }
  return false;
}

/**
 * Resolves true when any partition gets data it did not have at the last fill (its high watermark
 * passes both the fetch offset and the current high watermark), false when the wait expires or the
 * broker stops. Waiting past the current high watermark matters: when the byte limits keep a fill
 * below min_bytes, data already there must not wake the wait at once, or the loop spins without
 * ever yielding to the event loop (found by the fuzzer). Every wait ends by itself, so none leaks.
 */
async function waitForAny(slots: Slot[], timeoutMs: number, shutdown: AbortSignal): Promise<boolean> {
  const stop = new AbortController();
  const onShutdown = () => stop.abort();
  shutdown.addEventListener('abort', onShutdown, { once: true });
  try {
    const waits = slots.flatMap((s) =>
      s.log ? [s.log.waitForData(Math.max(s.fetchOffset, s.log.highWatermark), timeoutMs, stop.signal)] : [],
    );
    return await new Promise<boolean>((resolve) => {
      let left = waits.length;
      if (left === 0) resolve(false);
      for (const w of waits) {
        w.then(
          (ok) => {
            if (ok) resolve(true);
            else if (--left === 0) resolve(false);
          },
          () => {
            if (--left === 0) resolve(false);
          },
        );
      }
    });
  } finally {
    stop.abort(); // releases the other partitions' waits
    shutdown.removeEventListener('abort', onShutdown);
  }
}

/** Metrics: bytes and records out per topic, and partitions answered with an error. */
function countFetched(
  metrics: BrokerMetrics,
  responses: FetchResponseFetchableTopicResponse[],
  byId: boolean,
  broker: BrokerContext,
): void {
  for (const t of responses) {
    const name = byId ? broker.topics.byId(t.topicId ?? '')?.name : t.topic;
    if (name === undefined || name === null) continue;
    for (const p of t.partitions) metrics.fetched(name, p.records, p.errorCode);
  }
}
