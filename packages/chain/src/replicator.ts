/**
 * The chain engine of one node: which chain it is in and where, the chain epoch, the forwarder to
 * its successor, the receiving side of ChainAppend/Position/Read, and the head's reconciliation
 * before it opens a new epoch. The broker calls `writable` before a produce, `appended` after the
 * head's local append, and hands every frame with a chain api key to `handleFrame`.
 */

import type { Chain, ChainMember, Membership, MembershipSource } from '@kilgore/discovery';
import { ErrorCode } from '@kilgore/protocol';
import { divergencePoint, isAhead, type ReplicaPosition } from './divergence.js';
import { EpochStore } from './epoch-store.js';
import { FormerMembers } from './former-members.js';
import { type Appended, Forwarder, positionOf, raiseHighWatermark } from './forwarder.js';
import type { ChainLogger, ReplicaHost } from './host.js';
import { chainFor, chainOfNode } from './placement.js';
import { TRACE_ENABLED, traceReceived } from './trace.js';
import { decodeChainRequest, encodeChainResponse } from './wire/frames.js';
import { dialPlain, PeerConnection, type PeerDialer } from './wire/peer.js';
import {
  type AppendPartitionResult,
  type AppendRequest,
  type AppendResponse,
  ChainApiKey,
  type PositionPartition,
  type PositionRequest,
  type PositionResponse,
  type ReadRequest,
  type ReadResponse,
  type TopicSyncRequest,
  type TxnMarkersRequest,
} from './wire/schemas.js';

export interface ChainReplicatorOptions {
  nodeId: number;
  source: MembershipSource;
  host: ReplicaHost;
  /** Where chain-epochs.json lives (the log dir). */
  stateDir: string;
  log: ChainLogger;
  /** How long a middle node waits for its successor's ack before answering with what it has. */
  ackTimeoutMs?: number;
  connectTimeoutMs?: number;
  /** Opens connections to other nodes (the broker's does TLS and SASL on secured listeners). */
  dialer?: PeerDialer;
}

/** How long a new chain's head waits for the previous owners of its partitions to let go. */
const MOVE_WAIT_MS = 30_000;

/** What the head's reconciliation copies per ChainRead. */
const READ_BYTES = 8 * 1024 * 1024;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());

export class ChainReplicator {
  readonly #o: Required<ChainReplicatorOptions>;
  readonly #epochs: EpochStore;
  /** Nodes of earlier memberships that the current one no longer names (they may hold data). */
  readonly #former: FormerMembers;
  #membership: Membership = { chains: [] };
  /** Partitions moved here from another chain by a membership change, until adopted. */
  readonly #movedIn = new Set<string>();
  #chain: Chain | undefined;
  #forwarder: Forwarder | undefined;
  /** Head only: reconciled and accepting writes in the current epoch. */
  #open = false;
  #fenced = false;
  #generation = 0;
  #unsubscribe: (() => void) | undefined;
  /** Per partition: receiving work runs in arrival order (truncations are async). */
  readonly #queues = new Map<string, Promise<unknown>>();
  #stopped = false;
  #membershipAbort = new AbortController();
  /** Resolves each time the head opens an epoch (tests, startup). */
  #openWaiters: Array<() => void> = [];
  /** KILGORE_CHAIN_TRACE=1: where received messages spend their time. */
  readonly #trace: ReturnType<typeof traceReceived> | undefined;

  constructor(opts: ChainReplicatorOptions) {
    this.#o = { ackTimeoutMs: 30_000, connectTimeoutMs: 3_000, dialer: dialPlain, ...opts };
    this.#epochs = new EpochStore(opts.stateDir);
    this.#former = new FormerMembers(opts.stateDir);
    if (TRACE_ENABLED) this.#trace = traceReceived(opts.nodeId);
  }

  get nodeId(): number {
    return this.#o.nodeId;
  }

  get membership(): Membership {
    return this.#membership;
  }

  /** The chain this node is a member of. */
  get chain(): Chain | undefined {
    return this.#chain;
  }

  get forwarder(): Forwarder | undefined {
    return this.#forwarder;
  }

  /** The chain epoch this node knows for `chain` (its own chain's is the one that matters). */
  epochOf(chainName: string): number {
    return this.#epochs.get(chainName);
  }

  get isHead(): boolean {
    return this.#chain?.members[0]?.nodeId === this.#o.nodeId;
  }

  /** Head of its chain, reconciled, not fenced. */
  get isOpen(): boolean {
    return this.isHead && this.#open && !this.#fenced;
  }

  /** Resolves once this node is an open head (immediately if it is). */
  whenOpen(): Promise<void> {
    if (this.isOpen) return Promise.resolve();
    return new Promise((r) => this.#openWaiters.push(r));
  }

  async start(): Promise<void> {
    await this.#o.source.start();
    const m = this.#o.source.current();
    if (m) this.#apply(m);
    this.#unsubscribe = this.#o.source.onChange((next) => this.#apply(next));
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#generation++;
    this.#unsubscribe?.();
    this.#forwarder?.stop();
    this.#forwarder = undefined;
    await this.#o.source.stop();
  }

  /** The chain owning a partition. */
  chainFor(topic: string, partition: number): Chain | undefined {
    return this.#chainIn(this.#membership.chains, topic, partition);
  }

  /** The chain of `chains` owning a partition: its placement override if it names one, else hashing. */
  #chainIn(chains: readonly Chain[], topic: string, partition: number): Chain | undefined {
    const placed = this.#o.host.placedOn?.(topic, partition);
    if (placed !== undefined) {
      const c = chains.find((x) => x.name === placed);
      if (c) return c;
    }
    return chainFor(chains, topic, partition);
  }

  /**
   * Partitions moved to another chain by a reassignment (their placement override changed; the
   * host's `placedOn` answers the new one already). `from`: the chain each was on. The head of the
   * chain they move to closes and reconciles as after a membership change: it asks the old
   * chain's nodes for them (they answer NOT_LEADER_OR_FOLLOWER until they have applied the move
   * too, so nothing the old chain acknowledged is missed), copies the most up-to-date copy and
   * opens a new epoch above its epochs. The old chain stops taking writes for them at once: its
   * waits for acks end (those produces are not acknowledged: the client retries at the new head).
   * False when the move concerns neither this node's chain nor any it is in (nothing done).
   */
  placementChanged(
    moved: ReadonlyArray<{ topic: string; partition: number; from: string | undefined }>,
  ): boolean {
    const chain = this.#chain;
    if (chain === undefined || this.#stopped || moved.length === 0) return false;
    const into = moved.filter((m) => this.chainFor(m.topic, m.partition)?.name === chain.name);
    const outOf = moved.filter((m) => m.from === chain.name);
    if (into.length === 0 && outOf.length === 0) return false;
    this.#membershipAbort.abort();
    this.#membershipAbort = new AbortController();
    this.#o.host.membershipApplied();
    if (this.isHead && into.length > 0) {
      for (const m of into) this.#movedIn.add(`${m.topic}\u0000${m.partition}`);
      this.#o.log.info(
        { partitions: into.map((m) => `${m.topic}-${m.partition}`) },
        'partitions reassigned to this chain; the head reconciles to copy them',
      );
      this.#generation++;
      this.#open = false;
      this.#fenced = false;
      this.#forwarder?.stop();
      this.#forwarder = undefined;
      void this.#reconcile(this.#generation, chain);
      return true;
    }
    this.replicasChanged();
    return true;
  }

  /** Head: reconciled and open, with no partition moved here still waiting to be copied. */
  adopted(topic: string, partition: number): boolean {
    return this.isOpen && !this.#movedIn.has(`${topic}\u0000${partition}`);
  }

  /**
   * The members that keep a copy of the partition, head first: the first R of its chain (R, the
   * topic's replication factor, capped at the chain's length; the whole chain without one).
   */
  replicasOf(topic: string, partition: number): ChainMember[] {
    const c = this.chainFor(topic, partition);
    if (c === undefined) return [];
    const r = this.#o.host.replicationFactor?.(topic, partition);
    return r === undefined || r >= c.members.length ? c.members : c.members.slice(0, Math.max(1, r));
  }

  /** Whether this node keeps a copy of the partition. */
  hosts(topic: string, partition: number): boolean {
    return this.#positionIn(topic, partition) >= 0;
  }

  /** This node's index among the partition's replicas; -1 when it keeps no copy. */
  #positionIn(topic: string, partition: number): number {
    const c = this.chainFor(topic, partition);
    if (c === undefined || c.name !== this.#chain?.name) return -1;
    const idx = c.members.findIndex((m) => m.nodeId === this.#o.nodeId);
    const r = this.#o.host.replicationFactor?.(topic, partition);
    return r === undefined || idx < Math.max(1, r) ? idx : -1;
  }

  /**
   * Replication factors changed (a reassignment): the forwarder starts over with a handshake, so
   * a new replica is caught up from the log, and partitions this node no longer forwards (it is
   * their last replica now) are committed as they stand.
   */
  replicasChanged(): void {
    const chain = this.#chain;
    if (chain === undefined || this.#stopped) return;
    // A head not open yet starts its forwarder when it opens.
    if (this.isHead && !this.isOpen) return;
    this.#forwarder?.stop();
    this.#forwarder = undefined;
    this.#startForwarder(chain);
    for (const { topic, partition } of this.localPartitions()) {
      if (!this.forwards(topic, partition)) this.appended(topic, partition);
    }
  }

  /** Whether this node's successor keeps a copy too (else this node is the partition's last). */
  forwards(topic: string, partition: number): boolean {
    const idx = this.#positionIn(topic, partition);
    if (idx < 0 || this.#chain === undefined || idx + 1 >= this.#chain.members.length) return false;
    const r = this.#o.host.replicationFactor?.(topic, partition);
    return r === undefined || idx + 1 < r;
  }

  /** The head of the partition's chain. */
  leaderOf(topic: string, partition: number): ChainMember | undefined {
    return this.chainFor(topic, partition)?.members[0];
  }

  /** NONE when a produce to this partition may be appended here; else NOT_LEADER_OR_FOLLOWER. */
  writable(topic: string, partition: number): number {
    if (!this.hosts(topic, partition) || !this.isOpen) return ErrorCode.NOT_LEADER_OR_FOLLOWER;
    return ErrorCode.NONE;
  }

  /** NONE when this node serves consumers for the partition (the head). */
  readable(topic: string, partition: number): number {
    return this.hosts(topic, partition) && this.isHead ? ErrorCode.NONE : ErrorCode.NOT_LEADER_OR_FOLLOWER;
  }

  /** The epoch batches appended now at the head carry. */
  get currentEpoch(): number {
    return this.#chain ? this.#epochs.get(this.#chain.name) : 0;
  }

  /**
   * After a local append at the head: forward, or (alone in the chain) commit at once. `stored`:
   * the bytes appended and their offsets, forwarded as they are (they must not change).
   */
  appended(topic: string, partition: number, stored?: Appended): void {
    if (this.#forwarder && this.forwards(topic, partition)) this.#forwarder.notify(topic, partition, stored);
    else {
      const log = this.#o.host.log(topic, partition);
      if (log) raiseHighWatermark(log, log.logEndOffset);
    }
  }

  /**
   * Head, after its log start offset moved (DeleteRecords): resolves true once every other member
   * of the chain has a log start offset of at least `target` (the next message carries it down),
   * false after `timeoutMs` or when the membership changes first. Alone in its chain: true.
   */
  startOffsetReplicated(
    topic: string,
    partition: number,
    target: number,
    timeoutMs: number,
  ): Promise<boolean> {
    const f = this.#forwarder;
    if (f === undefined || !this.forwards(topic, partition))
      return Promise.resolve(this.hosts(topic, partition));
    return f.waitForStartAck(topic, partition, target, timeoutMs, this.#membershipAbort.signal);
  }

  /**
   * The partition's log start offset over the whole chain as far as this node knows: the lowest of
   * its own and what its successor last reported for itself and the nodes after it.
   */
  chainLogStartOffset(topic: string, partition: number): number {
    const own = this.#o.host.log(topic, partition)?.logStartOffset ?? -1;
    const theirs = this.#forwarder?.startAckedOf(topic, partition);
    if (theirs === undefined || own < 0) return own;
    return Math.min(own, theirs);
  }

  /** The partitions of this node's chain that it has logs for. */
  localPartitions(): Array<{ topic: string; partition: number }> {
    const out: Array<{ topic: string; partition: number }> = [];
    const mine = this.#chain?.name;
    if (mine === undefined) return out;
    for (const t of this.#o.host.topics()) {
      for (let p = 0; p < t.partitions; p++) {
        if (this.hosts(t.name, p) && this.#o.host.log(t.name, p)) {
          out.push({ topic: t.name, partition: p });
        }
      }
    }
    return out;
  }

  // ---- membership ----

  #apply(membership: Membership): void {
    if (this.#stopped) return;
    // Waits for acks under the old view end now (the placement of partitions may have changed).
    this.#membershipAbort.abort();
    this.#membershipAbort = new AbortController();
    const before = this.#chain;
    const previous = this.#membership;
    this.#membership = membership;
    const chain = chainOfNode(membership, this.#o.nodeId);
    this.#chain = chain;
    const left = this.#former.update(previous, membership);
    if (left.length > 0) {
      this.#o.log.info(
        { nodes: left.map((m) => m.nodeId) },
        'nodes left the membership; kept as former members to copy their partitions from',
      );
    }
    // A chain gone from the membership gives its partitions to the remaining chains: their heads
    // must reconcile again (and copy those partitions from the former members) even if their own
    // chain did not change.
    const names = new Set(membership.chains.map((c) => c.name));
    const chainRemoved = previous.chains.some((c) => !names.has(c.name));
    const same =
      !chainRemoved &&
      before !== undefined &&
      chain !== undefined &&
      before.name === chain.name &&
      before.members.map((m) => `${m.nodeId}@${m.host}:${m.port}`).join(',') ===
        chain.members.map((m) => `${m.nodeId}@${m.host}:${m.port}`).join(',');
    this.#o.host.membershipApplied();
    // Only a head adopts moved partitions.
    if (chain?.members[0]?.nodeId === this.#o.nodeId) this.#noteMovedIn(previous, chain);
    else this.#movedIn.clear();
    if (same) return;
    this.#generation++;
    this.#open = false;
    this.#fenced = false;
    this.#forwarder?.stop();
    this.#forwarder = undefined;
    if (chain === undefined) {
      this.#o.log.error(
        { nodeId: this.#o.nodeId, formerChain: before?.name },
        'this node is in no chain: it takes no writes and forwards nothing; it keeps its logs and ' +
          'answers ChainPosition and ChainRead so the new owners of its partitions can copy them',
      );
      return;
    }
    const idx = chain.members.findIndex((m) => m.nodeId === this.#o.nodeId);
    this.#o.log.info(
      {
        chain: chain.name,
        position: idx,
        members: chain.members.map((m) => m.nodeId),
        epoch: this.currentEpoch,
      },
      'chain membership applied',
    );
    if (idx === 0) void this.#reconcile(this.#generation, chain);
    else this.#startForwarder(chain);
  }

  /**
   * Partitions the previous membership placed on another chain and this one places here: the
   * head asks the nodes outside the chain for them even when this chain has a copy (one from
   * before they moved away, when the other chain was added), and takes the other chain's copy if
   * it is ahead. Comparable because a head copying a partition from another chain opens an epoch
   * above the copy's (see #reconcile): the other chain's copy extends the older one here.
   * Forgotten once the head opened an epoch (they were adopted).
   */
  #noteMovedIn(previous: Membership, chain: Chain): void {
    if (previous.chains.length === 0) return;
    for (const t of this.#o.host.topics()) {
      for (let p = 0; p < t.partitions; p++) {
        const owner = this.#chainIn(previous.chains, t.name, p)?.name;
        if (owner === undefined || owner === chain.name || this.chainFor(t.name, p)?.name !== chain.name)
          continue;
        this.#movedIn.add(`${t.name}\u0000${p}`);
        const log = this.#o.host.log(t.name, p);
        if (log !== undefined && log.logEndOffset > 0) {
          this.#o.log.info(
            { topic: t.name, partition: p, from: owner, logEndOffset: log.logEndOffset },
            'partition moved back to this chain, which has an older copy of it: the copy of the ' +
              'chain it comes from is taken if it is ahead',
          );
        }
      }
    }
  }

  #startForwarder(chain: Chain): void {
    const idx = chain.members.findIndex((m) => m.nodeId === this.#o.nodeId);
    const successor = chain.members[idx + 1];
    if (successor === undefined) return; // the tail
    const f = new Forwarder({
      chainName: chain.name,
      nodeId: this.#o.nodeId,
      successor,
      host: this.#o.host,
      log: this.#o.log,
      epoch: () => this.#epochs.get(chain.name),
      partitions: () => this.localPartitions().filter((x) => this.forwards(x.topic, x.partition)),
      owns: (t, p) => this.forwards(t, p),
      onFenced: (theirs) => {
        this.#epochs.raise(chain.name, theirs);
        if (this.isHead) {
          this.#fenced = true;
          this.#o.log.error(
            { chain: chain.name, theirEpoch: theirs },
            'fenced by a newer epoch; this head stops taking writes until the membership changes',
          );
        }
      },
      connectTimeoutMs: this.#o.connectTimeoutMs,
      dialer: this.#o.dialer,
    });
    this.#forwarder = f;
    f.start();
  }

  /**
   * The head's first act in a new membership: every member's positions, then copy from a member
   * that is more up to date, then a new epoch above every epoch seen. Retries until every member
   * answered: opening without one could lose writes only it has.
   */
  async #reconcile(gen: number, chain: Chain): Promise<void> {
    const others = chain.members.filter((m) => m.nodeId !== this.#o.nodeId);
    const answers = await Promise.all(others.map((m) => this.#positionOf(gen, chain, m)));
    if (gen !== this.#generation) return;
    let epoch = this.#epochs.get(chain.name);
    for (const a of answers) if (a) epoch = Math.max(epoch, a.res.chainEpoch);
    // Per partition, the most up-to-date member.
    const best = new Map<
      string,
      { member: ChainMember; pos: ReplicaPosition; topic: string; partition: number }
    >();
    for (const a of answers) {
      if (!a) return; // generation changed
      for (const t of a.res.topics) {
        for (const p of t.partitions) {
          if (p.errorCode !== ErrorCode.NONE) continue;
          const pos = wirePosition(p);
          const k = `${t.name}\u0000${p.index}`;
          const cur = best.get(k);
          if (!cur || isAhead(pos, cur.pos))
            best.set(k, { member: a.member, pos, topic: t.name, partition: p.index });
        }
      }
    }
    await this.#adoptMoved(gen, chain, best);
    // A partition copied from another chain carries that chain's epochs, which are not ordered
    // with this chain's: the new epoch must be above them, else this chain's next batches would
    // be filed under the other chain's (newer) epoch and divergence checks would mislead.
    for (const b of best.values()) epoch = Math.max(epoch, b.pos.epochs.at(-1)?.epoch ?? 0);
    // Clients drop Metadata whose leader epoch is below the one they know for a partition: after
    // a move, the new epoch must be above the old chain's, not only above the copy's batches.
    for (const t of this.#o.host.topics()) {
      for (let p = 0; p < t.partitions; p++) {
        const moving = this.#o.host.movingIn?.(t.name, p);
        if (moving) epoch = Math.max(epoch, moving.fromEpoch);
      }
    }
    for (const b of best.values()) {
      if (gen !== this.#generation) return;
      const log = this.#o.host.log(b.topic, b.partition) ?? this.#o.host.ensureLog(b.topic, b.partition);
      if (!log) {
        this.#o.log.warn(
          { topic: b.topic, partition: b.partition },
          'a member has a partition of a topic unknown here',
        );
        continue;
      }
      if (!isAhead(b.pos, positionOf(log))) continue;
      try {
        await this.#copyFrom(gen, chain, b.member, log, b.pos);
      } catch (err) {
        this.#o.log.warn(
          { err: (err as Error).message, topic: b.topic, partition: b.partition },
          'copy failed; retrying',
        );
        if (gen === this.#generation) {
          await sleep(500);
          void this.#reconcile(gen, chain);
        }
        return;
      }
    }
    if (gen !== this.#generation) return;
    await this.#adoptLogStarts(answers);
    if (gen !== this.#generation) return;
    const next = this.#epochs.raise(chain.name, epoch + 1);
    this.#open = true;
    this.#movedIn.clear();
    this.#o.host.epochOpened?.(chain.name, next);
    this.#o.log.info(
      { chain: chain.name, epoch: next, members: chain.members.map((m) => m.nodeId) },
      'head opened a new chain epoch',
    );
    // Partitions this head is the only replica of (alone in the chain, or R = 1) are committed
    // as they stand.
    for (const { topic, partition } of this.localPartitions()) {
      if (!this.forwards(topic, partition)) this.appended(topic, partition);
    }
    this.#startForwarder(chain);
    const waiters = this.#openWaiters;
    this.#openWaiters = [];
    for (const w of waiters) w();
  }

  /**
   * Records deleted at any member stay deleted: the new head takes the highest log start offset
   * its members report (a DeleteRecords the old head pushed down before it went), up to its own
   * high watermark, and forwards it with its first messages.
   */
  async #adoptLogStarts(answers: ReadonlyArray<{ res: PositionResponse } | undefined>): Promise<void> {
    for (const a of answers) {
      for (const t of a?.res.topics ?? []) {
        for (const p of t.partitions) {
          const log = p.errorCode === ErrorCode.NONE ? this.#o.host.log(t.name, p.index) : undefined;
          if (!log) continue;
          const start = Math.min(Number(p.logStartOffset), log.highWatermark);
          if (start <= log.logStartOffset) continue;
          try {
            await log.deleteRecordsBefore(start);
            this.#o.log.info(
              { topic: t.name, partition: p.index, logStartOffset: start },
              "head takes a member's higher log start offset",
            );
          } catch (err) {
            this.#o.log.warn(
              { topic: t.name, partition: p.index, err: (err as Error).message },
              "could not take a member's log start offset",
            );
          }
        }
      }
    }
  }

  /**
   * Partitions placed on this chain that no member of it holds moved here from another chain (a
   * chain was added or removed): the nodes outside the chain are asked once (best effort, an
   * unreachable one is skipped) and the most up-to-date copy is added to `best` to be copied.
   */
  async #adoptMoved(
    gen: number,
    chain: Chain,
    best: Map<string, { member: ChainMember; pos: ReplicaPosition; topic: string; partition: number }>,
  ): Promise<void> {
    const missing: Array<{ topic: string; partition: number }> = [];
    // Chains that partitions moved here by a reassignment come from: their nodes must answer
    // (until the chain's head has).
    const sources = new Set<string>();
    for (const t of this.#o.host.topics()) {
      for (let p = 0; p < t.partitions; p++) {
        if (this.chainFor(t.name, p)?.name !== chain.name) continue;
        const k = `${t.name}\u0000${p}`;
        const mine = this.#o.host.log(t.name, p);
        const members = best.get(k);
        // Empty here and on every member (a member's empty log is one created for the move), or
        // moved here by the last membership changes (any copy here may be an older one).
        const empty =
          (!members || members.pos.logEndOffset === 0) && (mine === undefined || mine.logEndOffset === 0);
        const moving = this.#o.host.movingIn?.(t.name, p);
        if (moving) sources.add(moving.from);
        if (empty || this.#movedIn.has(k) || moving) missing.push({ topic: t.name, partition: p });
      }
    }
    if (missing.length === 0) return;
    const byTopic = new Map<string, number[]>();
    for (const m of missing) byTopic.set(m.topic, [...(byTopic.get(m.topic) ?? []), m.partition]);
    const topics = [...byTopic].map(([name, partitions]) => ({ name, partitions }));
    // Every node outside the chain: the other chains' members, and the former members (a chain
    // removed from the membership left its partitions on them).
    const outside: ChainMember[] = [];
    const seen = new Set(chain.members.map((m) => m.nodeId));
    const others = this.#membership.chains.filter((c) => c.name !== chain.name).flatMap((c) => c.members);
    for (const node of [...others, ...this.#former.list()]) {
      if (seen.has(node.nodeId)) continue;
      seen.add(node.nodeId);
      outside.push(node);
    }
    for (const node of outside) {
      if (gen !== this.#generation) return;
      // A node that has not applied the membership with this chain yet may still take writes
      // for these partitions: ask again until it has (bounded), so the copy includes them.
      const deadline = Date.now() + MOVE_WAIT_MS;
      let res: PositionResponse | undefined;
      while (gen === this.#generation) {
        let conn: PeerConnection | undefined;
        try {
          conn = await PeerConnection.connect(node.host, node.port, this.#o.connectTimeoutMs, this.#o.dialer);
          res = await conn.request<PositionResponse>(ChainApiKey.Position, {
            chainName: chain.name,
            chainEpoch: this.#epochs.get(chain.name),
            senderId: this.#o.nodeId,
            topics,
          });
        } catch (err) {
          this.#o.log.warn(
            { node: node.nodeId, err: (err as Error).message },
            'could not ask a node for partitions that moved here',
          );
          res = undefined;
        } finally {
          conn?.close();
        }
        // A node of a chain a partition was reassigned from may hold its only copy (R = 1 there):
        // one that does not answer is asked again (bounded), not skipped at once.
        const mustAnswer = res === undefined && this.#isMember(sources, node.nodeId);
        if (res?.errorCode !== ErrorCode.NOT_LEADER_OR_FOLLOWER && !mustAnswer) break;
        if (Date.now() > deadline) {
          this.#o.log.warn(
            { node: node.nodeId, waitedMs: MOVE_WAIT_MS },
            mustAnswer
              ? 'a node of the chain partitions were reassigned from did not answer; copying without ' +
                  'it: what only it has is not copied'
              : 'a node still owns partitions that moved here (membership not applied there); copying ' +
                  'what it has now: writes it acknowledges after this are not copied',
          );
          break;
        }
        await sleep(200);
      }
      if (res === undefined || gen !== this.#generation) continue;
      // A source chain's head that has let go has its whole log (the others hold prefixes of it):
      // its other members need not answer.
      if (res.errorCode === ErrorCode.NONE) {
        for (const c of this.#membership.chains) {
          if (sources.has(c.name) && c.members[0]?.nodeId === node.nodeId) sources.delete(c.name);
        }
      }
      for (const t of res.topics) {
        for (const p of t.partitions) {
          const pos = wirePosition(p);
          if (p.errorCode !== ErrorCode.NONE || pos.logEndOffset === 0) continue;
          const k = `${t.name}\u0000${p.index}`;
          const cur = best.get(k);
          if (!cur || isAhead(pos, cur.pos))
            best.set(k, { member: node, pos, topic: t.name, partition: p.index });
        }
      }
    }
    for (const b of best.values()) {
      if (b.member.nodeId !== this.#o.nodeId && !chain.members.some((m) => m.nodeId === b.member.nodeId)) {
        this.#o.log.info(
          { topic: b.topic, partition: b.partition, from: b.member.nodeId },
          'partition moved to this chain; copying it',
        );
      }
    }
  }

  /** Whether `nodeId` is a member of one of the named chains. */
  #isMember(chains: ReadonlySet<string>, nodeId: number): boolean {
    return this.#membership.chains.some(
      (c) => chains.has(c.name) && c.members.some((m) => m.nodeId === nodeId),
    );
  }

  async #positionOf(
    gen: number,
    chain: Chain,
    member: ChainMember,
  ): Promise<{ member: ChainMember; res: PositionResponse } | undefined> {
    let backoff = 100;
    while (gen === this.#generation) {
      let conn: PeerConnection | undefined;
      try {
        conn = await PeerConnection.connect(
          member.host,
          member.port,
          this.#o.connectTimeoutMs,
          this.#o.dialer,
        );
        const res = await conn.request<PositionResponse>(ChainApiKey.Position, {
          chainName: chain.name,
          chainEpoch: this.#epochs.get(chain.name),
          senderId: this.#o.nodeId,
          topics: null,
        });
        if (res.errorCode !== ErrorCode.NONE) throw new Error(`error ${res.errorCode}`);
        return { member, res };
      } catch (err) {
        this.#o.log.warn(
          { chain: chain.name, member: member.nodeId, err: (err as Error).message },
          'head waits for a member before opening the chain',
        );
        await sleep(backoff);
        backoff = Math.min(backoff * 2, 2000);
      } finally {
        conn?.close();
      }
    }
    return undefined;
  }

  /** Truncates the local divergent suffix and copies the rest from a member that is ahead. */
  async #copyFrom(
    gen: number,
    chain: Chain,
    member: ChainMember,
    log: import('@kilgore/storage').PartitionLog,
    theirs: ReplicaPosition,
  ): Promise<void> {
    const point = divergencePoint(theirs, positionOf(log));
    if (point < log.logEndOffset) await log.truncateTo(point);
    if (theirs.logStartOffset > log.logEndOffset) await log.truncateFullyAndStartAt(theirs.logStartOffset);
    this.#o.log.info(
      {
        topic: log.topic,
        partition: log.partition,
        from: member.nodeId,
        at: log.logEndOffset,
        to: theirs.logEndOffset,
      },
      'head copies from a member that is ahead',
    );
    const conn = await PeerConnection.connect(
      member.host,
      member.port,
      this.#o.connectTimeoutMs,
      this.#o.dialer,
    );
    try {
      while (log.logEndOffset < theirs.logEndOffset && gen === this.#generation) {
        const res = await conn.request<ReadResponse>(ChainApiKey.Read, {
          chainName: chain.name,
          chainEpoch: this.#epochs.get(chain.name),
          senderId: this.#o.nodeId,
          topic: log.topic,
          partition: log.partition,
          offset: BigInt(log.logEndOffset),
          maxBytes: READ_BYTES,
        });
        if (res.errorCode !== ErrorCode.NONE) throw new Error(`read refused with error ${res.errorCode}`);
        if (res.records === null || res.records.length === 0) break;
        await log.appendReplicated(res.records);
      }
    } finally {
      conn.close();
    }
  }

  // ---- receiving side ----

  /**
   * Answers one request frame with a chain api key (the broker routes them here). Not an async
   * function on purpose: a suspended async function keeps its locals (the frame, the decoded
   * body with its records) alive until it returns, and a ChainAppend waits milliseconds for the
   * successor's ack after its records were appended; only the numbers needed to answer are kept.
   */
  handleFrame(frame: Buffer): Promise<Buffer[]> {
    let apiKey: number;
    let apiVersion: number;
    let correlationId: number;
    let res: object | Promise<object>;
    try {
      const { header, body } = decodeChainRequest<unknown>(frame);
      apiKey = header.apiKey;
      apiVersion = header.apiVersion;
      correlationId = header.correlationId;
      switch (apiKey) {
        case ChainApiKey.Append:
          res = this.#onAppend(body as AppendRequest);
          break;
        case ChainApiKey.Position:
          res = this.#onPosition(body as PositionRequest);
          break;
        case ChainApiKey.Read:
          res = this.#onRead(body as ReadRequest);
          break;
        case ChainApiKey.TopicSync:
          res = this.#o.host.topicSync(body as TopicSyncRequest);
          break;
        case ChainApiKey.TxnMarkers:
          res = this.#o.host.txnMarkers?.(body as TxnMarkersRequest) ?? {
            errorCode: ErrorCode.UNSUPPORTED_VERSION,
            topics: [],
          };
          break;
        default:
          throw new Error(`unknown chain api key ${apiKey}`);
      }
    } catch (err) {
      return Promise.reject(err);
    }
    return Promise.resolve(res).then((r) => encodeChainResponse(apiKey, correlationId, r, apiVersion));
  }

  #serial<T>(k: string, task: () => Promise<T>): Promise<T> {
    const prev = this.#queues.get(k) ?? Promise.resolve();
    const run = prev.then(task, task);
    const tail = run.catch(() => {});
    this.#queues.set(k, tail);
    void tail.then(() => {
      if (this.#queues.get(k) === tail) this.#queues.delete(k);
    });
    return run;
  }

  /**
   * A ChainAppend: the appends start now, the answer comes once they are done and (not at the
   * tail) the successor acked them. Not async: `req` (views of the received frame) must not stay
   * reachable during the wait for the ack (see handleFrame).
   */
  #onAppend(req: AppendRequest): Promise<AppendResponse> | AppendResponse {
    const chain = this.#chain;
    const refuse = (errorCode: number): AppendResponse => ({
      errorCode,
      chainEpoch: chain ? this.#epochs.get(chain.name) : -1,
      topics: [],
    });
    if (!chain || req.chainName !== chain.name) return refuse(ErrorCode.NOT_LEADER_OR_FOLLOWER);
    const mine = this.#epochs.get(chain.name);
    if (req.chainEpoch < mine) return refuse(ErrorCode.FENCED_LEADER_EPOCH);
    const idx = chain.members.findIndex((m) => m.nodeId === this.#o.nodeId);
    if (idx <= 0 || chain.members[idx - 1]!.nodeId !== req.senderId) {
      return refuse(ErrorCode.NOT_LEADER_OR_FOLLOWER);
    }
    if (req.chainEpoch > mine) this.#epochs.raise(chain.name, req.chainEpoch);
    const receivedAt = this.#trace ? performance.now() : 0;
    const { work, topics, startTargets, last } = this.#startAppends(req.topics);
    return this.#answerAppend(chain, last, work, topics, startTargets, receivedAt);
  }

  /**
   * Queues each partition's append (in arrival order per partition); the results fill `topics`.
   * `last`: the partitions this node is the last replica of (the tail, or member R of R), which
   * it commits itself instead of forwarding.
   */
  #startAppends(reqTopics: AppendRequest['topics']): {
    work: Array<Promise<void>>;
    topics: AppendResponse['topics'];
    startTargets: Map<string, number>;
    last: Set<string>;
  } {
    const work: Array<Promise<void>> = [];
    const last = new Set<string>();
    const topics: AppendResponse['topics'] = [];
    // Per partition (not at the tail): the log start offset the successor must reach before the
    // answer (what the predecessor sent, as far as this node took it).
    const startTargets = new Map<string, number>();
    for (const t of reqTopics) {
      const name = t.name;
      const partitions: AppendPartitionResult[] = [];
      topics.push({ name, partitions });
      for (const p of t.partitions) {
        const r: AppendPartitionResult = {
          index: p.index,
          errorCode: 0,
          logEndOffset: -1n,
          ackedOffset: -1n,
        };
        partitions.push(r);
        const isTail = !this.forwards(name, p.index);
        if (isTail) last.add(`${name}\u0000${p.index}`);
        work.push(
          this.#serial(`${name}\u0000${p.index}`, async () => {
            const log = this.#o.host.ensureLog(name, p.index);
            if (!log) {
              r.errorCode = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
              return;
            }
            try {
              const cut = Number(p.truncateTo);
              if (cut >= 0 && cut < log.logEndOffset) {
                this.#o.log.info(
                  { topic: name, partition: p.index, from: log.logEndOffset, to: cut },
                  'truncating a divergent suffix',
                );
                await log.truncateTo(cut);
              } else if (cut > log.logEndOffset) {
                await log.truncateFullyAndStartAt(cut);
              }
              if (p.records !== null && p.records.length > 0) {
                const base = Number(p.records.readBigInt64BE(0));
                if (base !== log.logEndOffset) {
                  r.errorCode = ErrorCode.OFFSET_OUT_OF_RANGE;
                  r.logEndOffset = BigInt(log.logEndOffset);
                  return;
                }
                const a = await log.appendReplicated(p.records);
                if (!isTail) {
                  this.#forwarder?.notify(name, p.index, {
                    buf: a.bytes === p.records.length ? p.records : p.records.subarray(0, a.bytes),
                    base: a.baseOffset,
                    end: a.lastOffset + 1,
                  });
                }
              }
              r.logEndOffset = BigInt(log.logEndOffset);
              if (isTail) raiseHighWatermark(log, log.logEndOffset);
              // The predecessor's log start offset (DeleteRecords at the head): never back, never
              // past this node's high watermark (a middle whose own is lower takes it later: the
              // sender resends it). Forwarded with the probe below.
              const start = Math.min(Number(p.logStartOffset ?? -1n), log.highWatermark);
              if (start > log.logStartOffset) await log.deleteRecordsBefore(start);
              if (!isTail) {
                this.#forwarder?.probe(name, p.index);
                // Usually the successor has it already (nothing to wait for, no map entry).
                const wanted = Math.min(Number(p.logStartOffset ?? -1n), log.logStartOffset);
                if (wanted >= 0 && (this.#forwarder?.startAckedOf(name, p.index) ?? wanted) < wanted)
                  startTargets.set(`${name}\u0000${p.index}`, wanted);
              }
            } catch (err) {
              const code = (err as { code?: unknown }).code;
              r.errorCode = typeof code === 'number' ? code : ErrorCode.UNKNOWN_SERVER_ERROR;
              r.logEndOffset = BigInt(log.logEndOffset);
              this.#o.log.warn(
                { topic: name, partition: p.index, err: (err as Error).message },
                'replicated append refused',
              );
            }
          }),
        );
      }
    }
    return { work, topics, startTargets, last };
  }

  async #answerAppend(
    chain: Chain,
    last: ReadonlySet<string>,
    work: Array<Promise<void>>,
    topics: AppendResponse['topics'],
    startTargets: ReadonlyMap<string, number>,
    receivedAt: number,
  ): Promise<AppendResponse> {
    await Promise.all(work);
    const appendedAt = this.#trace ? performance.now() : 0;
    // Answer once the last replica has what this message carried (or after the ack timeout, with
    // what it has: acks are cumulative, a later answer covers this one).
    {
      // One wait per partition forwarded on, for the end of its last entry.
      const targets = new Map<string, { topic: string; partition: number; end: number }>();
      for (const t of topics) {
        for (const r of t.partitions) {
          const k = `${t.name}\u0000${r.index}`;
          if (r.errorCode !== ErrorCode.NONE || last.has(k)) continue;
          const end = Number(r.logEndOffset);
          const cur = targets.get(k);
          if (!cur || cur.end < end) targets.set(k, { topic: t.name, partition: r.index, end });
        }
      }
      const waits: Array<Promise<unknown>> = [];
      const membershipChanged = this.#membershipAbort.signal;
      const f = this.#forwarder;
      for (const { topic, partition, end } of targets.values()) {
        const log = this.#o.host.log(topic, partition)!;
        if (end <= 0 || log.highWatermark >= end) continue;
        // Ends early if the successor refuses the partition or the membership changes: then the
        // answer carries what the tail has so far (cumulative acks make that safe).
        // And if the stream to the successor ends: the acks of the partitions it carries cannot
        // come (this node's predecessor probes for them again), and others must not wait on them.
        const signal = f
          ? AbortSignal.any([f.refusalSignal(topic, partition), f.streamSignal(), membershipChanged])
          : membershipChanged;
        waits.push(log.waitForData(end - 1, this.#o.ackTimeoutMs, signal));
      }
      // A moved log start offset is answered once the successor reported it has it too.
      for (const [k, target] of startTargets) {
        const [topic, partition] = splitKey(k);
        if (f === undefined || f.startAckedOf(topic, partition) >= target) continue;
        waits.push(f.waitForStartAck(topic, partition, target, this.#o.ackTimeoutMs, membershipChanged));
      }
      if (waits.length > 0) await Promise.all(waits);
    }
    this.#trace?.add({ appendMs: appendedAt - receivedAt, ackWaitMs: performance.now() - appendedAt });
    for (const t of topics) {
      for (const r of t.partitions) {
        if (r.errorCode !== ErrorCode.NONE) continue;
        r.ackedOffset = BigInt(this.#o.host.log(t.name, r.index)!.highWatermark);
        r.logStartOffset = BigInt(
          last.has(`${t.name}\u0000${r.index}`)
            ? this.#o.host.log(t.name, r.index)!.logStartOffset
            : this.chainLogStartOffset(t.name, r.index),
        );
      }
    }
    return { errorCode: ErrorCode.NONE, chainEpoch: this.#epochs.get(chain.name), topics };
  }

  #onPosition(req: PositionRequest): PositionResponse {
    const chain = this.#membership.chains.find((c) => c.name === req.chainName);
    const epoch = this.#epochs.get(req.chainName);
    // Named partitions are answered whatever this node's view (a new chain's head asks the nodes
    // that had them, which may not have applied the new membership yet); "all of the chain's"
    // needs the chain.
    if (!chain && req.topics === null) {
      return { errorCode: ErrorCode.NOT_LEADER_OR_FOLLOWER, chainEpoch: epoch, topics: [] };
    }
    const asked: Array<{ topic: string; partitions: number[] }> = [];
    // Not knowing the chain yet, or still placing an asked partition on its own (other) chain,
    // says "I have not applied that membership and may still take writes for it" (the positions
    // still come along, for a caller that cannot wait). A node whose chain was removed answers
    // NONE only once it has left it (it takes no writes any more).
    const stillOwns =
      req.topics !== null &&
      this.#chain !== undefined &&
      this.#chain.name !== req.chainName &&
      req.topics.some((t) => t.partitions.some((p) => this.hosts(t.name, p)));
    const errorCode = chain && !stillOwns ? ErrorCode.NONE : ErrorCode.NOT_LEADER_OR_FOLLOWER;
    if (req.topics === null && chain) {
      const byTopic = new Map<string, number[]>();
      for (const t of this.#o.host.topics()) {
        for (let p = 0; p < t.partitions; p++) {
          if (this.chainFor(t.name, p)?.name !== chain.name || !this.#o.host.log(t.name, p)) continue;
          const list = byTopic.get(t.name) ?? [];
          if (list.length === 0) byTopic.set(t.name, list);
          list.push(p);
        }
      }
      for (const [topic, partitions] of byTopic) asked.push({ topic, partitions });
    } else {
      for (const t of req.topics ?? []) asked.push({ topic: t.name, partitions: t.partitions });
    }
    return {
      errorCode,
      chainEpoch: epoch,
      topics: asked.map(({ topic, partitions }) => ({
        name: topic,
        partitions: partitions.map((index): PositionPartition => {
          const log = this.#o.host.log(topic, index);
          if (!log) {
            return {
              index,
              errorCode: 0,
              logStartOffset: 0n,
              logEndOffset: 0n,
              highWatermark: 0n,
              epochs: [],
            };
          }
          return {
            index,
            errorCode: 0,
            logStartOffset: BigInt(log.logStartOffset),
            logEndOffset: BigInt(log.logEndOffset),
            highWatermark: BigInt(log.highWatermark),
            epochs: log.epochs.entries.map((e) => ({ epoch: e.epoch, startOffset: BigInt(e.startOffset) })),
          };
        }),
      })),
    };
  }

  #onRead(req: ReadRequest): ReadResponse {
    const log = this.#o.host.log(req.topic, req.partition);
    if (!log) return { errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, logEndOffset: -1n, records: null };
    const offset = Number(req.offset);
    if (offset < log.logStartOffset || offset > log.logEndOffset) {
      return {
        errorCode: ErrorCode.OFFSET_OUT_OF_RANGE,
        logEndOffset: BigInt(log.logEndOffset),
        records: null,
      };
    }
    const r = log.read(offset, Math.max(1, req.maxBytes), log.logEndOffset, true);
    return { errorCode: ErrorCode.NONE, logEndOffset: BigInt(log.logEndOffset), records: r.records };
  }
}

function splitKey(k: string): [string, number] {
  const i = k.lastIndexOf('\u0000');
  return [k.slice(0, i), Number(k.slice(i + 1))];
}

function wirePosition(p: PositionPartition): ReplicaPosition {
  return {
    logStartOffset: Number(p.logStartOffset),
    logEndOffset: Number(p.logEndOffset),
    epochs: p.epochs.map((e) => ({ epoch: e.epoch, startOffset: Number(e.startOffset) })),
  };
}
