/**
 * Settings of the metrics endpoint and the stats topic (README "Metrics and the stats topic").
 * Both are off by default.
 */
import type { ConfigDef } from './definitions.js';

export const METRICS_CONFIG_DEFS: readonly ConfigDef[] = [
  {
    name: 'kilgore.metrics.listener',
    type: 'string',
    default: null,
    doc: 'http://host:port to serve Prometheus metrics on (GET /metrics), e.g. http://127.0.0.1:9404; unset: off.',
    synonyms: [{ name: 'metrics.listener' }],
  },
  {
    name: 'kilgore.stats.enable',
    type: 'boolean',
    default: 'false',
    doc: 'Append a JSON record of per-topic puts, gets, errors and last offsets to the stats topic every interval.',
    synonyms: [{ name: 'stats.enable' }],
  },
  {
    name: 'kilgore.stats.topic',
    type: 'string',
    default: '_kilgore_stats',
    doc: 'The topic the stats records go to (created with one partition when missing).',
    synonyms: [{ name: 'stats.topic' }],
  },
  {
    name: 'kilgore.stats.interval.ms',
    type: 'long',
    default: '60000',
    min: 100,
    doc: 'How often each node writes its stats record.',
    synonyms: [{ name: 'stats.interval.ms' }],
  },
];
