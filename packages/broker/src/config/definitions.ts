/**
 * The broker settings Kilgore understands, named and defaulted as in Kafka's broker configs
 * (KafkaConfig / ServerLogConfigs / SocketServerConfigs). One table drives the CLI flags
 * (`log.segment.bytes` -> `--log-segment-bytes`), the environment (`KILGORE_LOG_SEGMENT_BYTES`),
 * `server.properties` and validation, so the four never disagree.
 */

import { CHAIN_CONFIG_DEFS } from './chain-definitions.js';
import { DISCOVERY_CONFIG_DEFS } from './discovery-definitions.js';
import { GROUP_CONSUMER_CONFIG_DEFS } from './group-definitions.js';
import { HTTP_CONFIG_DEFS } from './http-definitions.js';
import { INGEST_CONFIG_DEFS } from './ingest-definitions.js';
import { METRICS_CONFIG_DEFS } from './metrics-definitions.js';
import { SECURITY_CONFIG_DEFS } from './security-definitions.js';
import { SHARE_CONFIG_DEFS } from './share-definitions.js';

export type ConfigType = 'int' | 'long' | 'boolean' | 'string' | 'list';

export interface ConfigDef {
  name: string;
  type: ConfigType;
  /** Default as Kafka would print it; `null` means "no value" (the setting is optional). */
  default: string | null;
  doc: string;
  min?: number;
  max?: number;
  /** For string settings: the accepted values (case-insensitive). */
  oneOf?: readonly string[];
  /**
   * Settings that say the same thing at lower priority within one source, with a factor that
   * turns their unit into this one's (Kafka: log.retention.ms > .minutes > .hours).
   */
  synonyms?: readonly { name: string; factor?: number }[];
}

const INT32_MAX = 2 ** 31 - 1;
const DAY_MS = 7 * 24 * 60 * 60 * 1000;

export const CONFIG_DEFS: readonly ConfigDef[] = [
  {
    name: 'node.id',
    type: 'int',
    default: '1',
    min: 0,
    doc: 'The id of this node, reported to clients in Metadata.',
    synonyms: [{ name: 'broker.id' }],
  },
  {
    name: 'listeners',
    type: 'list',
    default: 'PLAINTEXT://127.0.0.1:9092',
    doc: 'Comma-separated NAME://host:port URIs to listen on; an empty host means every interface.',
  },
  {
    name: 'advertised.listeners',
    type: 'list',
    default: null,
    doc: 'The addresses clients are told to connect to; defaults to listeners.',
  },
  {
    name: 'log.dirs',
    type: 'list',
    default: './data',
    doc: 'The directory holding the partition logs (Kilgore uses one).',
    synonyms: [{ name: 'log.dir' }],
  },
  { name: 'num.partitions', type: 'int', default: '1', min: 1, doc: 'Partitions of an auto-created topic.' },
  {
    name: 'default.replication.factor',
    type: 'int',
    default: '-1',
    min: -1,
    doc:
      'Replication factor of a topic created without one (auto-created, or CreateTopics with -1): on ' +
      "chains, each partition lives on the first R members of its chain; -1 (Kilgore's default, " +
      "Kafka's is 1) is the whole chain. One node: 1 or -1. 0 is refused.",
  },
  {
    name: 'auto.create.topics.enable',
    type: 'boolean',
    default: 'true',
    doc: 'Create a topic when a Metadata request names one that does not exist.',
  },
  { name: 'delete.topic.enable', type: 'boolean', default: 'true', doc: 'Allow DeleteTopics.' },
  {
    name: 'kilgore.max.partitions',
    type: 'int',
    default: '100000',
    min: 1,
    doc: 'The most partitions all topics together may have; a CreateTopics, CreatePartitions or auto-create beyond it is refused (POLICY_VIOLATION). Each partition is a directory and open files.',
  },
  {
    name: 'log.segment.bytes',
    type: 'int',
    default: String(1024 * 1024 * 1024),
    min: 14,
    max: INT32_MAX,
    doc: 'Size at which a segment file is rolled.',
  },
  {
    name: 'log.roll.ms',
    type: 'long',
    default: String(DAY_MS),
    min: 1,
    doc: 'Age at which a segment is rolled.',
    synonyms: [{ name: 'log.roll.hours', factor: 3_600_000 }],
  },
  {
    name: 'log.retention.ms',
    type: 'long',
    default: String(DAY_MS),
    min: -1,
    doc: 'Age after which a segment is deleted; -1 keeps data forever.',
    synonyms: [
      { name: 'log.retention.minutes', factor: 60_000 },
      { name: 'log.retention.hours', factor: 3_600_000 },
    ],
  },
  {
    name: 'log.retention.bytes',
    type: 'long',
    default: '-1',
    min: -1,
    doc: 'Size per partition above which old segments are deleted; -1 means no limit.',
  },
  {
    name: 'log.retention.check.interval.ms',
    type: 'long',
    default: '300000',
    min: 1,
    doc: 'How often retention runs.',
  },
  {
    name: 'log.index.interval.bytes',
    type: 'int',
    default: '4096',
    min: 0,
    doc: 'Bytes between two offset-index entries.',
  },
  {
    name: 'message.max.bytes',
    type: 'int',
    default: '1048588',
    min: 0,
    doc: 'Largest record batch accepted by Produce.',
  },
  {
    name: 'log.message.timestamp.before.max.ms',
    type: 'long',
    default: '9223372036854775807',
    min: 0,
    doc: 'How far in the past a CreateTime record timestamp may be (Produce answers INVALID_TIMESTAMP).',
  },
  {
    name: 'log.message.timestamp.after.max.ms',
    type: 'long',
    default: '3600000',
    min: 0,
    doc: 'How far in the future a CreateTime record timestamp may be; Kafka 4 default: one hour.',
  },
  {
    name: 'transaction.max.timeout.ms',
    type: 'int',
    default: '900000',
    min: 1,
    doc: 'The longest transaction.timeout.ms a transactional producer may ask for.',
  },
  {
    name: 'compression.type',
    type: 'string',
    default: 'producer',
    oneOf: ['producer', 'uncompressed', 'gzip', 'snappy', 'lz4', 'zstd'],
    doc: "Codec batches are stored under; 'producer' keeps them as sent, others recompress those that differ.",
  },
  {
    name: 'compression.gzip.level',
    type: 'int',
    default: '-1',
    min: -1,
    max: 9,
    doc: "gzip level for broker-side compression: -1 (zlib's default, 6) or 1-9.",
  },
  {
    name: 'compression.lz4.level',
    type: 'int',
    default: '9',
    min: 1,
    max: 17,
    doc: "lz4 level (accepted as Kafka's; Kilgore's lz4 library has one level).",
  },
  {
    name: 'compression.zstd.level',
    type: 'int',
    default: '3',
    min: -131072,
    max: 22,
    doc: 'zstd level for broker-side compression: -131072 to 22.',
  },
  {
    name: 'socket.request.max.bytes',
    type: 'int',
    default: '104857600',
    min: 1,
    doc: 'Largest request frame; a bigger one closes the connection.',
  },
  {
    name: 'connections.max.idle.ms',
    type: 'long',
    default: '600000',
    min: 1,
    doc: 'Connections silent this long are closed.',
  },
  {
    name: 'queued.max.requests',
    type: 'int',
    default: '500',
    min: 1,
    doc: 'Requests queued on one connection before Kilgore stops reading from it (back-pressure).',
  },
  {
    name: 'group.initial.rebalance.delay.ms',
    type: 'int',
    default: '3000',
    min: 0,
    doc: 'How long the first rebalance of an empty group waits for more members to join.',
  },
  {
    name: 'group.min.session.timeout.ms',
    type: 'int',
    default: '6000',
    min: 0,
    doc: 'Smallest session timeout a group member may ask for.',
  },
  {
    name: 'group.max.session.timeout.ms',
    type: 'int',
    default: '1800000',
    min: 0,
    doc: 'Largest session timeout a group member may ask for.',
  },
  ...GROUP_CONSUMER_CONFIG_DEFS,
  {
    name: 'offsets.retention.minutes',
    type: 'int',
    default: '10080',
    min: 1,
    doc: 'Committed offsets of a group that has been empty this long are expired.',
  },
  {
    name: 'offsets.retention.check.interval.ms',
    type: 'long',
    default: '600000',
    min: 1,
    doc: 'How often expired committed offsets are removed.',
  },
  {
    name: 'offset.metadata.max.bytes',
    type: 'int',
    default: '4096',
    min: 0,
    doc: 'Largest metadata string an OffsetCommit may carry.',
  },
  {
    name: 'logger.level',
    type: 'string',
    default: 'info',
    oneOf: ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'],
    doc: "Kilgore's own log level (pino).",
  },
  {
    name: 'authorizer.class.name',
    type: 'string',
    default: null,
    doc: 'Turns ACL authorization on when set to any value (Kafka: org.apache.kafka.metadata.authorizer.StandardAuthorizer); then requests are denied unless an ACL allows them.',
  },
  {
    name: 'super.users',
    type: 'string',
    default: null,
    doc: 'Principals allowed everything whatever the ACLs say, separated by semicolons: User:admin;User:bob.',
  },
  {
    name: 'allow.everyone.if.no.acl.found',
    type: 'boolean',
    default: 'false',
    doc: 'With an authorizer on, allow an action on a resource that no ACL mentions at all.',
  },
  ...SECURITY_CONFIG_DEFS,
  ...CHAIN_CONFIG_DEFS,
  ...DISCOVERY_CONFIG_DEFS,
  ...INGEST_CONFIG_DEFS,
  ...SHARE_CONFIG_DEFS,
  ...HTTP_CONFIG_DEFS,
  ...METRICS_CONFIG_DEFS,
];

const BY_NAME = new Map<string, ConfigDef>();
for (const def of CONFIG_DEFS) {
  BY_NAME.set(def.name, def);
}

/** The definition a setting name belongs to: itself or the setting it is a synonym of. */
export function findConfigDef(name: string): { def: ConfigDef; factor: number; rank: number } | undefined {
  const direct = BY_NAME.get(name);
  if (direct) return { def: direct, factor: 1, rank: 0 };
  for (const def of CONFIG_DEFS) {
    const i = def.synonyms?.findIndex((s) => s.name === name) ?? -1;
    if (i >= 0) return { def, factor: def.synonyms?.[i]?.factor ?? 1, rank: i + 1 };
  }
  return undefined;
}

/** Every name a setting may be given under, synonyms included. */
export function allConfigNames(): string[] {
  return CONFIG_DEFS.flatMap((d) => [d.name, ...(d.synonyms ?? []).map((s) => s.name)]);
}

/** `log.segment.bytes` -> `KILGORE_LOG_SEGMENT_BYTES`. */
export function envName(configName: string): string {
  return `KILGORE_${configName.toUpperCase().replaceAll('.', '_')}`;
}

/** `log.segment.bytes` -> `log-segment-bytes` (the CLI flag without its dashes). */
export function flagName(configName: string): string {
  return configName.replaceAll('.', '-');
}
