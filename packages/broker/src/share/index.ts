/** Share groups (KIP-932): the public face of packages/broker/src/share. */

export { type AckBatch, type AckOutcome, applyAcknowledgements } from './acknowledge.js';
export { type AcquireResult, acquireRecords } from './acquire.js';
export { ShareCoordinator, type ShareGroupPartition } from './share-coordinator.js';
export type { ShareAssignment, ShareGroup, ShareMember } from './share-group.js';
export {
  AcknowledgeError,
  AckType,
  type AcquiredRange,
  RecordState,
  SharePartition,
} from './share-partition.js';
export { CLOSE_EPOCH, OPEN_EPOCH, partitionKey } from './share-sessions.js';
export { SHARE_STATE_TOPIC, ShareStateLog } from './share-state-log.js';
export { ShareStateStore } from './share-state-store.js';
