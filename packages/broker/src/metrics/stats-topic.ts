import {
  encodeRecordBatchSync,
  type ProduceRequest,
  type ProduceResponse,
  ZERO_UUID,
} from '@kilgore/protocol';
import type { Logger } from 'pino';
import type { BrokerMetrics, MetricsSources, TopicTotals } from './broker-metrics.js';

/**
 * The stats topic, Kilgore's take on Kaf's `_kaf` log: every interval each node appends one JSON
 * record (key: its node id) with, per topic, the records put and got and the errors in that
 * interval, and each partition's last offset. Named `_kilgore_stats`: one underscore, so it is
 * not mistaken for one of Kafka's own internal topics (`__consumer_offsets`), yet sorts apart
 * from user topics; any client reads it (kcat -C -t _kilgore_stats).
 */
export const DEFAULT_STATS_TOPIC = '_kilgore_stats';

/** How long stop() waits for a record still being written. */
const STOP_WAIT_MS = 1000;

export interface StatsTopicOptions {
  topic: string;
  intervalMs: number;
  nodeId: number;
  metrics: BrokerMetrics;
  sources: MetricsSources;
  /**
   * Sends the Produce (v9) of a record: in-process on a single node or at the head of the chain
   * leading the stats partition, over the network to that head from any other node.
   */
  produce(request: ProduceRequest): Promise<ProduceResponse | null>;
  /** Creates the topic (one partition) when it does not exist yet, where this node may create it. */
  ensureTopic(name: string): void;
  log: Logger;
}

export interface StatsRecord {
  node: number;
  time: string;
  intervalMs: number;
  topics: Record<string, { puts: number; gets: number; errors: number; lastOffset: Record<string, number> }>;
}

export class StatsTopicWriter {
  readonly #opts: StatsTopicOptions;
  readonly #timer: NodeJS.Timeout;
  #previous = new Map<string, TopicTotals>();
  /** The totals of the last snapshot, the new `#previous` once its record is written. */
  #taken = new Map<string, TopicTotals>();
  #writing: Promise<void> | undefined;

  constructor(opts: StatsTopicOptions) {
    this.#opts = opts;
    this.#timer = setInterval(() => {
      // A write still waiting (a head that does not answer) skips the tick: no queue builds up.
      if (this.#writing) return;
      this.#writing = this.writeOnce().finally(() => {
        this.#writing = undefined;
      });
    }, opts.intervalMs);
    this.#timer.unref();
    // Created at start, not at the first tick: on chains the other nodes' first records reach
    // the head at about the same time as its own first tick, and must find the topic there.
    try {
      opts.ensureTopic(opts.topic);
    } catch (err) {
      opts.log.warn({ err, topic: opts.topic }, 'stats topic not created yet; trying again each interval');
    }
  }

  /**
   * The record for the interval since the last record written: counts of a record that could
   * not be written go into the next one instead of being lost.
   */
  snapshot(): StatsRecord {
    const { metrics, sources, topic: self } = this.#opts;
    const topics: StatsRecord['topics'] = {};
    const now = metrics.totals();
    for (const p of sources.partitions()) {
      if (p.topic === self) continue;
      topics[p.topic] ??= { puts: 0, gets: 0, errors: 0, lastOffset: {} };
      const t = topics[p.topic]!;
      t.lastOffset[String(p.partition)] = p.logEndOffset - 1;
    }
    for (const [name, totals] of now) {
      const t = topics[name];
      if (t === undefined) continue; // deleted, or never existed (an error for an unknown topic)
      const before = this.#previous.get(name);
      t.puts = totals.puts - (before?.puts ?? 0);
      t.gets = totals.gets - (before?.gets ?? 0);
      t.errors = totals.errors - (before?.errors ?? 0);
    }
    this.#taken = new Map([...now].map(([k, v]) => [k, { ...v }]));
    return {
      node: this.#opts.nodeId,
      time: new Date().toISOString(),
      intervalMs: this.#opts.intervalMs,
      topics,
    };
  }

  /** Appends one record; a failure is a warning (the next interval tries again), never a crash. */
  async writeOnce(): Promise<void> {
    const { topic, produce, log, nodeId } = this.#opts;
    try {
      this.#opts.ensureTopic(topic);
      const value = JSON.stringify(this.snapshot());
      const records = encodeRecordBatchSync({ records: [{ key: String(nodeId), value }] });
      const res = await produce({
        transactionalId: null,
        acks: -1,
        timeoutMs: 10_000,
        topicData: [{ name: topic, topicId: ZERO_UUID, partitionData: [{ index: 0, records }] }],
      });
      const code = res?.responses[0]?.partitionResponses[0]?.errorCode ?? 0;
      if (code !== 0) log.warn({ topic, errorCode: code }, 'stats record refused');
      else this.#previous = this.#taken;
    } catch (err) {
      log.warn({ err, topic }, 'stats record not written');
    }
  }

  /**
   * Stops the timer and waits for a record in flight, at most STOP_WAIT_MS: an acks=all write to
   * a chain with a member down waits for its commit timeout, which must not hold up a shutdown
   * (the write then ends with an error, logged).
   */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    if (this.#writing === undefined) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.#writing, new Promise((r) => (timer = setTimeout(r, STOP_WAIT_MS)))]);
    clearTimeout(timer);
  }
}
