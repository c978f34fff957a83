import type { Logger } from 'pino';
import type { Authorizer } from './acl/authorizer.js';
import type { AdvertisedAddress } from './broker.js';
import type { BrokerChain } from './chain/broker-chain.js';
import type { BrokerConfig } from './config/broker-config.js';
import type { Groups } from './groups/index.js';
import type { LogStore } from './logs/partition-log.js';
import type { BrokerMetrics } from './metrics/broker-metrics.js';
import type { ProducerIds } from './producers/producer-ids.js';
import type { ProducerStates } from './producers/producer-state.js';
import type { ScramCredentialStore } from './security/scram-store.js';
import type { ShareCoordinator } from './share/index.js';
import type { TopicInfo, TopicRegistry } from './topics/registry.js';
import type { TopicConfigStore, TopicOverrides } from './topics/topic-configs.js';
import type { TransactionCoordinator } from './transactions/coordinator.js';

/** An entry of ApiVersions' list. */
export interface ApiVersionRange {
  apiKey: number;
  minVersion: number;
  maxVersion: number;
}

/** What every request handler may use: configuration, identity, topics, logs. */
export interface BrokerContext {
  readonly config: BrokerConfig;
  readonly log: Logger;
  readonly clusterId: string;
  readonly nodeId: number;
  /** Filled once listeners are bound (port 0 resolved). */
  readonly advertised: AdvertisedAddress[];
  /** Topic names, ids and partition counts. Change them through the methods below. */
  readonly topics: TopicRegistry;
  /** The partition logs. */
  readonly logs: LogStore;
  /** Idempotent producers: ids handed out, and per-partition sequence state. */
  readonly producerIds: ProducerIds;
  readonly producerStates: ProducerStates;
  /** Aborted when the broker stops, so parked requests (long-polling fetches) answer at once. */
  readonly shutdown: AbortSignal;
  /** What ApiVersions advertises: the handler table's ranges, sorted by api key. */
  readonly apiVersions: readonly ApiVersionRange[];
  /** Per-topic config overrides (persisted). Change them through `setTopicConfigs`. */
  readonly topicConfigs: TopicConfigStore;
  /** The group coordinator: group membership and committed offsets. */
  readonly groups: Groups;
  /** Share groups (KIP-932): membership, share sessions and durable share-partition state. */
  readonly share: ShareCoordinator;
  /** The transaction coordinator: transactional ids, their open transactions and markers. */
  readonly transactions: TransactionCoordinator;
  /** SCRAM credentials set by AlterUserScramCredentials (persisted in the log dir). */
  readonly scramCredentials?: ScramCredentialStore;
  /** ACLs and the decisions made from them (allows everything unless `authorizer.class.name` is set). */
  readonly authorizer: Authorizer;
  /**
   * Creates a topic and its partition logs (CreateTopics, auto-creation); throws TopicError.
   * `configs` are overrides already checked by validateOverrides; `replicationFactor` one
   * checked by replicationFactorFor (undefined: the whole chain).
   */
  createTopic(
    name: string,
    partitions: number,
    configs?: TopicOverrides,
    replicationFactor?: number,
  ): TopicInfo;
  /** Replaces a topic's overrides: persisted first, then applied to its partition logs. */
  setTopicConfigs(name: string, overrides: TopicOverrides): void;
  /** Deletes a topic: closes its partition logs, then removes its files. */
  deleteTopic(name: string): Promise<void>;
  /** Grows a topic to `total` partitions (CreatePartitions). */
  growTopic(name: string, total: number): Promise<void>;
  /** Chain replication (docs/replication.md); undefined on a single node. */
  readonly chain?: BrokerChain;
  /** Prometheus metrics and stats-topic counts; undefined when both are off. */
  readonly metrics?: BrokerMetrics;
}
