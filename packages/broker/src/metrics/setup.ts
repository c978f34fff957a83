import { ApiKey, type ProduceResponse } from '@kilgore/protocol';
import type { Logger } from 'pino';
import type { BrokerChain } from '../chain/broker-chain.js';
import type { BrokerConfig } from '../config/broker-config.js';
import type { OffsetManager } from '../groups/index.js';
import type { LocalRequests } from '../local-requests.js';
import type { LogStore } from '../logs/partition-log.js';
import type { TopicRegistry } from '../topics/registry.js';
import { BrokerMetrics, type MetricsSources } from './broker-metrics.js';
import type { ChainMetricsSource } from './chain-lag.js';
import { startMetricsServer } from './http-server.js';
import { type StatsTopicOptions, StatsTopicWriter } from './stats-topic.js';

function setting(config: BrokerConfig, name: string): string | undefined {
  const v = config.settings.get(name)?.value;
  return v === undefined || v === null ? undefined : String(v);
}

/** Whether either consumer of the counters is on; when neither is, the broker counts nothing. */
export function metricsWanted(config: BrokerConfig): boolean {
  return (
    setting(config, 'kilgore.metrics.listener') !== undefined ||
    setting(config, 'kilgore.stats.enable') === 'true'
  );
}

/** Where the collectors read partitions: the topic registry and the logs, at scrape time. */
export function partitionSource(topics: TopicRegistry, logs: LogStore): MetricsSources['partitions'] {
  return function* () {
    for (const t of topics.list()) {
      for (let p = 0; p < t.partitions; p++) {
        const log = logs.get(t.name, p);
        if (log === undefined) continue;
        const size = log.sizeInBytes;
        yield {
          topic: t.name,
          partition: p,
          logStartOffset: log.logStartOffset,
          logEndOffset: log.logEndOffset,
          highWatermark: log.highWatermark,
          ...(typeof size === 'number' ? { sizeBytes: size } : {}),
        };
      }
    }
  };
}

/**
 * Committed offsets beside high watermarks; partitions not hosted here are left out. On chains
 * only the coordinator reports: another node may hold offsets it read from its replica of
 * __consumer_offsets at start, which nothing updates since.
 */
export function groupOffsetSource(
  offsets: OffsetManager,
  logs: LogStore,
  chain: BrokerChain | undefined,
): MetricsSources['groupOffsets'] {
  return function* () {
    if (chain !== undefined && !chain.isCoordinator()) return;
    for (const c of offsets.committedOffsets()) {
      const log = logs.get(c.topic, c.partition);
      if (log === undefined) continue;
      yield {
        group: c.group,
        topic: c.topic,
        partition: c.partition,
        committedOffset: Number(c.offset),
        highWatermark: log.highWatermark,
      };
    }
  };
}

/**
 * Replication lag from this node's forwarder: its successor's log end and the tail's ack beside
 * this node's log end, per partition it streams. The tail forwards nothing and reports nothing.
 */
export function chainSource(chain: BrokerChain, logs: LogStore): ChainMetricsSource {
  return {
    *replicas() {
      const { forwarder, chain: mine } = chain.replicator;
      if (forwarder === undefined || mine === undefined) return;
      const tail = mine.members.at(-1)!.nodeId;
      for (const p of forwarder.positions()) {
        const end = logs.get(p.topic, p.partition)?.logEndOffset;
        if (end === undefined) continue;
        const at = { chain: mine.name, topic: p.topic, partition: p.partition };
        yield { ...at, member: forwarder.successorId, lagRecords: Math.max(0, end - p.successorEnd) };
        if (tail !== forwarder.successorId)
          yield { ...at, member: tail, lagRecords: Math.max(0, end - p.tailAcked) };
      }
    },
    forwarding() {
      const { forwarder, chain: mine } = chain.replicator;
      if (forwarder === undefined || mine === undefined) return undefined;
      return {
        chain: mine.name,
        member: forwarder.successorId,
        messages: forwarder.stats.messages,
        seconds: forwarder.stats.answerMs / 1000,
      };
    },
  };
}

export interface RunningObservers {
  stop(): Promise<void>;
}

/**
 * How a node writes its stats records. One node: in-process. On chains the stats partition
 * belongs to one chain, and only its head takes writes: the head writes in-process and creates
 * the topic (once, so every node gets the same topic id through the topic sync); every other
 * node sends its record to that head, as a client would, and creates nothing.
 */
export function statsWrites(
  topic: string,
  request: LocalRequests,
  createTopic: (name: string) => void,
  chain: BrokerChain | undefined,
  config: BrokerConfig,
): Pick<StatsTopicOptions, 'produce' | 'ensureTopic'> {
  const { nodeId } = config;
  // Written in-process as the node's own SASL identity, the one its records to another head
  // log in with: with the authorizer on, that principal (a super user, usually) needs WRITE.
  const username = config.security?.interBroker?.sasl?.username;
  const caller = username === undefined ? {} : { principal: `User:${username}` };
  const head = () => chain?.replicator.leaderOf(topic, 0);
  const here = () => chain === undefined || head()?.nodeId === nodeId;
  return {
    ensureTopic(name) {
      if (here()) createTopic(name);
    },
    produce(req) {
      const leader = head();
      if (chain === undefined || leader === undefined || leader.nodeId === nodeId) {
        return request<ProduceResponse>(ApiKey.Produce, 9, req, caller);
      }
      return chain.requestMember<ProduceResponse>(leader, ApiKey.Produce, 9, req, req.timeoutMs + 5000);
    },
  };
}

/** Starts the /metrics listener and the stats topic writer, each if configured. */
export async function startObservers(opts: {
  config: BrokerConfig;
  metrics: BrokerMetrics;
  sources: MetricsSources;
  request: LocalRequests;
  /** Creates a topic of one partition unless it exists. */
  createTopic(name: string): void;
  chain: BrokerChain | undefined;
  log: Logger;
}): Promise<RunningObservers> {
  const { config, metrics, log } = opts;
  const statsTopic = setting(config, 'kilgore.stats.topic') ?? '_kilgore_stats';
  const listener = setting(config, 'kilgore.metrics.listener');
  const server = listener === undefined ? undefined : await startMetricsServer(listener, metrics, log);
  const stats =
    setting(config, 'kilgore.stats.enable') === 'true'
      ? new StatsTopicWriter({
          topic: statsTopic,
          intervalMs: Number(setting(config, 'kilgore.stats.interval.ms') ?? 60_000),
          nodeId: config.nodeId,
          metrics,
          sources: opts.sources,
          ...statsWrites(statsTopic, opts.request, opts.createTopic, opts.chain, config),
          log: log.child({ component: 'stats' }),
        })
      : undefined;
  return {
    async stop() {
      await stats?.stop();
      if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
      server?.closeAllConnections();
    },
  };
}

export { BrokerMetrics };
