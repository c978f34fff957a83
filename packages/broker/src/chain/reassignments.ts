/**
 * AlterPartitionReassignments and ListPartitionReassignments on chains. A partition lives on the
 * first R members of the chain that placement gives it, so the replica sets a reassignment can
 * ask for are those prefixes: it changes the partition's R within its chain. Growing R makes the
 * next members replicas; they are caught up from the log by their predecessor's forwarder, and
 * the reassignment is listed as ongoing (the added members as adding replicas) until the head
 * sees each of them hold the log end it had when it started watching. Shrinking R is done at
 * once (the members left out keep their files). The change travels to every node with the topic
 * table (TopicSync), so any node takes the request. Moving a partition to another chain is not
 * offered: placement is by hashing.
 */
import { ChainApiKey, PeerConnection, type PeerDialer, type PositionResponse } from '@kilgore/chain';
import { ErrorCode } from '@kilgore/protocol';
import type { Logger } from 'pino';
import type { LogStore } from '../logs/partition-log.js';
import type { TopicInfo, TopicRegistry } from '../topics/registry.js';
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
}

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
    if (k < 1 || k > members.length || members.slice(0, k).some((id, i) => replicas[i] !== id)) {
      const elsewhere = this.chain.membership.chains.some(
        (c) => c.members[0]?.nodeId === replicas[0] && c.members.some((m) => m.nodeId !== members[0]),
      );
      return {
        errorCode: ErrorCode.INVALID_REPLICA_ASSIGNMENT,
        errorMessage: elsewhere
          ? `${name}-${partition} is placed on the chain [${members.join(', ')}] by hashing; moving it to another chain is not supported. Its replicas can be the first R of [${members.join(', ')}], head first.`
          : `${name}-${partition} lives on the chain [${members.join(', ')}]: its replicas can only be the first R of those members, head first, not [${replicas.join(', ')}].`,
      };
    }
    if (k !== current || t.reassigning?.[partition] !== undefined) this.#apply(t, partition, k, k > current);
    return { errorCode: ErrorCode.NONE, errorMessage: null };
  }

  /** Partitions whose new replicas are still catching up (all, or those asked for). */
  ongoing(topic: TopicInfo, only?: readonly number[]): OngoingReassignment[] {
    const out: OngoingReassignment[] = [];
    for (const [p, before] of Object.entries(topic.reassigning ?? {})) {
      const partition = Number(p);
      if (only && !only.includes(partition)) continue;
      const replicas = this.chain.placement(topic.name, partition).replicas;
      out.push({ partition, replicas, adding: replicas.slice(before) });
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
      for (const t of this.topics.list()) {
        for (const o of this.ongoing(t)) {
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
