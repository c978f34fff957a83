import { ApiKey, encodeRecordBatchSync, type ProduceResponse } from '@kilgore/protocol';
import type { Logger } from 'pino';
import type { LocalRequests } from '../local-requests.js';
import type { BrokerMetrics, MetricsSources, TopicTotals } from './broker-metrics.js';

/**
 * The stats topic, Kilgore's take on Kaf's `_kaf` log: every interval each node appends one JSON
 * record (key: its node id) with, per topic, the records put and got and the errors in that
 * interval, and each partition's last offset. Named `_kilgore_stats`: one underscore, so it is
 * not mistaken for one of Kafka's own internal topics (`__consumer_offsets`), yet sorts apart
 * from user topics; any client reads it (kcat -C -t _kilgore_stats).
 */
export const DEFAULT_STATS_TOPIC = '_kilgore_stats';

export interface StatsTopicOptions {
  topic: string;
  intervalMs: number;
  nodeId: number;
  metrics: BrokerMetrics;
  sources: MetricsSources;
  request: LocalRequests;
  /** Creates the topic (one partition) when it does not exist yet. */
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
  #writing: Promise<void> = Promise.resolve();

  constructor(opts: StatsTopicOptions) {
    this.#opts = opts;
    this.#timer = setInterval(() => {
      this.#writing = this.#writing.then(() => this.writeOnce());
    }, opts.intervalMs);
    this.#timer.unref();
  }

  /** The record for the interval that ends now (and the start of the next one). */
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
    this.#previous = new Map([...now].map(([k, v]) => [k, { ...v }]));
    return {
      node: this.#opts.nodeId,
      time: new Date().toISOString(),
      intervalMs: this.#opts.intervalMs,
      topics,
    };
  }

  /** Appends one record; a failure is a warning (the next interval tries again), never a crash. */
  async writeOnce(): Promise<void> {
    const { topic, request, log, nodeId } = this.#opts;
    try {
      this.#opts.ensureTopic(topic);
      const value = JSON.stringify(this.snapshot());
      const records = encodeRecordBatchSync({ records: [{ key: String(nodeId), value }] });
      const res = await request<ProduceResponse>(ApiKey.Produce, 9, {
        transactionalId: null,
        acks: -1,
        timeoutMs: 10_000,
        topicData: [{ name: topic, partitionData: [{ index: 0, records }] }],
      });
      const code = res?.responses[0]?.partitionResponses[0]?.errorCode ?? 0;
      if (code !== 0) log.warn({ topic, errorCode: code }, 'stats record refused');
    } catch (err) {
      log.warn({ err, topic }, 'stats record not written');
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#writing;
  }
}
