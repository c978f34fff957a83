import type { BrokerContext } from '../context.js';

/**
 * Share groups run on a single node only: the share-partition state lives in one node's data
 * dir and is not replicated along a chain (README: Share groups). Under chains every share-group
 * API answers with this message instead of half-working.
 */
export function shareGroupsRefused(broker: BrokerContext): string | null {
  return broker.chain === undefined
    ? null
    : 'Share groups (KIP-932) are not supported when Kilgore runs as a chain; run a single node.';
}
