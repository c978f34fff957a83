import type { Broker, LocalCaller } from '@kilgore/broker';
import {
  ApiKey,
  ErrorCode,
  encodeRecordBatchSync,
  errorName,
  type ProduceRequestPartitionProduceData,
  type ProduceResponse,
  ZERO_UUID,
} from '@kilgore/protocol';
import type { IngestConfig } from './config.js';
import { partitionForKey } from './murmur2.js';
import type { IngestStats } from './stats.js';
import type { ThrottledLog } from './throttled-log.js';
import { type TopicLayout, TopicMetadata } from './topic-metadata.js';

/** Who sent a message: told how each of its messages ended (for the half-close answer). */
export interface Origin {
  settle(appended: boolean, reason?: string): void;
}

interface Pending {
  key: Buffer | null;
  value: Buffer;
  origin: Origin;
}

interface TopicState {
  records: Pending[];
  bytes: number;
  timer: NodeJS.Timeout | null;
  /** Flushes waiting for the topic's metadata, in order; 0 means send at once. */
  waiting: number;
  queue: Promise<void>;
  /** The sticky partition for unkeyed records, moved on by one per batch (Kafka's KIP-480). */
  sticky: number;
}

/** Per-record overhead of a v2 record beyond key and value (varints, attributes), roughly. */
const RECORD_OVERHEAD = 16;
const PRODUCE_VERSION = 9;
const PRODUCE_TIMEOUT_MS = 30_000;

/**
 * Batches messages per topic and appends each batch with one Produce through Broker.request:
 * one record batch per partition, keyed records placed by murmur2 like Kafka's default
 * partitioner, unkeyed ones all in one partition per batch. A batch goes when it has
 * batch.records messages or batch.bytes bytes, or batch.ms after its first message.
 * Appends to a topic are issued in arrival order (Broker.request appends synchronously on call),
 * so one writer's messages to one partition keep their order.
 */
export class Batcher {
  private readonly topics = new Map<string, TopicState>();
  private readonly metadata: TopicMetadata;
  private readonly caller: LocalCaller;
  private inflight = 0;
  private idleWaiters: (() => void)[] = [];
  /** Bytes read but not yet answered by the broker; over buffer.bytes, sockets stop being read. */
  pendingBytes = 0;
  onRelieved: () => void = () => {};

  constructor(
    private readonly broker: Broker,
    private readonly config: IngestConfig,
    private readonly stats: IngestStats,
    private readonly warn: ThrottledLog,
  ) {
    this.metadata = new TopicMetadata(broker, config.principal);
    this.caller = { principal: config.principal, clientId: 'kilgore-ingest' };
  }

  get overloaded(): boolean {
    return this.pendingBytes > this.config.bufferBytes;
  }

  add(topic: string, key: Buffer | null, value: Buffer, origin: Origin): void {
    let state = this.topics.get(topic);
    if (state === undefined) {
      state = { records: [], bytes: 0, timer: null, waiting: 0, queue: Promise.resolve(), sticky: -1 };
      this.topics.set(topic, state);
    }
    const size = value.length + (key?.length ?? 0) + RECORD_OVERHEAD;
    if (state.records.length > 0 && state.bytes + size > this.config.batchBytes) this.flush(topic, state);
    state.records.push({ key, value, origin });
    state.bytes += size;
    this.pendingBytes += size;
    if (state.records.length >= this.config.batchRecords || state.bytes >= this.config.batchBytes) {
      this.flush(topic, state);
    } else if (state.timer === null) {
      state.timer = setTimeout(() => this.flush(topic, state), this.config.batchMs);
    }
  }

  /** Sends every open batch now and resolves once the broker answered all of them. */
  async drain(): Promise<void> {
    for (const [topic, state] of this.topics) this.flush(topic, state);
    while (this.inflight > 0 || [...this.topics.values()].some((s) => s.waiting > 0)) {
      await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    }
  }

  private flush(topic: string, state: TopicState): void {
    if (state.timer !== null) {
      clearTimeout(state.timer);
      state.timer = null;
    }
    if (state.records.length === 0) return;
    const records = state.records;
    const bytes = state.bytes;
    state.records = [];
    state.bytes = 0;
    const layout = this.metadata.fresh(topic);
    if (layout !== undefined && state.waiting === 0) {
      this.send(topic, state, records, bytes, layout);
      return;
    }
    state.waiting++;
    state.queue = state.queue
      .then(() => this.metadata.lookup(topic))
      .catch((err: unknown): TopicLayout => {
        this.warn.warn('metadata', { err, topic }, 'ingest: topic metadata failed');
        return { ok: false, errorCode: ErrorCode.UNKNOWN_SERVER_ERROR };
      })
      .then((l) => {
        state.waiting--;
        this.send(topic, state, records, bytes, l);
      });
  }

  private send(
    topic: string,
    state: TopicState,
    records: Pending[],
    bytes: number,
    layout: TopicLayout,
  ): void {
    if (!layout.ok) {
      // Forget the topic unless more is on its way: writers naming ever new unknown topics must
      // not grow this map without bound (known topics are bounded by the broker's own).
      if (state.records.length === 0 && state.waiting === 0 && this.topics.get(topic) === state) {
        this.topics.delete(topic);
      }
      this.finish(records, bytes, null, `${errorName(layout.errorCode)} for topic '${topic}'`);
      this.warn.warn(
        `topic:${topic}:${layout.errorCode}`,
        { topic, error: errorName(layout.errorCode), dropped: records.length },
        'ingest: messages for a topic the broker refused were dropped',
      );
      return;
    }
    const candidates = layout.local.length > 0 ? layout.local : [...Array(layout.partitions).keys()];
    state.sticky = (state.sticky + 1) % candidates.length;
    const unkeyedPartition = candidates[state.sticky]!;
    const byPartition = new Map<number, Pending[]>();
    for (const r of records) {
      const p = r.key === null ? unkeyedPartition : partitionForKey(r.key, layout.partitions);
      let list = byPartition.get(p);
      if (list === undefined) {
        list = [];
        byPartition.set(p, list);
      }
      list.push(r);
    }
    const partitionData: ProduceRequestPartitionProduceData[] = [];
    for (const [index, list] of byPartition) {
      partitionData.push({
        index,
        records: encodeRecordBatchSync({ records: list.map((r) => ({ key: r.key, value: r.value })) }),
      });
    }
    this.inflight++;
    this.stats.batches += partitionData.length;
    this.broker
      .request<ProduceResponse>(
        ApiKey.Produce,
        PRODUCE_VERSION,
        {
          transactionalId: null,
          acks: this.config.acks,
          timeoutMs: PRODUCE_TIMEOUT_MS,
          topicData: [{ name: topic, topicId: ZERO_UUID, partitionData }],
        },
        this.caller,
      )
      .then(
        (res) => {
          const answers = res?.responses[0]?.partitionResponses ?? [];
          for (const [index, list] of byPartition) {
            const answer = answers.find((a) => a.index === index);
            const code = answer?.errorCode ?? ErrorCode.UNKNOWN_SERVER_ERROR;
            if (code === ErrorCode.NONE) {
              this.finish(list, 0, true);
              continue;
            }
            const reason = `${errorName(code)} for ${topic}-${index}${answer?.errorMessage ? `: ${answer.errorMessage}` : ''}`;
            this.finish(list, 0, null, reason);
            this.warn.warn(
              `append:${topic}:${code}`,
              { topic, partition: index, error: errorName(code), dropped: list.length },
              'ingest: the broker refused a batch; its messages were dropped',
            );
          }
        },
        (err: unknown) => {
          this.finish(records, 0, null, `append failed: ${(err as Error).message}`);
          this.warn.warn(`append-error:${topic}`, { err, topic }, 'ingest: append failed');
        },
      )
      .finally(() => {
        this.inflight--;
        this.release(bytes);
      });
  }

  /** Settles messages: appended when ok is true, dropped with reason otherwise. */
  private finish(records: Pending[], bytes: number, ok: true | null, reason?: string): void {
    if (ok) this.stats.appended += records.length;
    else this.stats.dropped += records.length;
    for (const r of records) r.origin.settle(ok === true, reason);
    if (bytes > 0) this.release(bytes);
  }

  private release(bytes: number): void {
    const was = this.overloaded;
    this.pendingBytes -= bytes;
    if (was && !this.overloaded) this.onRelieved();
    if (this.inflight === 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
  }
}
