import { ChainsError, checkNodeInMembership, type Membership, parseChains } from '@kilgore/discovery';
import { ConfigError, type ResolvedSetting } from './broker-config.js';

/** Chain replication settings; `membership` is undefined for a single node (no kilgore.chains). */
export interface ChainConfig {
  membership: Membership | undefined;
  minInsyncReplicas: number;
  replicaLagTimeMaxMs: number;
  requestTimeoutMs: number;
}

/**
 * A well-formed `kilgore.chains` without this node: refused at start (exit 2); on a reload the
 * node takes it and leaves replication (see reload.ts), so `membership` is kept here.
 */
export class NodeNotInChainsError extends ConfigError {
  constructor(
    origin: string,
    reason: string,
    readonly membership: Membership,
  ) {
    super('kilgore.chains', origin, reason);
    this.name = 'NodeNotInChainsError';
  }
}

/** Reads and checks `kilgore.chains` for `nodeId`; a bad list is a ConfigError naming the setting. */
export function buildChainConfig(
  settings: ReadonlyMap<string, ResolvedSetting>,
  nodeId: number,
): ChainConfig {
  const s = settings.get('kilgore.chains');
  const num = (name: string) => settings.get(name)?.value as number;
  let membership: Membership | undefined;
  if (s !== undefined && typeof s.value === 'string' && s.value.trim() !== '') {
    try {
      membership = parseChains(s.value);
    } catch (err) {
      if (err instanceof ChainsError) throw new ConfigError('kilgore.chains', s.origin, err.message);
      throw err;
    }
    try {
      checkNodeInMembership(membership, nodeId);
    } catch (err) {
      if (err instanceof ChainsError) throw new NodeNotInChainsError(s.origin, err.message, membership);
      if (err instanceof ChainsError) throw new ConfigError('kilgore.chains', s.origin, err.message);
      throw err;
    }
  }
  return {
    membership,
    minInsyncReplicas: num('min.insync.replicas') ?? 1,
    replicaLagTimeMaxMs: num('replica.lag.time.max.ms') ?? 30_000,
    requestTimeoutMs: num('request.timeout.ms') ?? 30_000,
  };
}
