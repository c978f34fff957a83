/** Prometheus metrics (/metrics on kilgore.metrics.listener) and the stats topic. */
export { BrokerMetrics, countRecords, type MetricsSources, type TopicTotals } from './broker-metrics.js';
export {
  type ChainForwardSample,
  type ChainMetricsSource,
  type ChainReplicaSample,
  registerChainLag,
} from './chain-lag.js';
export { type GroupOffsetSample, registerGroupLag } from './group-lag.js';
export { startMetricsServer } from './http-server.js';
export { instrumentRouter } from './instrument-router.js';
export {
  chainSource,
  groupOffsetSource,
  metricsWanted,
  partitionSource,
  type RunningObservers,
  startObservers,
} from './setup.js';
export { DEFAULT_STATS_TOPIC, type StatsRecord, StatsTopicWriter } from './stats-topic.js';
