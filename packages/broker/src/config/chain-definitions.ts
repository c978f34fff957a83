/**
 * Settings of chain replication (docs/replication.md). `kilgore.chains` is also `--chains` and
 * `KILGORE_CHAINS` (its synonym `chains`); the others carry Kafka's names and defaults.
 */
import type { ConfigDef } from './definitions.js';

export const CHAIN_CONFIG_DEFS: readonly ConfigDef[] = [
  {
    name: 'kilgore.chains',
    type: 'string',
    default: null,
    doc: 'The replication chains: name=nodeId@host:port,... (head first), chains separated by ";". Unset: a single node.',
    synonyms: [{ name: 'chains' }],
  },
  {
    name: 'min.insync.replicas',
    type: 'int',
    default: '1',
    min: 1,
    doc: 'acks=all is refused with NOT_ENOUGH_REPLICAS on a chain shorter than this (topics may override it).',
  },
  {
    name: 'replica.lag.time.max.ms',
    type: 'long',
    default: '30000',
    min: 1,
    doc: 'How long a chain member waits for its successor to acknowledge before answering with what it has.',
  },
  {
    name: 'request.timeout.ms',
    type: 'int',
    default: '30000',
    min: 1,
    doc: 'How long an acks=all produce waits for the chain before REQUEST_TIMED_OUT.',
  },
];
