export type { Chain, ChainMember, Membership } from '@kilgore/discovery';
export {
  divergencePoint,
  type EpochStart,
  epochEndOffset,
  isAhead,
  type ReplicaPosition,
} from './divergence.js';
export { CHAIN_EPOCHS_FILE, EpochStore } from './epoch-store.js';
export { Forwarder, MAX_IN_FLIGHT, raiseHighWatermark } from './forwarder.js';
export type { ChainLogger, ReplicaHost } from './host.js';
export { chainFor, chainOfNode, fmix32, fnv1a32, placementWeight } from './placement.js';
export { ChainReplicator, type ChainReplicatorOptions } from './replicator.js';
export {
  CHAIN_CLIENT_ID,
  chainSendVersion,
  decodeChainRequest,
  decodeChainResponse,
  encodeChainRequest,
  encodeChainResponse,
} from './wire/frames.js';
export { dialPlain, PeerClosedError, PeerConnection, type PeerDialer } from './wire/peer.js';
export * from './wire/schemas.js';
