/**
 * Transaction markers on a cluster of chains. Each partition's marker is written by the head of
 * the chain that owns it: this node's own log when it is that head, else a TxnMarkers request to
 * that head, which answers once its chain's tail has the marker. Partitions that fail (no open
 * head yet, a head change, an unreachable node) are retried with back-off until they have it or
 * the coordinator gives its role up: a prepared transaction must end on every partition, as
 * Kafka's marker channel retries until the partition is gone.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import {
  ChainApiKey,
  type ChainMember,
  type ChainReplicator,
  PeerConnection,
  type PeerDialer,
  type TxnMarkersResponse,
} from '@kilgore/chain';
import { ErrorCode } from '@kilgore/protocol';
import type { TxnMarker } from '@kilgore/storage';
import type { Logger } from 'pino';
import { CoordinatorMovedError, type MarkerPartition } from '../transactions/markers.js';

const MAX_BACKOFF_MS = 1000;

export interface ChainMarkerWriterDeps {
  nodeId: number;
  replicator: ChainReplicator;
  dial: PeerDialer;
  /** Writes a marker to a partition this node heads; resolves with a Kafka error code. */
  writeHere(topic: string, partition: number, marker: TxnMarker): Promise<number>;
  topicExists(topic: string): boolean;
  log: Logger;
}

export class ChainMarkerWriter {
  /** One connection per other head, kept between transactions. */
  readonly #peers = new Map<number, Promise<PeerConnection>>();

  constructor(private readonly deps: ChainMarkerWriterDeps) {}

  async write(partitions: readonly MarkerPartition[], marker: TxnMarker, signal: AbortSignal): Promise<void> {
    let pending = partitions;
    let backoff = 25;
    for (;;) {
      if (signal.aborted) throw new CoordinatorMovedError('this node no longer coordinates transactions');
      pending = await this.#attempt(pending, marker);
      if (pending.length === 0) return;
      this.deps.log.debug(
        { partitions: pending.map((p) => `${p.topic}-${p.partition}`), backoffMs: backoff },
        'transaction markers not written yet; retrying',
      );
      await sleep(backoff, undefined, { signal }).catch(() => {});
      backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
    }
  }

  close(): void {
    for (const p of this.#peers.values()) void p.then((c) => c.close()).catch(() => {});
    this.#peers.clear();
  }

  /** One try at every partition; resolves with those still without their marker. */
  async #attempt(partitions: readonly MarkerPartition[], marker: TxnMarker): Promise<MarkerPartition[]> {
    const byHead = new Map<number, { head: ChainMember; partitions: MarkerPartition[] }>();
    const failed: MarkerPartition[] = [];
    for (const p of partitions) {
      const head = this.deps.replicator.leaderOf(p.topic, p.partition);
      if (!head) {
        failed.push(p);
        continue;
      }
      let group = byHead.get(head.nodeId);
      if (!group) {
        group = { head, partitions: [] };
        byHead.set(head.nodeId, group);
      }
      group.partitions.push(p);
    }
    await Promise.all(
      [...byHead.values()].map(async ({ head, partitions: mine }) => {
        const codes =
          head.nodeId === this.deps.nodeId
            ? await Promise.all(mine.map((p) => this.deps.writeHere(p.topic, p.partition, marker)))
            : await this.#writeAt(head, mine, marker);
        mine.forEach((p, i) => {
          const code = codes[i] ?? ErrorCode.UNKNOWN_SERVER_ERROR;
          if (code === ErrorCode.NONE) return;
          if (code === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION && !this.deps.topicExists(p.topic)) {
            // Deleted since it joined the transaction: nothing left to end.
            this.deps.log.warn(
              { topic: p.topic, partition: p.partition },
              'transaction marker skipped: topic deleted',
            );
            return;
          }
          failed.push(p);
        });
      }),
    );
    return failed;
  }

  /** A TxnMarkers request to another chain's head: one error code per partition, in order. */
  async #writeAt(head: ChainMember, partitions: MarkerPartition[], marker: TxnMarker): Promise<number[]> {
    const topics = new Map<string, number[]>();
    for (const p of partitions) topics.set(p.topic, [...(topics.get(p.topic) ?? []), p.partition]);
    let res: TxnMarkersResponse;
    try {
      const peer = await this.#peer(head);
      res = await peer.request<TxnMarkersResponse>(ChainApiKey.TxnMarkers, {
        senderId: this.deps.nodeId,
        producerId: marker.producerId,
        producerEpoch: marker.producerEpoch,
        commit: marker.commit,
        coordinatorEpoch: this.deps.replicator.currentEpoch,
        topics: [...topics].map(([name, ids]) => ({ name, partitions: ids })),
      });
    } catch (err) {
      this.#peers.delete(head.nodeId);
      this.deps.log.debug({ head: head.nodeId, err: (err as Error).message }, 'TxnMarkers to a head failed');
      return partitions.map(() => ErrorCode.NETWORK_EXCEPTION);
    }
    if (res.errorCode !== ErrorCode.NONE) return partitions.map(() => res.errorCode);
    const codes = new Map<string, number>();
    for (const t of res.topics)
      for (const r of t.partitions) codes.set(`${t.name}\u0000${r.index}`, r.errorCode);
    return partitions.map(
      (p) => codes.get(`${p.topic}\u0000${p.partition}`) ?? ErrorCode.UNKNOWN_SERVER_ERROR,
    );
  }

  #peer(head: ChainMember): Promise<PeerConnection> {
    const known = this.#peers.get(head.nodeId);
    if (known) {
      return known.then((c) => {
        if (!c.closed) return c;
        this.#peers.delete(head.nodeId);
        return this.#peer(head);
      });
    }
    const opened = PeerConnection.connect(head.host, head.port, 3000, this.deps.dial);
    this.#peers.set(head.nodeId, opened);
    opened.catch(() => this.#peers.delete(head.nodeId));
    return opened;
  }
}
