import { Kafka, logLevel, type Producer } from 'kafkajs';
import type { Outcome, Write } from './history.js';

/**
 * The write side of the history checker: kafkajs producers sending unique values with acks=all
 * and no retries, so every attempt is its own value whose outcome is known (acked / failed /
 * unknown). Each producer runs one sequential lane per partition (one send in flight), so the
 * order of a lane's acknowledged writes is the order they were sent.
 */

export interface WorkloadOptions {
  brokers: string[];
  topic: string;
  partitions: number;
  producers: number;
  /** The produce request's timeout (how long the head may wait for the chain), ms. */
  produceTimeoutMs?: number;
  /** kafkajs's own wait for an answer, ms; longer than the produce timeout. */
  requestTimeoutMs?: number;
  /** Pause after a failed attempt, so a lane does not spin while a node is down. */
  backoffMs?: number;
}

/** Kafka error codes that prove the write was not appended: the node said it is not the place for it. */
const NOT_APPENDED_CODES = new Set([
  3, // UNKNOWN_TOPIC_OR_PARTITION
  5, // LEADER_NOT_AVAILABLE
  6, // NOT_LEADER_OR_FOLLOWER
]);

/** kafkajs errors raised before any request left the client. */
const NOT_SENT_ERRORS = new Set([
  'KafkaJSMetadataNotLoaded',
  'KafkaJSTopicMetadataNotLoaded',
  'KafkaJSBrokerNotFound',
]);

interface KafkaJSErrorLike {
  name?: string;
  message?: string;
  code?: number | string;
  type?: string;
  cause?: unknown;
  originalError?: unknown;
}

/** What a failed send tells us about the write: failed for sure, or unknown (it may have landed). */
export function classifySendError(err: unknown): { outcome: Exclude<Outcome, 'acked'>; error: string } {
  let e = err as KafkaJSErrorLike;
  // Retries are off, but kafkajs may still wrap the one attempt's error.
  const wrappers = new Set(['KafkaJSNumberOfRetriesExceeded', 'KafkaJSNonRetriableError']);
  for (let i = 0; i < 5 && e?.name !== undefined && wrappers.has(e.name); i++) {
    const inner = (e.cause ?? e.originalError) as KafkaJSErrorLike | undefined;
    if (inner === undefined) break;
    e = inner;
  }
  const error = `${e?.name ?? 'Error'}: ${e?.type ?? ''} ${e?.message ?? String(err)}`.replace(/\s+/g, ' ');
  if (e?.name === 'KafkaJSProtocolError' && typeof e.code === 'number' && NOT_APPENDED_CODES.has(e.code))
    return { outcome: 'failed', error };
  // Not even ECONNREFUSED proves a write was never sent: kafkajs refreshes metadata after a
  // request it had already written, and reports the refused reconnect instead of the lost reply.
  if (e?.name !== undefined && NOT_SENT_ERRORS.has(e.name)) return { outcome: 'failed', error };
  return { outcome: 'unknown', error };
}

export class Workload {
  readonly writes: Write[] = [];
  private running = false;
  private lanes: Promise<void>[] = [];
  private producers: Producer[] = [];
  private readonly opts: Required<WorkloadOptions>;

  constructor(options: WorkloadOptions) {
    this.opts = { produceTimeoutMs: 5000, requestTimeoutMs: 10_000, backoffMs: 100, ...options };
  }

  private kafka(clientId: string): Kafka {
    return new Kafka({
      clientId,
      brokers: this.opts.brokers,
      logLevel: logLevel.NOTHING,
      retry: { retries: 0 },
      requestTimeout: this.opts.requestTimeoutMs,
      connectionTimeout: 2000,
    });
  }

  private async producer(clientId: string): Promise<Producer> {
    const producer = this.kafka(clientId).producer({ allowAutoTopicCreation: false, retry: { retries: 0 } });
    // The cluster may be mid-fault at start: try to connect until it works.
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        await producer.connect();
        break;
      } catch (err) {
        if (Date.now() > deadline) throw err;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    this.producers.push(producer);
    return producer;
  }

  /** One attempt: a unique value, acks=all, no retry; its outcome goes into the history. */
  private async attempt(producer: Producer, name: string, partition: number, seq: number): Promise<Write> {
    const value = `${name}/${partition}/${seq}`;
    const write: Write = {
      topic: this.opts.topic,
      partition,
      producer: `${name}/${partition}`,
      seq,
      value,
      outcome: 'unknown',
      sentAt: Date.now(),
    };
    this.writes.push(write);
    try {
      await producer.send({
        topic: this.opts.topic,
        acks: -1,
        timeout: this.opts.produceTimeoutMs,
        messages: [{ partition, value }],
      });
      write.outcome = 'acked';
    } catch (err) {
      Object.assign(write, classifySendError(err));
    }
    write.answeredAt = Date.now();
    return write;
  }

  /** Starts every lane; they run until stop(). */
  async start(): Promise<void> {
    this.running = true;
    for (let p = 0; p < this.opts.producers; p++) {
      const name = `p${p}`;
      const producer = await this.producer(name);
      for (let partition = 0; partition < this.opts.partitions; partition++) {
        this.lanes.push(
          (async () => {
            for (let seq = 0; this.running; seq++) {
              const w = await this.attempt(producer, name, partition, seq);
              if (w.outcome !== 'acked') await new Promise((r) => setTimeout(r, this.opts.backoffMs));
            }
          })(),
        );
      }
    }
  }

  /** Stops the lanes after their current attempt. */
  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.lanes);
    this.lanes = [];
  }

  get acked(): number {
    return this.writes.reduce((n, w) => n + (w.outcome === 'acked' ? 1 : 0), 0);
  }

  /** Resolves once `more` further writes have been acknowledged (fails after timeoutMs). */
  async waitForMoreAcks(more: number, timeoutMs = 30_000): Promise<void> {
    const target = this.acked + more;
    const deadline = Date.now() + timeoutMs;
    while (this.acked < target) {
      if (Date.now() > deadline)
        throw new Error(
          `only ${this.acked} of ${target} writes acknowledged after ${timeoutMs} ms; last errors: ${this.lastErrors()}`,
        );
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  private ackedOn(partition: number): number {
    let n = 0;
    for (const w of this.writes) if (w.partition === partition && w.outcome === 'acked') n++;
    return n;
  }

  /**
   * Resolves once EVERY partition has had `more` further writes acknowledged: a partition that
   * stalls cannot hide behind the others' progress. Fails after timeoutMs naming the laggards.
   */
  async waitForEveryPartition(more: number, timeoutMs = 15_000): Promise<void> {
    const partitions = Array.from({ length: this.opts.partitions }, (_, p) => p);
    const target = partitions.map((p) => this.ackedOn(p) + more);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const behind = partitions.filter((p) => this.ackedOn(p) < target[p]!);
      if (behind.length === 0) return;
      if (Date.now() > deadline) {
        const detail = behind.map((p) => {
          const mine = this.writes.filter((w) => w.partition === p);
          const waiting = mine
            .filter((w) => w.answeredAt === undefined)
            .map((w) => Date.now() - (w.sentAt ?? 0));
          const lastError = mine.filter((w) => w.error !== undefined).at(-1)?.error ?? 'none';
          const inFlight = waiting.length > 0 ? `a write unanswered for ${Math.max(...waiting)} ms; ` : '';
          return `${this.opts.topic}-${p} (${more - (target[p]! - this.ackedOn(p))}/${more}; ${inFlight}last error: ${lastError})`;
        });
        throw new Error(
          `partitions without ${more} more acknowledged writes after ${timeoutMs} ms: ${detail.join('; ')}`,
        );
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /**
   * After the load: one acknowledged write per partition (retrying with new values until one is
   * acked). Its acknowledgement means every member has every offset before it, so the logs
   * compared afterwards have settled.
   */
  async fence(timeoutMs = 30_000): Promise<void> {
    const producer = await this.producer('fence');
    await Promise.all(
      Array.from({ length: this.opts.partitions }, async (_, partition) => {
        const deadline = Date.now() + timeoutMs;
        for (let seq = 0; ; seq++) {
          const w = await this.attempt(producer, 'fence', partition, seq);
          if (w.outcome === 'acked') return;
          if (Date.now() > deadline)
            throw new Error(
              `no acks=all write to partition ${partition} succeeded in ${timeoutMs} ms: ${w.error}`,
            );
          await new Promise((r) => setTimeout(r, 250));
        }
      }),
    );
  }

  /** The distinct errors of the last failed or unknown writes. */
  lastErrors(n = 5): string {
    const errs = this.writes.filter((w) => w.outcome !== 'acked').map((w) => `${w.outcome}: ${w.error}`);
    return [...new Set(errs.slice(-50))].slice(-n).join(' | ') || 'none';
  }

  async close(): Promise<void> {
    this.running = false;
    await Promise.all(this.lanes);
    await Promise.all(this.producers.map((p) => p.disconnect().catch(() => {})));
    this.producers = [];
  }
}
