import type { MembershipSource } from '@kilgore/discovery';
import { ErrorCode } from '@kilgore/protocol';
import { logConfigFromProperties } from '@kilgore/storage';
import { type Logger, pino } from 'pino';
import { Authorizer } from './acl/authorizer.js';
import { aclSettings } from './acl/settings.js';
import { AclStore } from './acl/store.js';
import { BrokerChain } from './chain/broker-chain.js';
import { coordinatorError } from './chain/partition-answers.js';
import type { BrokerConfig } from './config/broker-config.js';
import type { BrokerContext } from './context.js';
import { Groups, OFFSETS_TOPIC } from './groups/index.js';
import { OffsetsLog } from './groups/offsets-log.js';
import { advertisedVersions } from './handlers/index.js';
import type { RequestInterceptor } from './interceptor.js';
import { createLocalRequests, type LocalRequests } from './local-requests.js';
import type { LogStore } from './logs/partition-log.js';
import { logDefaults, StorageLogStore } from './logs/storage-log-store.js';
import {
  BrokerMetrics,
  chainSource,
  groupOffsetSource,
  instrumentRouter,
  metricsWanted,
  partitionSource,
  type RunningObservers,
  startObservers,
} from './metrics/index.js';
import { loadOrCreateMetaProperties } from './node/meta-properties.js';
import { ProducerIds } from './producers/producer-ids.js';
import { ProducerStates } from './producers/producer-state.js';
import { createRouter } from './router.js';
import { createAuthenticators } from './security/authenticators.js';
import { ScramCredentialStore } from './security/scram-store.js';
import { type BoundListener, KafkaServer } from './server/server.js';
import { SHARE_STATE_TOPIC, ShareCoordinator, ShareStateLog, ShareStateStore } from './share/index.js';
import { TopicRegistry } from './topics/registry.js';
import { TopicConfigStore, type TopicOverrides } from './topics/topic-configs.js';
import { TRANSACTION_STATE_TOPIC, TransactionCoordinator } from './transactions/coordinator.js';
import { localMarkerWriter } from './transactions/markers.js';

export interface BrokerOptions {
  config: BrokerConfig;
  /** Where partition logs live; defaults to @kilgore/storage in `log.dirs`. */
  logs?: LogStore;
  /**
   * Chain membership from elsewhere than `kilgore.chains` (DNS SRV discovery). Given or
   * configured, the broker replicates (docs/replication.md); neither: a single node.
   */
  membership?: MembershipSource;
  /** Defaults to pino JSON lines on stdout at `logger.level`. */
  log?: Logger;
  /** Test hook: sees (and may answer, delay or drop) every decoded request. Off by default. */
  interceptor?: RequestInterceptor;
}

/** An address clients are told to use (Metadata's brokers list). */
export interface AdvertisedAddress {
  listener: string;
  host: string;
  port: number;
}

/** One running Kilgore node. */
export class Broker {
  private stopping: Promise<void> | null = null;
  /**
   * Calls one Kafka API in-process (decoded request body in, response body out), with the same
   * ACLs, replication and acks as a client's request: the face that packages above the broker
   * (HTTP, unix-socket ingest) use instead of reaching into its internals.
   */
  readonly request: LocalRequests;

  private constructor(
    readonly context: BrokerContext,
    private readonly server: KafkaServer,
    readonly listeners: readonly BoundListener[],
    private readonly shutdown: AbortController,
    private observers?: RunningObservers,
  ) {
    this.request = createLocalRequests(context);
  }

  /** Opens the log dir and binds every listener; resolves once clients can connect. */
  static async start(opts: BrokerOptions): Promise<Broker> {
    const { config } = opts;
    const log = opts.log ?? pino({ level: config.loggerLevel });
    const chain = await BrokerChain.create(config, log, opts.membership);
    const meta = loadOrCreateMetaProperties(
      config.logDir,
      config.nodeId,
      await chain?.clusterIdForNewLogDir(config.logDir),
    );
    const topics = new TopicRegistry(config.logDir, log, config.maxPartitions);
    chain?.attachTopics(topics);
    topics.load();
    chain?.loadTopicTable();
    const topicConfigs = new TopicConfigStore(config.logDir, log);
    topicConfigs.load(topics.list().map((t) => t.name));
    const acls = new AclStore(config.logDir, log);
    acls.load();
    const storage = opts.logs ?? (await StorageLogStore.open(config, log, chain !== undefined));
    const logs = chain && storage instanceof StorageLogStore ? chain.wrapLogs(storage) : storage;
    // Storage opened (and if need be recovered) the logs with the broker's defaults; the topics'
    // own settings apply from here on.
    const applyConfigs = (name: string, overrides: TopicOverrides) => {
      if (!(storage instanceof StorageLogStore)) return; // in-memory logs have no settings
      storage.manager.setTopicConfig(
        name,
        logConfigFromProperties(Object.fromEntries(overrides), logDefaults(config)),
      );
    };
    for (const t of topics.list()) {
      if (topicConfigs.get(t.name).size > 0) applyConfigs(t.name, topicConfigs.get(t.name));
      logs.create(t.name, 0, t.partitions);
    }
    const shutdown = new AbortController();
    const scramCredentials = new ScramCredentialStore(config.logDir);
    scramCredentials.load();
    const producerStates = new ProducerStates();
    const groups = new Groups({
      config,
      log,
      // Created on first commit, compacted like Kafka's: only the latest offset per key matters.
      offsetsPartition(create) {
        if (!topics.get(OFFSETS_TOPIC)) {
          if (!create) return undefined;
          context.createTopic(OFFSETS_TOPIC, 1, new Map([['cleanup.policy', 'compact']]));
        }
        return logs.get(OFFSETS_TOPIC, 0);
      },
      partitionsOf: (name) => topics.get(name)?.partitions,
      topicIds: { idOf: (name) => topics.get(name)?.id, nameOf: (id) => topics.byId(id)?.name },
      listTopics: () => topics.list().map((t): [string, number] => [t.name, t.partitions]),
      coordinating: () => coordinatorError(context) === ErrorCode.NONE,
    });
    const transactionStateLog = new OffsetsLog(
      (create) => {
        if (!topics.get(TRANSACTION_STATE_TOPIC)) {
          if (!create) return undefined;
          context.createTopic(TRANSACTION_STATE_TOPIC, 1, new Map([['cleanup.policy', 'compact']]));
        }
        return logs.get(TRANSACTION_STATE_TOPIC, 0);
      },
      log,
      TRANSACTION_STATE_TOPIC,
    );
    // One node keeps share-partition state in its data dir; a chain in __share_group_state,
    // replicated with the coordinator's chain and read back when a node becomes its head.
    const shareStateLog = new OffsetsLog(
      (create) => {
        if (!topics.get(SHARE_STATE_TOPIC)) {
          if (!create) return undefined;
          context.createTopic(SHARE_STATE_TOPIC, 1, new Map([['cleanup.policy', 'compact']]));
        }
        return logs.get(SHARE_STATE_TOPIC, 0);
      },
      log,
      SHARE_STATE_TOPIC,
    );
    const share = new ShareCoordinator(
      config,
      log.child({ component: 'share' }),
      chain ? new ShareStateLog(shareStateLog) : new ShareStateStore(config.logDir),
    );
    if (!chain) await share.load();
    const producerIds = new ProducerIds(Date.now(), chain ? config.nodeId : undefined);
    const transactions = new TransactionCoordinator({
      stateLog: transactionStateLog,
      markers: chain
        ? (partitions, marker, signal) => chain.writeMarkers(partitions, marker, signal)
        : localMarkerWriter(logs, (obj, msg) => log.warn(obj, msg)),
      allocateProducerId: () => producerIds.allocate(),
      completed: (producerId, commit) => groups.offsets.completeTransaction(producerId, commit),
      log: log.child({ component: 'transactions' }),
      maxTimeoutMs: Number(config.settings.get('transaction.max.timeout.ms')?.value ?? 900_000),
    });
    // Counted only when /metrics or the stats topic is on: otherwise the hot path pays nothing.
    const partitions = partitionSource(topics, logs);
    let connections = () => 0;
    const metrics = metricsWanted(config)
      ? new BrokerMetrics({
          connections: () => connections(),
          partitions,
          groupOffsets: groupOffsetSource(groups.offsets, logs, chain),
          ...(chain ? { chain: chainSource(chain, logs) } : {}),
        })
      : undefined;
    const context: BrokerContext = {
      metrics,
      config,
      log,
      clusterId: meta.clusterId,
      nodeId: config.nodeId,
      advertised: [],
      topics,
      apiVersions: advertisedVersions(),
      logs,
      producerIds,
      producerStates,
      shutdown: shutdown.signal,
      topicConfigs,
      groups,
      share,
      transactions,
      scramCredentials,
      authorizer: new Authorizer(aclSettings(config), acls),
      createTopic(name, partitions, configs = new Map(), replicationFactor) {
        // Checked before the config file is written, so a refused create never touches the
        // overrides of a topic that already exists.
        topics.validateCreate(name, partitions);
        // Overrides first: a crash before the partition dirs exist leaves a file that load drops.
        if (configs.size > 0) topicConfigs.set(name, configs);
        applyConfigs(name, configs);
        const t = topics.create(name, partitions, undefined, replicationFactor);
        logs.create(name, 0, partitions);
        chain?.topicChanged(name);
        return t;
      },
      setTopicConfigs(name, overrides) {
        topicConfigs.set(name, overrides);
        applyConfigs(name, overrides);
        chain?.topicChanged(name);
      },
      async deleteTopic(name) {
        const t = topics.get(name);
        if (t) await logs.drop(name, t.partitions);
        producerStates.dropTopic(name);
        topics.delete(name);
        topicConfigs.delete(name);
        if (t) chain?.topicChanged(name, t.id);
      },
      async growTopic(name, total) {
        const before = topics.validateGrow(name, total).partitions;
        topics.grow(name, total);
        logs.create(name, before, total);
        chain?.topicChanged(name);
      },
      chain,
    };
    await groups.start();
    // Under chains the head of the coordinator's chain loads it (BrokerChain watches for that).
    if (!chain) await transactions.load();
    const server = new KafkaServer({
      listeners: config.listeners,
      maxFrameBytes: config.socketRequestMaxBytes,
      maxQueued: config.queuedMaxRequests,
      idleMs: config.connectionsMaxIdleMs,
      handle: metrics
        ? instrumentRouter(metrics, createRouter(context, undefined, opts.interceptor))
        : createRouter(context, undefined, opts.interceptor),
      log,
      // An interceptor may keep a response it saw; its record bytes must then never be reused.
      recycleReadBuffers: opts.interceptor === undefined,
      // Listener protocols, TLS, SASL and connection limits (absent: every listener PLAINTEXT).
      security: config.security?.listeners,
      authenticators: createAuthenticators(config, scramCredentials),
      maxConnectionsPerIp: config.security?.maxConnectionsPerIp,
      maxConnections: config.security?.maxConnections,
      requestReadTimeoutMs: config.security?.requestReadTimeoutMs,
      saslMaxReceiveSize: config.security?.saslMaxReceiveSize,
    });
    const bound = await server.listen();
    // An advertised port 0 follows the listener of the same name (handy with ephemeral ports).
    for (const a of config.advertisedListeners) {
      const b = bound.find((l) => l.name === a.name);
      context.advertised.push({
        listener: a.name,
        host: a.host,
        port: a.port === 0 ? (b?.boundPort ?? 0) : a.port,
      });
    }
    log.info(
      {
        nodeId: config.nodeId,
        clusterId: meta.clusterId,
        logDir: config.logDir,
        advertised: context.advertised,
      },
      'kilgore broker started',
    );
    // Peers reach this node from here on (replication rides on the listeners).
    await chain?.start(context);
    const broker = new Broker(context, server, bound, shutdown);
    if (metrics) {
      connections = () => server.connectionCount;
      broker.observers = await startObservers({
        config,
        metrics,
        sources: { connections, partitions },
        request: broker.request,
        createTopic: (name) => {
          if (!topics.get(name)) context.createTopic(name, 1);
        },
        chain,
        log,
      });
    }
    return broker;
  }

  /** The first advertised address, `host:port`, for clients' bootstrap lists. */
  get bootstrap(): string {
    const a = this.context.advertised[0]!;
    return `${a.host.includes(':') ? `[${a.host}]` : a.host}:${a.port}`;
  }

  /**
   * Graceful shutdown: stop accepting, answer requests in flight, close sockets, flush and
   * close the logs. Safe to call more than once.
   */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.context.log.info('kilgore broker stopping');
      await this.observers?.stop();
      // Parked fetches answer now with what they have, so draining does not wait max_wait_ms.
      this.shutdown.abort();
      // Parked JoinGroup/SyncGroup requests answer now too, and group timers stop.
      this.context.groups.close();
      this.context.share.close();
      this.context.transactions.close();
      await this.context.chain?.stop();
      await this.server.close();
      await this.context.logs.close();
      this.context.log.info('kilgore broker stopped');
    })();
    return this.stopping;
  }
}
