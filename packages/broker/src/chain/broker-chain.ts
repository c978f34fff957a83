/**
 * Chain replication inside the broker: the engine (@kilgore/chain) with this broker as its host,
 * the topic table shared by every node, and the answers handlers need (who leads a partition,
 * who coordinates groups, may this node take a write).
 */
import { createHash } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import {
  ChainApiKey,
  type ChainEpochEntry,
  type ChainMember,
  ChainReplicator,
  PeerConnection as Peer,
  type PeerConnection,
  type PeerDialer,
  type ReplicaHost,
  type SyncPlacement,
  type SyncTopic,
  type TopicSyncRequest,
  type TopicSyncResponse,
  type TxnMarkersRequest,
  type TxnMarkersResponse,
} from '@kilgore/chain';
import { formatChains, type Membership, type MembershipSource, StaticMembership } from '@kilgore/discovery';
import { decodeResponse, ErrorCode, iterateBatches } from '@kilgore/protocol';
import type { PartitionLog, TxnMarker } from '@kilgore/storage';
import type { Logger } from 'pino';
import type { BrokerConfig } from '../config/broker-config.js';
import type { BrokerContext } from '../context.js';
import { OFFSETS_TOPIC } from '../groups/offsets-log.js';
import type { StorageLogStore } from '../logs/storage-log-store.js';
import { SHARE_STATE_TOPIC } from '../share/share-state-log.js';
import {
  type PartitionMove,
  replicationFactorOf,
  type TopicInfo,
  type TopicRegistry,
} from '../topics/registry.js';
import type { MarkerPartition } from '../transactions/markers.js';
import { exchange } from './exchange.js';
import { Reassignments } from './reassignments.js';
import { ReplicatedLogStore, ReplicationError } from './replicated-log-store.js';
import { interBrokerDialer } from './secure-dialer.js';
import { SecuritySync } from './security-sync.js';
import { readTopicTable, writeTopicTable } from './topic-table.js';
import { ChainMarkerWriter } from './txn-marker-writer.js';

/** How far back a new head looks for idempotent producers' batches. */
const PRODUCER_TAIL_OFFSETS = 10_000;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());

export class BrokerChain {
  readonly replicator: ChainReplicator;
  readonly source: MembershipSource;
  #ctx: BrokerContext | undefined;
  #topics: TopicRegistry | undefined;
  #logs: ReplicatedLogStore | undefined;
  /** Remote changes being applied: not pushed back out. */
  #applying = 0;
  /** Per peer node id: topic changes not yet acknowledged by it. */
  readonly #outbox = new Map<number, Map<string, SyncTopic>>();
  readonly #pushing = new Set<number>();
  /** Per peer node id: chain epochs not yet acknowledged by it (chain name -> epoch). */
  readonly #epochOutbox = new Map<number, Map<string, number>>();
  /**
   * The newest epoch each chain's head opened, as heard from the heads (TopicSync): what
   * Metadata reports, so every node gives clients the same leader epoch. Fencing uses the
   * replicator's own epochs, never these.
   */
  readonly #knownEpochs = new Map<string, number>();
  #stopped = false;
  #offsetsLoaded = false;
  /** Opens connections to other nodes: TLS and SASL when the inter-broker listener wants them. */
  readonly #dial: PeerDialer;
  /** ACLs and SCRAM credentials, carried by TopicSync beside the topics. */
  #security: SecuritySync | undefined;
  /** The transaction coordinator's markers, to whichever head owns each partition. */
  readonly #markers: ChainMarkerWriter;
  /** AlterPartitionReassignments / ListPartitionReassignments (set at start). */
  reassignments: Reassignments | undefined;

  private constructor(
    private readonly config: BrokerConfig,
    private readonly log: Logger,
    source: MembershipSource,
  ) {
    this.source = source;
    this.#dial = interBrokerDialer(config.security?.interBroker);
    const host: ReplicaHost = {
      log: (t, p) => this.#raw(t, p),
      ensureLog: (t, p) => this.#ensureLog(t, p),
      topics: () => this.#topics?.list() ?? [],
      replicationFactor: (topic, partition) => {
        const t = this.#topics?.get(topic);
        return t === undefined ? undefined : replicationFactorOf(t, partition);
      },
      placedOn: (topic, partition) => this.#topics?.get(topic)?.placedOn?.[partition],
      movingIn: (topic, partition) => {
        const m = this.#topics?.get(topic)?.moves?.[partition];
        if (!m?.switched || m.to !== this.replicator.chain?.name) return undefined;
        return { from: m.from, fromEpoch: this.epochOf(m.from) };
      },
      topicSync: (req) => this.#onTopicSync(req),
      beforeStream: (peer) => this.#pushTable(peer),
      membershipApplied: () => this.#membershipApplied(),
      epochOpened: (chain, epoch) => this.#epochOpened(chain, epoch),
      txnMarkers: (req) => this.#onTxnMarkers(req),
    };
    this.replicator = new ChainReplicator({
      nodeId: config.nodeId,
      source,
      host,
      stateDir: config.logDir,
      log: log.child({ component: 'chain' }),
      ackTimeoutMs: config.chain?.replicaLagTimeMaxMs ?? 30_000,
      dialer: this.#dial,
    });
    this.#markers = new ChainMarkerWriter({
      nodeId: config.nodeId,
      replicator: this.replicator,
      dial: this.#dial,
      writeHere: (topic, partition, marker) => this.#writeMarkerHere(topic, partition, marker),
      topicExists: (topic) => this.#topics?.get(topic) !== undefined,
      log: log.child({ component: 'txn-markers' }),
    });
  }

  /** The chain setup of a broker, or undefined for a single node (no membership anywhere). */
  static async create(
    config: BrokerConfig,
    log: Logger,
    source?: MembershipSource,
  ): Promise<BrokerChain | undefined> {
    const membership = config.chain?.membership;
    const s = source ?? (membership ? new StaticMembership(membership) : undefined);
    if (!s) return undefined;
    const problem = config.security?.interBroker?.problem;
    if (problem !== undefined) throw new Error(problem);
    // Placement needs a membership from the start (DNS: the first answer).
    await s.start();
    return new BrokerChain(config, log, s);
  }

  /**
   * A new static membership (SIGHUP). True if it changed; throws when the source is not a
   * static list (DNS discovery owns its membership) or the list is invalid.
   */
  setMembership(next: Membership): boolean {
    if (!(this.source instanceof StaticMembership)) {
      throw new Error('membership comes from discovery, not from kilgore.chains');
    }
    return this.source.set(next);
  }

  get membership(): Membership {
    return this.source.current() ?? { chains: [] };
  }

  /**
   * The cluster id for a log dir being formatted (no meta.properties yet), so every node of the
   * cluster reports the same one: a reachable peer's, else one derived from the chain list (nodes
   * of a new cluster started together agree). Undefined when the log dir has its id already.
   */
  async clusterIdForNewLogDir(logDir: string): Promise<string | undefined> {
    if (fs.existsSync(path.join(logDir, 'meta.properties'))) return undefined;
    const fromPeer = await this.#firstPeerTable((res) =>
      /^[A-Za-z0-9_-]{22}$/.test(res.clusterId) ? res.clusterId : undefined,
    );
    if (fromPeer !== undefined) return fromPeer;
    const names = [...this.membership.chains].sort((a, b) => (a.name < b.name ? -1 : 1));
    const digest = createHash('sha256')
      .update(formatChains({ chains: names }))
      .digest();
    return digest.subarray(0, 16).toString('base64url');
  }

  /** Before `topics.load()`: only this chain's partitions get dirs. */
  attachTopics(topics: TopicRegistry): void {
    this.#topics = topics;
    topics.hosted = (t, p) => this.hosts(t, p);
  }

  /** After `topics.load()`: the whole table as last saved (topics with no partition here too). */
  loadTopicTable(): void {
    for (const t of readTopicTable(this.config.logDir)) this.#topics?.adopt(t);
  }

  wrapLogs(inner: StorageLogStore): ReplicatedLogStore {
    this.#logs = new ReplicatedLogStore(inner, this.replicator, () => this.commitTimeoutMs);
    return this.#logs;
  }

  get commitTimeoutMs(): number {
    return this.config.chain?.requestTimeoutMs ?? 30_000;
  }

  /**
   * A partition's replicas changed (a reassignment, here or at a peer): logs for partitions now
   * kept here, a new handshake with the successor, and the head's progress watch.
   */
  #replicasChanged(): void {
    this.#membershipApplied();
    this.replicator.replicasChanged();
  }

  /** A reassignment made here: applied, saved, and pushed to every other node. */
  reassigned(topic: TopicInfo): void {
    const version = (this.#topics?.get(topic.name)?.reassignmentVersion ?? 0) + 1;
    this.#adoptReassignment({ ...topic, reassignmentVersion: version });
    this.topicChanged(topic.name);
  }

  /**
   * Takes a topic whose replicas changed (a reassignment made here or at a peer): partitions
   * placed on another chain make the chains concerned start over (the new head copies them),
   * other changes restart the forwarder. Replicas this node no longer keeps once a
   * reassignment is done (a smaller R, or a move finished) have their files deleted.
   */
  #adoptReassignment(next: TopicInfo): void {
    const topics = this.#topics;
    if (!topics) return;
    const prev = topics.get(next.name);
    const count = Math.max(prev?.partitions ?? 0, next.partitions);
    const before = Array.from({ length: count }, (_, p) => this.replicator.chainFor(next.name, p)?.name);
    topics.adopt(next);
    const moved = before.flatMap((from, partition) =>
      this.replicator.chainFor(next.name, partition)?.name === from
        ? []
        : [{ topic: next.name, partition, from }],
    );
    if (moved.length > 0) this.log.info({ topic: next.name, moved }, 'partitions placed on another chain');
    if (!this.replicator.placementChanged(moved)) this.#replicasChanged();
    // Produces and fetches waiting here for a partition that left this chain stop waiting now:
    // the high watermark they wait for will not come (the new head has the partition).
    const mine = this.replicator.chain?.name;
    for (const m of moved) if (m.from === mine) this.#raw(m.topic, m.partition)?.releaseWaiters();
    if (prev) void this.#dropRemovedReplicas(prev, topics.get(next.name)!);
  }

  /** Deletes the logs of partitions a finished reassignment took from this node. */
  async #dropRemovedReplicas(prev: TopicInfo, now: TopicInfo): Promise<void> {
    for (let p = 0; p < now.partitions; p++) {
      if (now.moves?.[p] !== undefined || this.hosts(now.name, p) || !this.#raw(now.name, p)) continue;
      const touched =
        prev.moves?.[p] !== undefined ||
        prev.placedOn?.[p] !== now.placedOn?.[p] ||
        replicationFactorOf(prev, p) !== replicationFactorOf(now, p);
      if (!touched) continue;
      try {
        if (await this.#logs?.dropPartition(now.name, p)) {
          this.log.info(
            { topic: now.name, partition: p },
            'replica removed by a reassignment: its files are deleted',
          );
        }
      } catch (err) {
        this.log.warn(
          { topic: now.name, partition: p, err: (err as Error).message },
          'could not delete the files of a removed replica',
        );
      }
    }
  }

  /** Pulls the topic table from a peer, then starts replicating. */
  async start(ctx: BrokerContext): Promise<void> {
    this.#ctx = ctx;
    // Every acks=all produce waiting for the chain listens on it (removed when answered).
    setMaxListeners(0, ctx.shutdown);
    this.#security = new SecuritySync(
      ctx.authorizer.store,
      ctx.scramCredentials,
      this.log,
      () => this.brokers().flatMap((m) => (m.nodeId === this.config.nodeId ? [] : [m.nodeId])),
      (nodeId) => void this.#drain(nodeId),
    );
    await this.#pullTable();
    await this.replicator.start();
    this.#watchCoordinator();
    if (this.#topics && this.#logs) {
      this.reassignments = new Reassignments(
        this,
        this.#topics,
        this.#logs,
        this.#dial,
        this.log.child({ component: 'reassignments' }),
      );
      this.reassignments.start();
    }
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#markers.close();
    this.reassignments?.stop();
    await this.replicator.stop();
  }

  // ---- what handlers ask ----

  /**
   * Whether this node keeps a copy of the partition, given the current membership and the
   * topic's replication factor (computed, not stored).
   */
  hosts(topic: string, partition: number): boolean {
    return this.replicator.hosts(topic, partition);
  }

  /** Every node of every chain, for Metadata's brokers. */
  brokers(): ChainMember[] {
    return this.membership.chains.flatMap((c) => c.members);
  }

  /**
   * Leader (head), replicas (the first R members of the chain, in order: every one of them is in
   * sync, the chain acknowledges only what the last has) and leader epoch of a partition.
   */
  placement(topic: string, partition: number): { leader: number; replicas: number[]; epoch: number } {
    const c = this.replicator.chainFor(topic, partition);
    if (!c) return { leader: -1, replicas: [], epoch: -1 };
    return {
      leader: c.members[0]!.nodeId,
      replicas: this.replicator.replicasOf(topic, partition).map((m) => m.nodeId),
      epoch: this.epochOf(c.name),
    };
  }

  /** The fewest members of any chain: the largest replication factor every partition can have. */
  shortestChain(): number {
    const lengths = this.membership.chains.map((c) => c.members.length);
    return lengths.length === 0 ? 0 : Math.min(...lengths);
  }

  /** The chain's epoch for clients: the newest this node has seen or heard of. */
  epochOf(chain: string): number {
    return Math.max(this.replicator.epochOf(chain), this.#knownEpochs.get(chain) ?? 0);
  }

  #learnEpochs(entries: readonly ChainEpochEntry[] | undefined): void {
    for (const e of entries ?? []) {
      if (e.epoch > (this.#knownEpochs.get(e.chainName) ?? -1)) this.#knownEpochs.set(e.chainName, e.epoch);
    }
  }

  #epochList(): ChainEpochEntry[] {
    const names = new Set([...this.#knownEpochs.keys(), ...this.membership.chains.map((c) => c.name)]);
    return [...names].map((chainName) => ({ chainName, epoch: this.epochOf(chainName) }));
  }

  /** This node opened an epoch as head: every other node hears of it (retried until acked). */
  #epochOpened(chain: string, epoch: number): void {
    this.#rebuildProducerState();
    this.#learnEpochs([{ chainName: chain, epoch }]);
    for (const m of this.brokers()) {
      if (m.nodeId === this.config.nodeId) continue;
      const box = this.#epochOutbox.get(m.nodeId) ?? new Map<string, number>();
      this.#epochOutbox.set(m.nodeId, box);
      box.set(chain, epoch);
      void this.#drain(m.nodeId);
    }
  }

  /**
   * NONE when a produce with `acks` may go ahead here; NOT_LEADER_OR_FOLLOWER off the head,
   * NOT_ENOUGH_REPLICAS for acks=all on a partition with fewer replicas than min.insync.replicas.
   */
  produceCheck(topic: string, partition: number, acks: number, minInsync: number): number {
    const w = this.replicator.writable(topic, partition);
    if (w !== ErrorCode.NONE) return w;
    if (acks === -1 && this.replicator.replicasOf(topic, partition).length < minInsync) {
      return ErrorCode.NOT_ENOUGH_REPLICAS;
    }
    return ErrorCode.NONE;
  }

  /** NONE where consumers are served (the head), else NOT_LEADER_OR_FOLLOWER. */
  readable(topic: string, partition: number): number {
    return this.replicator.readable(topic, partition);
  }

  /**
   * Where a consumer's Fetch is served (KIP-392, with `client.rack` = a node id): the head sends a
   * consumer whose rack names another member of the chain there (`preferred`); that member serves
   * it (below its own high watermark, which is what the tail is known to have). Anything else
   * off the head: NOT_LEADER_OR_FOLLOWER.
   */
  fetchRoute(topic: string, partition: number, rackId: string): { code: number; preferred: number } {
    const replicas = this.replicator.replicasOf(topic, partition);
    const me = this.config.nodeId;
    const rackNode = /^\d+$/.test(rackId) ? Number(rackId) : -1;
    const member = (id: number) => replicas.some((m) => m.nodeId === id);
    if (!member(me)) return { code: ErrorCode.NOT_LEADER_OR_FOLLOWER, preferred: -1 };
    if (replicas[0]!.nodeId === me) {
      return { code: ErrorCode.NONE, preferred: rackNode !== me && member(rackNode) ? rackNode : -1 };
    }
    return { code: rackNode === me ? ErrorCode.NONE : ErrorCode.NOT_LEADER_OR_FOLLOWER, preferred: -1 };
  }

  /** The group coordinator: head of the chain owning __consumer_offsets-0. */
  coordinator(): ChainMember | undefined {
    return this.replicator.leaderOf(OFFSETS_TOPIC, 0);
  }

  /** At the coordinator: committed offsets were read from the replicated log since it became one. */
  get offsetsLoaded(): boolean {
    return this.#offsetsLoaded;
  }

  isCoordinator(): boolean {
    return this.coordinator()?.nodeId === this.config.nodeId;
  }

  /**
   * Sends one Kafka request to another node over a connection of its own, opened as replication
   * opens them (TLS and SASL with this node's inter-broker credentials when the listeners want
   * them), and closes it: for the rare writes a node makes to a partition another chain leads
   * (its stats record).
   */
  async requestMember<T extends object>(
    member: ChainMember,
    apiKey: number,
    apiVersion: number,
    body: object,
    timeoutMs: number,
  ): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    const socket = await this.#dial(member.host, member.port, timeoutMs);
    try {
      const frame = await exchange(socket, apiKey, apiVersion, 1, body, Math.max(1, deadline - Date.now()));
      return decodeResponse<T>(apiKey, apiVersion, frame).body;
    } finally {
      socket.destroy();
    }
  }

  /** Frames with a chain api key. */
  handleFrame(frame: Buffer): Promise<Buffer[]> {
    return this.replicator.handleFrame(frame);
  }

  /** The coordinator's MarkerWriter under chains: each partition's marker at its chain's head. */
  writeMarkers(
    partitions: readonly MarkerPartition[],
    marker: TxnMarker,
    signal: AbortSignal,
  ): Promise<void> {
    return this.#markers.write(partitions, marker, signal);
  }

  // ---- host side ----

  /** Another chain's transaction coordinator ends a transaction on partitions this node heads. */
  async #onTxnMarkers(req: TxnMarkersRequest): Promise<TxnMarkersResponse> {
    const marker = { producerId: req.producerId, producerEpoch: req.producerEpoch, commit: req.commit };
    const topics = await Promise.all(
      req.topics.map(async (t) => ({
        name: t.name,
        partitions: await Promise.all(
          t.partitions.map(async (index) => ({
            index,
            errorCode: await this.#writeMarkerHere(t.name, index, marker),
          })),
        ),
      })),
    );
    return { errorCode: ErrorCode.NONE, topics };
  }

  /** A marker on a partition this node heads, answered once the chain's tail has it. */
  async #writeMarkerHere(topic: string, partition: number, marker: TxnMarker): Promise<number> {
    if (this.#topics?.get(topic) === undefined) return ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
    const view = this.#logs?.get(topic, partition);
    if (!view?.appendMarker) return ErrorCode.NOT_LEADER_OR_FOLLOWER;
    try {
      await view.appendMarker(marker);
      return ErrorCode.NONE;
    } catch (err) {
      if (err instanceof ReplicationError) return err.code;
      this.log.warn({ err, topic, partition }, 'writing a transaction marker failed');
      return ErrorCode.UNKNOWN_SERVER_ERROR;
    }
  }

  #raw(topic: string, partition: number): PartitionLog | undefined {
    return this.#logs?.raw(topic, partition);
  }

  #ensureLog(topic: string, partition: number): PartitionLog | undefined {
    const t = this.#topics?.get(topic);
    if (!t || partition < 0 || partition >= t.partitions || !this.hosts(topic, partition)) return undefined;
    const have = this.#raw(topic, partition);
    if (have) return have;
    this.#topics!.adopt(t); // partition.metadata in the new dir
    this.#logs!.create(topic, partition, partition + 1);
    return this.#raw(topic, partition);
  }

  #membershipApplied(): void {
    // Partitions now placed on this node's chain get their logs (empty: catch-up fills them).
    if (!this.#topics || !this.#logs) return;
    for (const t of this.#topics.list()) {
      this.#topics.adopt(t);
      this.#logs.create(t.name, 0, t.partitions);
    }
  }

  /**
   * When this node becomes the coordinator's head, committed offsets and transaction state are
   * read from the log; when it stops being it, the transaction coordinator lets go.
   */
  #watchCoordinator(): void {
    const check = async (): Promise<void> => {
      while (!this.#stopped) {
        if (this.isCoordinator() && this.replicator.isOpen) {
          if (!this.#offsetsLoaded) {
            const log = this.#raw(OFFSETS_TOPIC, 0);
            // What the old head had acknowledged is committed once our own chain acks it.
            if (log) await log.waitForData(log.logEndOffset - 1, 5000);
            await this.#ctx?.groups.offsets.load();
            await this.#ctx?.transactions.load();
            const shareLog = this.#raw(SHARE_STATE_TOPIC, 0);
            if (shareLog) await shareLog.waitForData(shareLog.logEndOffset - 1, 5000);
            await this.#ctx?.share.load();
            this.#offsetsLoaded = true;
            this.log.info(
              'group coordinator: committed offsets and share state loaded from the replicated log',
            );
          }
        } else {
          if (this.#offsetsLoaded) {
            this.#ctx?.transactions.unload();
            this.#ctx?.share.unload(); // the new coordinator's head replays it
          }
          this.#offsetsLoaded = false;
        }
        await sleep(this.#offsetsLoaded || !this.isCoordinator() ? 200 : 20);
      }
    };
    void check();
  }

  /**
   * A new head knows nothing of the idempotent producers the old head served: it rebuilds their
   * sequence state from the tail of each of its partitions (the last PRODUCER_TAIL_OFFSETS
   * offsets), so a producer's retry of a batch written before the change is still recognised as
   * a duplicate, and its next batch is checked against its last one. Runs synchronously when the
   * epoch opens, before any produce is taken.
   */
  #rebuildProducerState(): void {
    const ctx = this.#ctx;
    if (!ctx) return;
    for (const t of this.#topics?.list() ?? []) ctx.producerStates.dropTopic(t.name);
    let batches = 0;
    for (const { topic, partition } of this.replicator.localPartitions()) {
      const log = this.#raw(topic, partition);
      if (!log) continue;
      let offset = Math.max(log.logStartOffset, log.logEndOffset - PRODUCER_TAIL_OFFSETS);
      while (offset < log.logEndOffset) {
        const { records, nextOffset } = log.read(offset, 1 << 20, log.logEndOffset, true);
        if (records.length === 0 || nextOffset <= offset) break;
        for (const b of iterateBatches(records)) {
          if (b.magic !== 2) continue;
          const batch = records.subarray(b.position, b.position + b.size);
          const check = ctx.producerStates.check(topic, partition, batch);
          if (check.kind === 'append') {
            check.commit(Number(batch.readBigInt64BE(0)));
            batches++;
          }
        }
        offset = nextOffset;
      }
    }
    if (batches > 0) this.log.info({ batches }, 'idempotent producer state rebuilt from the log tail');
  }

  // ---- topic table ----

  #entry(name: string, deleted?: { id: string }): SyncTopic {
    const t = this.#topics?.get(name);
    if (deleted || !t) {
      return { name, topicId: deleted?.id ?? '', partitions: 0, deleted: true, configs: [] };
    }
    const configs = [...(this.#ctx?.topicConfigs.get(name) ?? new Map<string, string>())].map(([k, v]) => ({
      name: k,
      value: v,
    }));
    return {
      name,
      topicId: t.id,
      partitions: t.partitions,
      deleted: false,
      configs,
      replicationFactor: t.replicationFactor ?? -1,
      partitionFactors: Object.entries(t.partitionReplicationFactors ?? {}).map(([p, r]) => ({
        partition: Number(p),
        replicationFactor: r,
        reassigningFrom: t.reassigning?.[Number(p)] ?? -1,
      })),
      placements: placementsOf(t),
      reassignmentVersion: t.reassignmentVersion ?? 0,
    };
  }

  #saveTable(): void {
    if (this.#topics) writeTopicTable(this.config.logDir, this.#topics.list());
  }

  /** A local change (CreateTopics, DeleteTopics, CreatePartitions, configs, auto-create). */
  topicChanged(name: string, deletedId?: string): void {
    this.#saveTable();
    if (this.#applying > 0) return;
    const entry = this.#entry(name, deletedId === undefined ? undefined : { id: deletedId });
    for (const m of this.brokers()) {
      if (m.nodeId === this.config.nodeId) continue;
      const box = this.#outbox.get(m.nodeId) ?? new Map<string, SyncTopic>();
      this.#outbox.set(m.nodeId, box);
      box.set(name, entry);
      void this.#drain(m.nodeId);
    }
  }

  /** Sends a peer its pending changes, retrying with back-off until it acknowledges. */
  async #drain(nodeId: number): Promise<void> {
    if (this.#pushing.has(nodeId)) return;
    this.#pushing.add(nodeId);
    let backoff = 200;
    try {
      while (!this.#stopped) {
        const box = this.#outbox.get(nodeId) ?? new Map<string, SyncTopic>();
        const epochs = this.#epochOutbox.get(nodeId) ?? new Map<string, number>();
        const security = this.#security?.pending(nodeId) ?? { payload: null, count: 0 };
        if (box.size === 0 && epochs.size === 0 && security.count === 0) return;
        const member = this.brokers().find((m) => m.nodeId === nodeId);
        if (!member) {
          this.#outbox.delete(nodeId); // no longer in the cluster
          this.#epochOutbox.delete(nodeId);
          this.#security?.forget(nodeId);
          return;
        }
        const sent = [...box.values()];
        const sentEpochs = [...epochs].map(([chainName, epoch]) => ({ chainName, epoch }));
        let peer: PeerConnection | undefined;
        try {
          peer = await Peer.connect(member.host, member.port, 3000, this.#dial);
          const res = await peer.request<TopicSyncResponse>(ChainApiKey.TopicSync, {
            senderId: this.config.nodeId,
            pull: false,
            topics: sent,
            chainEpochs: sentEpochs,
            security: security.payload,
          });
          if (res.errorCode !== ErrorCode.NONE) throw new Error(`error ${res.errorCode}`);
          this.#security?.delivered(nodeId, security.count);
          for (const s of sent) if (box.get(s.name) === s) box.delete(s.name);
          for (const e of sentEpochs) if (epochs.get(e.chainName) === e.epoch) epochs.delete(e.chainName);
          backoff = 200;
        } catch (err) {
          this.log.debug(
            { peer: nodeId, err: (err as Error).message },
            'topic change not delivered yet; retrying',
          );
          await sleep(backoff);
          backoff = Math.min(backoff * 2, 5000);
        } finally {
          peer?.close();
        }
      }
    } finally {
      this.#pushing.delete(nodeId);
    }
  }

  /** The whole table to a successor before streaming (it must know every topic it receives). */
  async #pushTable(peer: PeerConnection): Promise<void> {
    const topics = (this.#topics?.list() ?? []).map((t) => this.#entry(t.name));
    const res = await peer.request<TopicSyncResponse>(ChainApiKey.TopicSync, {
      senderId: this.config.nodeId,
      pull: true,
      topics,
      chainEpochs: this.#epochList(),
    });
    this.#learnEpochs(res.chainEpochs);
    await this.#merge(res.topics, true);
  }

  /** At start: the table of the first peer that answers (each asked once, briefly). */
  async #pullTable(): Promise<void> {
    await this.#firstPeerTable(async (res, from) => {
      this.#learnEpochs(res.chainEpochs);
      await this.#merge(res.topics, true);
      this.#security?.receive(res.security, from);
      this.log.info({ from, topics: res.topics.length }, 'topic table pulled from a peer');
      return true;
    });
  }

  /**
   * Asks the other nodes in turn (each once, briefly) for their topic table (a pulling
   * TopicSync) and returns what `use` makes of the first answer it accepts (not undefined); a
   * peer that fails or throws is skipped.
   */
  async #firstPeerTable<T>(
    use: (res: TopicSyncResponse, from: number) => T | undefined | Promise<T | undefined>,
  ): Promise<T | undefined> {
    for (const m of this.brokers()) {
      if (m.nodeId === this.config.nodeId) continue;
      let peer: PeerConnection | undefined;
      try {
        peer = await Peer.connect(m.host, m.port, 1000, this.#dial);
        const res = await peer.request<TopicSyncResponse>(ChainApiKey.TopicSync, {
          senderId: this.config.nodeId,
          pull: true,
          topics: [],
          chainEpochs: [],
        });
        const used = await use(res, m.nodeId);
        if (used !== undefined) return used;
      } catch {
        // next peer
      } finally {
        peer?.close();
      }
    }
    return undefined;
  }

  async #onTopicSync(req: TopicSyncRequest): Promise<TopicSyncResponse> {
    if (req.security && this.#security === undefined) {
      // Not started yet: refuse, so the sender keeps the ACL/credential changes and retries.
      return { errorCode: ErrorCode.BROKER_NOT_AVAILABLE, topics: [], chainEpochs: [], clusterId: '' };
    }
    this.#learnEpochs(req.chainEpochs);
    await this.#merge(req.topics, req.pull);
    this.#security?.receive(req.security, req.senderId);
    const topics = req.pull ? (this.#topics?.list() ?? []).map((t) => this.#entry(t.name)) : [];
    return {
      errorCode: ErrorCode.NONE,
      topics,
      chainEpochs: req.pull ? this.#epochList() : [],
      clusterId: this.#ctx?.clusterId ?? '',
      security: req.pull ? (this.#security?.snapshot() ?? null) : null,
    };
  }

  /**
   * Applies topics described by another node. `additive`: only create and grow (a table
   * exchange); otherwise also delete and replace configs (a change pushed by its origin).
   */
  async #merge(entries: readonly SyncTopic[], additive: boolean): Promise<void> {
    const ctx = this.#ctx;
    const topics = this.#topics;
    if (!ctx || !topics) return;
    this.#applying++;
    try {
      for (const e of entries) {
        const cur = topics.get(e.name);
        try {
          if (e.deleted) {
            if (!additive && cur && (e.topicId === '' || e.topicId === cur.id)) await ctx.deleteTopic(e.name);
            continue;
          }
          if (e.partitions < 1) continue;
          const configs = new Map(e.configs.map((c) => [c.name, c.value]));
          if (!cur || !additive) {
            if (configs.size > 0 || (cur && ctx.topicConfigs.get(e.name).size > 0))
              ctx.setTopicConfigs(e.name, configs);
          }
          if (cur && cur.id !== e.topicId) {
            this.log.warn(
              { topic: e.name, ours: cur.id, theirs: e.topicId },
              'topic id differs between nodes; keeping ours',
            );
            if (cur.partitions < e.partitions) topics.adopt({ ...cur, partitions: e.partitions });
          } else if (!cur || cur.partitions < e.partitions) {
            // The replication factor is the creator's (a peer that does not send one, v0: ours).
            const r = (e.replicationFactor ?? -1) >= 1 ? e.replicationFactor : cur?.replicationFactor;
            const info: TopicInfo = { name: e.name, id: e.topicId, partitions: e.partitions };
            const next = withFactors(r === undefined ? info : { ...info, replicationFactor: r }, e);
            if (cur !== undefined) this.#adoptReassignment(next);
            else topics.adopt(next);
          } else if (factorsDiffer(cur, e) && newerReassignment(cur, e, additive)) {
            // A reassignment made elsewhere (or one finished there).
            this.#adoptReassignment(withFactors(cur, e));
          }
          const now = topics.get(e.name)!;
          ctx.logs.create(e.name, 0, now.partitions);
          this.#saveTable();
        } catch (err) {
          this.log.warn(
            { topic: e.name, err: (err as Error).message },
            'could not apply a topic from a peer',
          );
        }
      }
    } finally {
      this.#applying--;
    }
  }
}

/** The placement overrides and moves of a topic as TopicSync v2 carries them. */
function placementsOf(t: TopicInfo): SyncPlacement[] {
  const parts = new Set([...Object.keys(t.placedOn ?? {}), ...Object.keys(t.moves ?? {})].map(Number));
  return [...parts].map((partition) => {
    const m = t.moves?.[partition];
    return {
      partition,
      chain: t.placedOn?.[partition] ?? '',
      moveTo: m?.to ?? '',
      moveFactor: m?.factor ?? -1,
      moveFrom: m?.from ?? '',
      moveFromFactor: m?.fromFactor ?? -1,
      switched: m?.switched ?? false,
    };
  });
}

/**
 * `info` with the per-partition factors (v1), placements and moves (v2) a peer's entry carries
 * (none from an older peer).
 */
function withFactors(info: TopicInfo, e: SyncTopic): TopicInfo {
  const {
    partitionReplicationFactors: _f,
    reassigning: _r,
    placedOn: _p,
    moves: _m,
    reassignmentVersion: _v,
    ...rest
  } = info;
  const factors: Record<number, number> = {};
  const reassigning: Record<number, number> = {};
  const placedOn: Record<number, string> = {};
  const moves: Record<number, PartitionMove> = {};
  for (const pf of e.partitionFactors ?? []) {
    if (pf.replicationFactor >= 1) factors[pf.partition] = pf.replicationFactor;
    if (pf.reassigningFrom >= 1) reassigning[pf.partition] = pf.reassigningFrom;
  }
  for (const pl of e.placements ?? []) {
    if (pl.chain !== '') placedOn[pl.partition] = pl.chain;
    if (pl.moveTo !== '') {
      moves[pl.partition] = {
        to: pl.moveTo,
        factor: pl.moveFactor,
        from: pl.moveFrom,
        fromFactor: pl.moveFromFactor,
        switched: pl.switched,
      };
    }
  }
  return {
    ...rest,
    ...(Object.keys(factors).length > 0 ? { partitionReplicationFactors: factors } : {}),
    ...(Object.keys(reassigning).length > 0 ? { reassigning } : {}),
    ...(Object.keys(placedOn).length > 0 ? { placedOn } : {}),
    ...(Object.keys(moves).length > 0 ? { moves } : {}),
    ...((e.reassignmentVersion ?? 0) > 0 ? { reassignmentVersion: e.reassignmentVersion } : {}),
  };
}

/**
 * Whether a peer's reassignment state of a topic replaces ours. Changes are made at several nodes
 * (the request at any node, the switch and the end of a move at the target head), so pushes from
 * two origins may arrive out of order: the one with the higher version wins. A table exchange (a
 * node starting, a forwarder handshake) takes only a newer state; a push also an equal one (older
 * peers send no version).
 */
function newerReassignment(info: TopicInfo, e: SyncTopic, additive: boolean): boolean {
  const ours = info.reassignmentVersion ?? 0;
  const theirs = e.reassignmentVersion ?? 0;
  return additive ? theirs > ours : theirs >= ours;
}

function factorsDiffer(info: TopicInfo, e: SyncTopic): boolean {
  const theirs = withFactors(info, e);
  const same = (a: object | undefined, b: object | undefined) =>
    JSON.stringify(a ?? {}) === JSON.stringify(b ?? {});
  return (
    !same(theirs.partitionReplicationFactors, info.partitionReplicationFactors) ||
    !same(theirs.reassigning, info.reassigning) ||
    !same(theirs.placedOn, info.placedOn) ||
    !same(theirs.moves, info.moves)
  );
}
