import {
  type ChainSrvName,
  type DnsServer,
  parseChainSrv,
  parseDnsServer,
  parseSrvName,
  SrvConfigError,
} from '@kilgore/discovery';
import { ConfigError, type ResolvedSetting } from './broker-config.js';

/** DNS SRV discovery, when kilgore.chain.srv or kilgore.cluster.srv is set. */
export interface DiscoveryConfig {
  chains?: ChainSrvName[];
  clusterSrv?: string;
  /** Undefined: the system resolvers. */
  dnsServers?: DnsServer[];
  hosts: 'target' | 'address';
  refreshMinMs: number;
  refreshMaxMs: number;
}

/** Reads the SRV settings; undefined when membership does not come from DNS. */
export function buildDiscoveryConfig(
  settings: ReadonlyMap<string, ResolvedSetting>,
): DiscoveryConfig | undefined {
  const text = (name: string): ResolvedSetting | undefined => {
    const s = settings.get(name);
    return s !== undefined && typeof s.value === 'string' && s.value.trim() !== '' ? s : undefined;
  };
  const chainSrv = text('kilgore.chain.srv');
  const clusterSrv = text('kilgore.cluster.srv');
  if (chainSrv === undefined && clusterSrv === undefined) return undefined;
  const parse = <T>(setting: ResolvedSetting, read: (value: string) => T): T => {
    try {
      return read(setting.value as string);
    } catch (err) {
      if (err instanceof SrvConfigError || err instanceof Error) {
        throw new ConfigError(setting.name, setting.origin, err.message);
      }
      throw err;
    }
  };
  if (chainSrv !== undefined && clusterSrv !== undefined) {
    throw new ConfigError(
      'kilgore.cluster.srv',
      clusterSrv.origin,
      'give kilgore.chain.srv or kilgore.cluster.srv, not both',
    );
  }
  const staticChains = text('kilgore.chains');
  if (staticChains !== undefined) {
    throw new ConfigError(
      'kilgore.chains',
      staticChains.origin,
      `membership comes from ${chainSrv ? 'kilgore.chain.srv' : 'kilgore.cluster.srv'} or from kilgore.chains, not both`,
    );
  }
  const dnsServer = text('kilgore.dns.server');
  const refreshMinMs = settings.get('kilgore.srv.refresh.min.ms')?.value as number;
  const refreshMax = settings.get('kilgore.srv.refresh.max.ms');
  if (refreshMax !== undefined && (refreshMax.value as number) < refreshMinMs) {
    throw new ConfigError(refreshMax.name, refreshMax.origin, 'must not be below kilgore.srv.refresh.min.ms');
  }
  return {
    ...(chainSrv ? { chains: parse(chainSrv, parseChainSrv) } : {}),
    ...(clusterSrv ? { clusterSrv: parse(clusterSrv, (v) => parseSrvName(v, 'cluster-srv')) } : {}),
    ...(dnsServer ? { dnsServers: [parse(dnsServer, parseDnsServer)] } : {}),
    hosts:
      String(settings.get('kilgore.srv.hosts')?.value ?? 'target').toLowerCase() === 'address'
        ? 'address'
        : 'target',
    refreshMinMs,
    refreshMaxMs: (refreshMax?.value as number | undefined) ?? 60_000,
  };
}
