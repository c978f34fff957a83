/**
 * AlterPartitionReassignments and ListPartitionReassignments on chains. A partition lives on the
 * first R members of the chain that placement gives it, so the replica sets a reassignment can
 * ask for are those prefixes: it changes the partition's R within its chain. Growing R makes the
 * next members replicas; they are caught up from the log by their predecessor's forwarder, and
 * the reassignment is listed as ongoing (the added members as adding replicas) until the head
 * sees each of them hold the log end it had when it started watching. Shrinking R is done at
 * once (the members left out delete their files: BrokerChain). The change travels to every node
 * with the topic table (TopicSync, versioned so the newest state wins), so any node takes the
 * request.
 *
 * A target that is a prefix of another chain (head first) moves the partition there, in two
 * steps: the move is recorded (listed, the partition still on its chain: a cancel now goes back);
 * then the target chain's head, once open, switches ownership (a placement override): the old
 * chain stops taking writes for it (NOT_LEADER_OR_FOLLOWER), the new head reconciles and copies
 * it from the old chain (chain-removal's copy: it waits until the old nodes have let go), then its
 * replicas catch up from it. Done once they hold the log end it had when it opened; then every
 * node that no longer keeps the partition deletes its files.
 */
import { ChainApiKey, PeerConnection, type PeerDialer, type PositionResponse } from '@kilgore/chain';
import { ErrorCode } from '@kilgore/protocol';
import type { Logger } from 'pino';
import type { LogStore } from '../logs/partition-log.js';
import {
  type PartitionMove,
  replicationFactorOf,
  type TopicInfo,
  type TopicRegistry,
} from '../topics/registry.js';
import type { BrokerChain } from './broker-chain.js';

const WATCH_MS = 250;

export interface ReassignmentResult {
  errorCode: number;
  errorMessage: string | null;
}

export interface OngoingReassignment {
  partition: number;
  replicas: number[];
  adding: number[];
  removing: number[];
}

/** Coordinator topics stay where hashing puts them (their head runs the coordinators). */
const UNMOVABLE = new Set(['__consumer_offsets', '__transaction_state', '__share_group_state']);

export class Reassignments {
  /** Head only: per partition being reassigned, the log end its new replicas must reach. */
  readonly #targets = new Map<string, number>();
  #timer: NodeJS.Timeout | undefined;
  #checking = false;

  constructor(
    private readonly chain: BrokerChain,
    private readonly topics: TopicRegistry,
    private readonly logs: LogStore,
    private readonly dial: PeerDialer,
    private readonly log: Logger,
  ) {}

  start(): void {
    this.#timer = setInterval(() => void this.#check(), WATCH_MS);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
  }

  /** One partition's target replicas (null: cancel the reassignment in progress). */
  alter(name: string, partition: number, replicas: readonly number[] | null): ReassignmentResult {
    const t = this.topics.get(name);
    if (!t || partition < 0 || partition >= t.partitions) {
      return {
        errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
        errorMessage: `${name}-${partition} does not exist`,
      };
    }
    const members = this.chain.replicator.chainFor(name, partition)?.members.map((m) => m.nodeId) ?? [];
    const current = this.chain.placement(name, partition).replicas.length;
    const move = t.moves?.[partition];
    if (replicas === null && move !== undefined) {
      if (move.switched) {
        return {
          errorCode: ErrorCode.INVALID_REPLICA_ASSIGNMENT,
          errorMessage: `${name}-${partition} has moved to chain ${move.to} already (it is being copied there); reassign it to chain ${move.from} to move it back`,
        };
      }
      this.log.info({ topic: name, partition, to: move.to }, 'move to another chain cancelled');
      this.chain.reassigned(withMove(t, partition, undefined));
      return { errorCode: ErrorCode.NONE, errorMessage: null };
    }
    if (replicas === null) {
      const before = t.reassigning?.[partition];
      if (before === undefined) {
        return {
          errorCode: ErrorCode.NO_REASSIGNMENT_IN_PROGRESS,
          errorMessage: `no reassignment of ${name}-${partition} is in progress`,
        };
      }
      this.#apply(t, partition, before, false);
      return { errorCode: ErrorCode.NONE, errorMessage: null };
    }
    const k = replicas.length;
    if (move?.switched) {
      return {
        errorCode: ErrorCode.REASSIGNMENT_IN_PROGRESS,
        errorMessage: `${name}-${partition} is being copied to chain ${move.to}; reassign it once that is done`,
      };
    }
    if (k < 1 || k > members.length || members.slice(0, k).some((id, i) => replicas[i] !== id)) {
      const target = this.chain.membership.chains.find(
        (c) =>
          c.members.length >= k && k >= 1 && c.members.slice(0, k).every((m, i) => m.nodeId === replicas[i]),
      );
      const from = this.chain.replicator.chainFor(name, partition)?.name;
      if (target !== undefined && from !== undefined && target.name !== from && !UNMOVABLE.has(name)) {
        return this.#startMove(t, partition, {
          to: target.name,
          factor: k,
          from,
          fromFactor: replicationFactorOf(t, partition) ?? -1,
          switched: false,
        });
      }
      return {
        errorCode: ErrorCode.INVALID_REPLICA_ASSIGNMENT,
        errorMessage:
          UNMOVABLE.has(name) && target !== undefined
            ? `${name} is a coordinator topic: it stays on the chain hashing gives it, [${members.join(', ')}]`
            : `${name}-${partition} lives on the chain [${members.join(', ')}]: its replicas can be the first R of those members, head first, or the first R of another chain's to move it there, not [${replicas.join(', ')}].`,
      };
    }
    // Back to its own chain: a move not switched yet is dropped.
    const base = move === undefined ? t : withMove(t, partition, undefined);
    if (k !== current || t.reassigning?.[partition] !== undefined || move !== undefined)
      this.#apply(base, partition, k, k > current);
    return { errorCode: ErrorCode.NONE, errorMessage: null };
  }

  /** Records a move to another chain; the target's head switches ownership (see #check). */
  #startMove(t: TopicInfo, partition: number, move: PartitionMove): ReassignmentResult {
    const { [partition]: _gone, ...reassigning } = t.reassigning ?? {};
    const base = withMaps(t, t.partitionReplicationFactors ?? {}, reassigning);
    this.log.info(
      { topic: t.name, partition, from: move.from, to: move.to, replicationFactor: move.factor },
      'partition moving to another chain',
    );
    this.chain.reassigned(withMove(base, partition, move));
    return { errorCode: ErrorCode.NONE, errorMessage: null };
  }

  /** The first `factor` members of a chain (-1: all), or [] when the membership lacks it. */
  #prefix(chainName: string, factor: number): number[] {
    const c = this.chain.membership.chains.find((x) => x.name === chainName);
    const ids = c?.members.map((m) => m.nodeId) ?? [];
    return factor >= 1 ? ids.slice(0, factor) : ids;
  }

  /** Partitions whose new replicas are still catching up (all, or those asked for). */
  ongoing(topic: TopicInfo, only?: readonly number[]): OngoingReassignment[] {
    const out: OngoingReassignment[] = [];
    for (const [p, before] of Object.entries(topic.reassigning ?? {})) {
      const partition = Number(p);
      if (only && !only.includes(partition)) continue;
      const replicas = this.chain.placement(topic.name, partition).replicas;
      out.push({ partition, replicas, adding: replicas.slice(before), removing: [] });
    }
    // A move: Kafka's shape, the target replicas then the ones being removed.
    for (const [p, m] of Object.entries(topic.moves ?? {})) {
      const partition = Number(p);
      if (only && !only.includes(partition)) continue;
      const adding = this.#prefix(m.to, m.factor);
      const removing = this.#prefix(m.from, m.fromFactor).filter((id) => !adding.includes(id));
      out.push({ partition, replicas: [...adding, ...removing], adding, removing });
    }
    return out.sort((a, b) => a.partition - b.partition);
  }

  #apply(t: TopicInfo, partition: number, factor: number, grows: boolean): void {
    const factors = { ...(t.partitionReplicationFactors ?? {}), [partition]: factor };
    const reassigning = { ...(t.reassigning ?? {}) };
    if (grows) reassigning[partition] ??= this.chain.placement(t.name, partition).replicas.length;
    else delete reassigning[partition];
    this.#targets.delete(`${t.name}\u0000${partition}`);
    this.log.info({ topic: t.name, partition, replicationFactor: factor }, 'partition reassigned');
    this.chain.reassigned(withMaps(t, factors, reassigning));
  }

  /** At the head: a reassignment is done once every added replica holds the target log end. */
  async #check(): Promise<void> {
    if (this.#checking || !this.chain.replicator.isOpen) return;
    this.#checking = true;
    try {
      for (const t of this.topics.list()) await this.#moves(t);
      for (const t of this.topics.list()) {
        for (const o of this.ongoing(t)) {
          if (t.moves?.[o.partition] !== undefined) continue;
          if (this.chain.replicator.leaderOf(t.name, o.partition)?.nodeId !== this.chain.replicator.nodeId)
            continue;
          const log = this.logs.get(t.name, o.partition);
          if (!log) continue;
          const key = `${t.name}\u0000${o.partition}`;
          const target = this.#targets.get(key) ?? log.logEndOffset;
          this.#targets.set(key, target);
          const ends = await Promise.all(o.adding.map((id) => this.#logEndAt(id, t.name, o.partition)));
          if (ends.every((end) => end >= target)) {
            const now = this.topics.get(t.name);
            if (!now || now.reassigning?.[o.partition] === undefined) continue;
            const reassigning = { ...now.reassigning };
            delete reassigning[o.partition];
            this.#targets.delete(key);
            this.log.info(
              { topic: t.name, partition: o.partition, logEndOffset: target },
              'reassignment done',
            );
            this.chain.reassigned(withMaps(now, now.partitionReplicationFactors ?? {}, reassigning));
          }
        }
      }
    } catch (err) {
      this.log.debug({ err: (err as Error).message }, 'reassignment progress check failed; retrying');
    } finally {
      this.#checking = false;
    }
  }

  /**
   * At the head of a move's target chain: switch ownership once open; after the switch, once
   * the partition is copied here (the head reopened), done when its other replicas hold the log
   * end the head had then.
   */
  async #moves(t: TopicInfo): Promise<void> {
    const r = this.chain.replicator;
    for (const [p, m] of Object.entries(t.moves ?? {})) {
      const partition = Number(p);
      if (r.chain?.name !== m.to || !r.isHead || !r.isOpen) continue;
      const now = this.topics.get(t.name);
      if (now?.moves?.[partition] !== m) continue;
      const key = `${t.name}\u0000${partition}`;
      if (!m.switched) {
        this.log.info(
          { topic: t.name, partition, from: m.from, to: m.to },
          'move: this head takes the partition',
        );
        const factors = { ...(now.partitionReplicationFactors ?? {}), [partition]: m.factor };
        const placed = { ...(now.placedOn ?? {}), [partition]: m.to };
        const switched = withMove(withMaps(now, factors, now.reassigning ?? {}), partition, {
          ...m,
          switched: true,
        });
        this.#targets.delete(key);
        this.chain.reassigned({ ...switched, placedOn: placed });
        continue;
      }
      const log = this.logs.get(t.name, partition);
      if (!log || !r.adopted(t.name, partition)) continue;
      const target = this.#targets.get(key) ?? log.logEndOffset;
      this.#targets.set(key, target);
      const others = this.#prefix(m.to, m.factor).filter((id) => id !== r.nodeId);
      const ends = await Promise.all(others.map((id) => this.#logEndAt(id, t.name, partition)));
      if (!ends.every((end) => end >= target)) continue;
      const latest = this.topics.get(t.name);
      if (latest?.moves?.[partition] !== m) continue;
      this.#targets.delete(key);
      this.log.info(
        { topic: t.name, partition, from: m.from, to: m.to, logEndOffset: target },
        'move to this chain done',
      );
      this.chain.reassigned(withMove(latest, partition, undefined));
    }
  }

  /** A member's log end for a partition (ChainPosition), or -1 when it cannot say. */
  async #logEndAt(nodeId: number, topic: string, partition: number): Promise<number> {
    const member = this.chain.brokers().find((m) => m.nodeId === nodeId);
    if (!member) return -1;
    let peer: PeerConnection | undefined;
    try {
      peer = await PeerConnection.connect(member.host, member.port, 1000, this.dial);
      const chainName = this.chain.replicator.chain?.name ?? '';
      const res = await peer.request<PositionResponse>(ChainApiKey.Position, {
        chainName,
        chainEpoch: this.chain.replicator.epochOf(chainName),
        senderId: this.chain.replicator.nodeId,
        topics: [{ name: topic, partitions: [partition] }],
      });
      const p = res.topics.find((x) => x.name === topic)?.partitions.find((x) => x.index === partition);
      return p ? Number(p.logEndOffset) : -1;
    } catch {
      return -1;
    } finally {
      peer?.close();
    }
  }
}

/** `t` with one partition's move set (or cleared: undefined). */
function withMove(t: TopicInfo, partition: number, move: PartitionMove | undefined): TopicInfo {
  const { moves: _m, ...rest } = t;
  const { [partition]: _gone, ...others } = t.moves ?? {};
  const moves = move === undefined ? others : { ...others, [partition]: move };
  return { ...rest, ...(Object.keys(moves).length > 0 ? { moves } : {}) };
}

function withMaps(
  t: TopicInfo,
  factors: Record<number, number>,
  reassigning: Record<number, number>,
): TopicInfo {
  const { partitionReplicationFactors: _f, reassigning: _r, ...rest } = t;
  return {
    ...rest,
    ...(Object.keys(factors).length > 0 ? { partitionReplicationFactors: factors } : {}),
    ...(Object.keys(reassigning).length > 0 ? { reassigning } : {}),
  };
}
