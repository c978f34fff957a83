/**
 * What the chain engine needs from the node it runs in (the broker): its partition logs and its
 * topic table. The engine never creates topics; it asks the host.
 */
import type { PartitionLog } from '@kilgore/storage';
import type { PeerConnection } from './wire/peer.js';
import type {
  TopicSyncRequest,
  TopicSyncResponse,
  TxnMarkersRequest,
  TxnMarkersResponse,
} from './wire/schemas.js';

export interface ReplicaHost {
  /** The local log of a partition, if it exists (never creates one). */
  log(topic: string, partition: number): PartitionLog | undefined;
  /** The local log, created if the topic is known and has that partition; else undefined. */
  ensureLog(topic: string, partition: number): PartitionLog | undefined;
  /** Every known topic with its partition count. */
  topics(): Iterable<{ name: string; partitions: number }>;
  /**
   * A partition's replication factor R: it lives on the first R members of its chain (the head
   * and the next R-1). Undefined (or absent): the whole chain.
   */
  replicationFactor?(topic: string, partition: number): number | undefined;
  /**
   * The chain a reassignment placed the partition on, over hashing (undefined: hashing). A name
   * the membership does not have falls back to hashing.
   */
  placedOn?(topic: string, partition: number): string | undefined;
  /**
   * A partition a reassignment moved to this node's chain that is still being copied (persisted
   * by the host, so a head restarted mid-copy copies it again): the chain it comes from and that
   * chain's newest epoch, which this chain's next epoch must exceed. Undefined: none.
   */
  movingIn?(topic: string, partition: number): { from: string; fromEpoch: number } | undefined;
  /** Answers a TopicSync (the broker owns topics). */
  topicSync(request: TopicSyncRequest): Promise<TopicSyncResponse>;
  /** Called on each (re)connection to a successor, before anything else is sent (topic push). */
  beforeStream(peer: PeerConnection): Promise<void>;
  /** Called after each membership change is applied (create logs now placed here, and so on). */
  membershipApplied(): void;
  /** This node, as head, opened `epoch` of `chain` (tell the other nodes, for Metadata). */
  epochOpened?(chain: string, epoch: number): void;
  /** Writes a transaction coordinator's markers (a host without transactions leaves it out). */
  txnMarkers?(request: TxnMarkersRequest): Promise<TxnMarkersResponse>;
}

/** A pino-compatible logger (the engine does not depend on pino). */
export interface ChainLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}
