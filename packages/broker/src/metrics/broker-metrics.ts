import { ApiKey, BatchOffsets, LOG_OVERHEAD } from '@kilgore/protocol';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { type ChainMetricsSource, registerChainLag } from './chain-lag.js';
import { type GroupOffsetSample, registerGroupLag } from './group-lag.js';

/** Per-topic totals since start, for the stats topic (puts, gets, errors). */
export interface TopicTotals {
  puts: number;
  gets: number;
  errors: number;
  bytesIn: number;
  bytesOut: number;
}

/** What the collectors read from the broker when /metrics is scraped (never on the hot path). */
export interface MetricsSources {
  connections(): number;
  /** Every partition: offsets and (for on-disk logs) size. */
  partitions(): Iterable<{
    topic: string;
    partition: number;
    logStartOffset: number;
    logEndOffset: number;
    highWatermark: number;
    sizeBytes?: number;
  }>;
  /** Committed offsets of the groups coordinated here, each with its partition's high watermark. */
  groupOffsets?(): Iterable<GroupOffsetSample>;
  /** Replication lag and forwarding of this node's chain (absent on a single node). */
  chain?: ChainMetricsSource;
}

interface TopicCounters {
  totals: TopicTotals;
  bytesIn: Counter.Internal;
  bytesOut: Counter.Internal;
  messagesIn: Counter.Internal;
  fetchRecords: Counter.Internal;
  failedProduce: Counter.Internal;
  failedFetch: Counter.Internal;
}

const API_NAMES = new Map<number, string>(Object.entries(ApiKey).map(([name, key]) => [key as number, name]));

/**
 * The broker's Prometheus metrics, named as the Kafka JMX exporter names Kafka's MBeans
 * (kafka.server:type=BrokerTopicMetrics,name=BytesInPerSec,topic=x becomes
 * kafka_server_brokertopicmetrics_bytesin_total{topic="x"}), so Kafka dashboards mostly work.
 * Hot-path calls touch label children cached per topic and per API version: no label lookup,
 * no allocation per request.
 */
export class BrokerMetrics {
  readonly registry = new Registry();
  readonly #topics = new Map<string, TopicCounters>();
  readonly #requests = new Map<number, { count: Counter.Internal; seconds: Histogram.Internal<'request'> }>();
  readonly #bytesIn: Counter<'topic'>;
  readonly #bytesOut: Counter<'topic'>;
  readonly #messagesIn: Counter<'topic'>;
  readonly #fetchRecords: Counter<'topic'>;
  readonly #failedProduce: Counter<'topic'>;
  readonly #failedFetch: Counter<'topic'>;
  readonly #requestCount: Counter<'request' | 'version'>;
  readonly #requestSeconds: Histogram<'request'>;

  constructor(sources: MetricsSources) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: 'kilgore_' });
    const topicCounter = (name: string, help: string) =>
      new Counter({ name, help, labelNames: ['topic'] as const, registers });
    this.#bytesIn = topicCounter(
      'kafka_server_brokertopicmetrics_bytesin_total',
      'Bytes produced to the topic',
    );
    this.#bytesOut = topicCounter(
      'kafka_server_brokertopicmetrics_bytesout_total',
      'Bytes fetched from the topic',
    );
    this.#messagesIn = topicCounter(
      'kafka_server_brokertopicmetrics_messagesin_total',
      'Records produced to the topic',
    );
    this.#fetchRecords = topicCounter(
      'kilgore_server_brokertopicmetrics_messagesout_total',
      'Records fetched from the topic (Kafka has no such meter)',
    );
    this.#failedProduce = topicCounter(
      'kafka_server_brokertopicmetrics_failedproducerequests_total',
      'Produce partitions answered with an error',
    );
    this.#failedFetch = topicCounter(
      'kafka_server_brokertopicmetrics_failedfetchrequests_total',
      'Fetch partitions answered with an error',
    );
    this.#requestCount = new Counter({
      name: 'kafka_network_requestmetrics_requests_total',
      help: 'Requests by API and version',
      labelNames: ['request', 'version'] as const,
      registers,
    });
    this.#requestSeconds = new Histogram({
      name: 'kafka_network_requestmetrics_totaltime_seconds',
      help: 'Time from a request frame read to its response ready, by API',
      labelNames: ['request'] as const,
      buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    });
    new Gauge({
      name: 'kafka_server_socketservermetrics_connection_count',
      help: 'Open client and peer connections',
      registers,
      collect() {
        this.set(sources.connections());
      },
    });
    const partitionGauge = (name: string, help: string, pick: (p: PartitionSample) => number | undefined) =>
      new Gauge({
        name,
        help,
        labelNames: ['topic', 'partition'] as const,
        registers,
        collect() {
          this.reset();
          for (const p of sources.partitions()) {
            const v = pick(p);
            if (v !== undefined) this.set({ topic: p.topic, partition: String(p.partition) }, v);
          }
        },
      });
    partitionGauge('kafka_log_log_size', 'Bytes of the partition log on disk', (p) => p.sizeBytes);
    partitionGauge('kafka_log_log_logstartoffset', 'First offset of the partition', (p) => p.logStartOffset);
    partitionGauge('kafka_log_log_logendoffset', 'Log end offset of the partition', (p) => p.logEndOffset);
    partitionGauge(
      'kafka_cluster_partition_highwatermark',
      'High watermark of the partition',
      (p) => p.highWatermark,
    );
    if (sources.groupOffsets) registerGroupLag(this.registry, () => sources.groupOffsets!());
    if (sources.chain) registerChainLag(this.registry, sources.chain);
  }

  /** Called by the router once per request: its count now, its latency when `done` is called. */
  request(apiKey: number, apiVersion: number): Histogram.Internal<'request'> {
    const key = apiKey * 1000 + apiVersion;
    let r = this.#requests.get(key);
    if (r === undefined) {
      const request = API_NAMES.get(apiKey) ?? String(apiKey);
      r = {
        count: this.#requestCount.labels({ request, version: String(apiVersion) }),
        seconds: this.#requestSeconds.labels({ request }),
      };
      this.#requests.set(key, r);
    }
    r.count.inc();
    return r.seconds;
  }

  topic(name: string): TopicCounters {
    let t = this.#topics.get(name);
    if (t === undefined) {
      const labels = { topic: name };
      t = {
        totals: { puts: 0, gets: 0, errors: 0, bytesIn: 0, bytesOut: 0 },
        bytesIn: this.#bytesIn.labels(labels),
        bytesOut: this.#bytesOut.labels(labels),
        messagesIn: this.#messagesIn.labels(labels),
        fetchRecords: this.#fetchRecords.labels(labels),
        failedProduce: this.#failedProduce.labels(labels),
        failedFetch: this.#failedFetch.labels(labels),
      };
      this.#topics.set(name, t);
    }
    return t;
  }

  /** A produced batch that was appended (`ok`) or refused. */
  produced(topic: string, records: Buffer | null, ok: boolean): void {
    const t = this.topic(topic);
    if (!ok || records === null) {
      t.failedProduce.inc();
      t.totals.errors++;
      return;
    }
    const count = countRecords(records);
    t.bytesIn.inc(records.length);
    t.messagesIn.inc(count);
    t.totals.puts += count;
    t.totals.bytesIn += records.length;
  }

  /** A fetched partition: its record bytes, or an error. */
  fetched(topic: string, records: Buffer | null, errorCode: number): void {
    const t = this.topic(topic);
    if (errorCode !== 0) {
      t.failedFetch.inc();
      t.totals.errors++;
      return;
    }
    if (records === null || records.length === 0) return;
    const count = countRecords(records);
    t.bytesOut.inc(records.length);
    t.fetchRecords.inc(count);
    t.totals.gets += count;
    t.totals.bytesOut += records.length;
  }

  /** Totals per topic since start, for the stats topic. */
  totals(): ReadonlyMap<string, TopicTotals> {
    return new Map([...this.#topics].map(([name, t]) => [name, t.totals]));
  }

  scrape(): Promise<string> {
    return this.registry.metrics();
  }
}

type PartitionSample = ReturnType<MetricsSources['partitions']> extends Iterable<infer T> ? T : never;

/** Sums recordsCount over the v2 batch headers in `records` (header reads only, no decoding). */
export function countRecords(records: Buffer): number {
  let n = 0;
  let pos = 0;
  while (pos + BatchOffsets.recordsCount + 4 <= records.length) {
    if (records[pos + BatchOffsets.magic] !== 2) break;
    n += records.readInt32BE(pos + BatchOffsets.recordsCount);
    pos += records.readInt32BE(pos + BatchOffsets.batchLength) + LOG_OVERHEAD;
  }
  return n;
}
