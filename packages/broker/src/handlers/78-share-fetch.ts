import {
  ApiKey,
  ErrorCode,
  type ShareFetchRequest,
  type ShareFetchResponse,
  type ShareFetchResponsePartition,
} from '@kilgore/protocol';
import { mayGroup, mayTopic } from '../acl/checks.js';
import { AclOperation } from '../acl/types.js';
import { leaderEpochOf, partitionReplicas } from '../chain/partition-answers.js';
import type { BrokerContext } from '../context.js';
import { errorCodeOf, type PartitionLogView } from '../logs/partition-log.js';
import {
  acquireRecords,
  applyAcknowledgements,
  CLOSE_EPOCH,
  partitionKey,
  type SharePartition,
} from '../share/index.js';
import { sharePartitionRefused } from './share-on-chains.js';
import { defineHandler, type RequestInfo } from './types.js';

const NO_RECORDS = Buffer.alloc(0);

interface Slot {
  topicId: string;
  out: ShareFetchResponsePartition;
  log?: PartitionLogView;
  state?: SharePartition;
  /** Answer this partition even if it has nothing (it was named, acknowledged or failed). */
  mustAnswer: boolean;
}

function failure(errorCode: number, errorMessage: string | null = null): ShareFetchResponse {
  return {
    throttleTimeMs: 0,
    errorCode,
    errorMessage,
    acquisitionLockTimeoutMs: 0,
    responses: [],
    nodeEndpoints: [],
  };
}

function emptyPartition(
  partitionIndex: number,
  leaderId: number,
  leaderEpoch: number,
): ShareFetchResponsePartition {
  return {
    partitionIndex,
    errorCode: ErrorCode.NONE,
    errorMessage: null,
    acknowledgeErrorCode: ErrorCode.NONE,
    acknowledgeErrorMessage: null,
    currentLeader: { leaderId, leaderEpoch },
    records: NO_RECORDS,
    acquiredRecords: [],
  };
}

/**
 * ShareFetch (KIP-932): applies the acknowledgements it carries, then acquires records for the
 * member from every partition of its share session and answers with the stored batches and the
 * acquired offset ranges. With nothing to hand out it waits (max_wait_ms) for an append or for
 * records released by another member, on events rather than polling. Epoch -1 closes the session:
 * acknowledgements only, and whatever the member still holds is released.
 */
export const shareFetchHandler = defineHandler<ShareFetchRequest, ShareFetchResponse>({
  apiKey: ApiKey.ShareFetch,
  minVersion: 1,
  maxVersion: 1,
  async handle(request, info, broker) {
    const { groupId, memberId } = request;
    if (groupId === null || groupId === '' || memberId === null || memberId === '') {
      return failure(ErrorCode.INVALID_REQUEST, 'ShareFetch needs a group id and a member id.');
    }
    if (!mayGroup(broker, info, AclOperation.READ, groupId))
      return failure(ErrorCode.GROUP_AUTHORIZATION_FAILED);
    const share = broker.share;
    const session = share.sessions.advance(groupId, memberId, request.shareSessionEpoch, true);
    if (typeof session === 'number') return failure(session);
    const closing = request.shareSessionEpoch === CLOSE_EPOCH;

    const slots = new Map<string, Slot>();
    const slotFor = (topicId: string, partition: number): Slot => {
      const key = partitionKey(topicId, partition);
      let slot = slots.get(key);
      if (!slot) {
        slot = resolve(broker, info, groupId, topicId, partition);
        slots.set(key, slot);
      }
      return slot;
    };
    for (const f of request.forgottenTopicsData) {
      for (const p of f.partitions) session.partitions.delete(partitionKey(f.topicId, p));
    }
    for (const t of request.topics) {
      for (const p of t.partitions) {
        const slot = slotFor(t.topicId, p.partitionIndex);
        slot.mustAnswer = true;
        if (!closing) session.partitions.add(partitionKey(t.topicId, p.partitionIndex));
        if (p.acknowledgementBatches.length === 0) continue;
        if (!slot.state) {
          slot.out.acknowledgeErrorCode = slot.out.errorCode;
          continue;
        }
        const ack = applyAcknowledgements(
          share,
          groupId,
          memberId,
          t.topicId,
          topicName(broker, t.topicId),
          p.partitionIndex,
          p.acknowledgementBatches,
        );
        slot.out.acknowledgeErrorCode = ack.errorCode;
        slot.out.acknowledgeErrorMessage = ack.errorMessage;
      }
    }
    if (closing) {
      for (const p of share.partitionsOf(groupId)) p.state.releaseAll(memberId);
      await share.persist();
      return answer(broker, slots, true);
    }
    for (const key of session.partitions) {
      const [topicId, p] = splitKey(key);
      slotFor(topicId, p);
    }
    const fetchable = [...slots.entries()].filter(([k, s]) => session.partitions.has(k) && s.state && s.log);
    let acquired = fill(
      broker,
      fetchable.map(([, s]) => s),
      memberId,
      request.maxRecords,
      request.maxBytes,
    );
    await share.persist();
    const deadline = Date.now() + request.maxWaitMs;
    while (acquired === 0 && fetchable.length > 0 && !broker.shutdown.aborted) {
      const left = deadline - Date.now();
      if (
        left <= 0 ||
        !(await waitForAny(
          fetchable.map(([, s]) => s),
          left,
          broker.shutdown,
        ))
      )
        break;
      acquired = fill(
        broker,
        fetchable.map(([, s]) => s),
        memberId,
        request.maxRecords,
        request.maxBytes,
      );
      await share.persist();
    }
    return answer(broker, slots, request.shareSessionEpoch === 0);
  },
});

function topicName(broker: BrokerContext, topicId: string): string {
  return broker.topics.byId(topicId)?.name ?? '';
}

function splitKey(key: string): [string, number] {
  const at = key.lastIndexOf(':');
  return [key.slice(0, at), Number(key.slice(at + 1))];
}

/** Finds the topic, log and share-partition for one requested partition, or the error to answer. */
function resolve(
  broker: BrokerContext,
  info: RequestInfo,
  groupId: string,
  topicId: string,
  partition: number,
): Slot {
  const topic = broker.topics.byId(topicId);
  const epoch = topic ? leaderEpochOf(broker, topic.name, partition) : -1;
  const refused = topic ? sharePartitionRefused(broker, topic.name, partition) : null;
  const slot: Slot = {
    topicId,
    // The partition's head (on a chain another node, named to a client sent there).
    out: emptyPartition(
      partition,
      topic ? partitionReplicas(broker, topic.name, partition).leader : -1,
      epoch,
    ),
    mustAnswer: false,
  };
  if (!topic) {
    slot.out.errorCode = ErrorCode.UNKNOWN_TOPIC_ID;
  } else if (!mayTopic(broker, info, AclOperation.READ, topic.name)) {
    slot.out.errorCode = ErrorCode.TOPIC_AUTHORIZATION_FAILED;
  } else if (refused) {
    slot.out.errorCode = refused.errorCode;
    slot.out.errorMessage = refused.errorMessage;
  } else {
    const log =
      partition >= 0 && partition < topic.partitions ? broker.logs.get(topic.name, partition) : undefined;
    if (!log) slot.out.errorCode = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
    else {
      slot.log = log;
      slot.state = broker.share.partition(groupId, topicId, topic.name, partition).state;
    }
  }
  if (slot.out.errorCode !== ErrorCode.NONE) slot.mustAnswer = true;
  return slot;
}

/** Acquires from each partition in turn within the request's record and byte budgets. */
function fill(
  broker: BrokerContext,
  slots: Slot[],
  memberId: string,
  maxRecords: number,
  maxBytes: number,
): number {
  let records = Math.max(1, maxRecords);
  let bytes = maxBytes;
  let total = 0;
  for (const s of slots) {
    if (!s.log || !s.state || records <= 0 || bytes <= 0) continue;
    if (s.out.acquiredRecords.length > 0) continue; // one take per partition per request
    try {
      const got = acquireRecords(
        s.log,
        s.state,
        memberId,
        records,
        bytes,
        broker.share.settings.autoOffsetReset,
      );
      if (got.ranges.length === 0) continue;
      s.out.records = got.records;
      s.out.acquiredRecords = got.ranges.map((r) => ({
        firstOffset: BigInt(r.firstOffset),
        lastOffset: BigInt(r.lastOffset),
        deliveryCount: r.deliveryCount,
      }));
      const n = got.ranges.reduce((sum, r) => sum + r.lastOffset - r.firstOffset + 1, 0);
      records -= n;
      total += n;
      bytes -= got.records.length;
    } catch (err) {
      s.out.errorCode = errorCodeOf(err);
      s.out.errorMessage = err instanceof Error ? err.message : null;
      s.log = undefined;
      s.mustAnswer = true;
    }
  }
  return total;
}

/** Resolves true when any partition gets new data or released records; false on timeout or stop. */
function waitForAny(slots: Slot[], timeoutMs: number, shutdown: AbortSignal): Promise<boolean> {
  const stop = new AbortController();
  return new Promise<boolean>((resolve) => {
    const offs: (() => void)[] = [];
    const done = (woke: boolean): void => {
      stop.abort();
      for (const off of offs) off();
      clearTimeout(timer);
      shutdown.removeEventListener('abort', onShutdown);
      resolve(woke);
    };
    const onShutdown = (): void => done(false);
    const timer = setTimeout(() => done(false), timeoutMs);
    shutdown.addEventListener('abort', onShutdown, { once: true });
    for (const s of slots) {
      if (!s.log || !s.state) continue;
      offs.push(s.state.onAvailable(() => done(true)));
      s.log.waitForData(s.log.highWatermark, timeoutMs, stop.signal).then(
        (ok) => {
          if (ok) done(true);
        },
        () => {},
      );
    }
  });
}

function answer(broker: BrokerContext, slots: Map<string, Slot>, everything: boolean): ShareFetchResponse {
  const byTopic = new Map<string, ShareFetchResponsePartition[]>();
  for (const s of slots.values()) {
    if (!everything && !s.mustAnswer && s.out.acquiredRecords.length === 0) continue;
    let list = byTopic.get(s.topicId);
    if (!list) {
      list = [];
      byTopic.set(s.topicId, list);
    }
    list.push(s.out);
  }
  return {
    throttleTimeMs: 0,
    errorCode: ErrorCode.NONE,
    errorMessage: null,
    acquisitionLockTimeoutMs: broker.share.settings.recordLockDurationMs,
    responses: [...byTopic].map(([topicId, partitions]) => ({ topicId, partitions })),
    nodeEndpoints: [],
  };
}
