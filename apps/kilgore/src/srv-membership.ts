import { type BrokerConfig, buildDiscoveryConfig } from '@kilgore/broker';
import { SrvMembershipSource } from '@kilgore/discovery';
import type { Logger } from 'pino';

/**
 * The DNS SRV membership source when kilgore.chain.srv or kilgore.cluster.srv is set, else
 * undefined (kilgore.chains or a single node). Throws ConfigError for bad SRV settings.
 */
export function srvMembership(config: BrokerConfig, log: Logger): SrvMembershipSource | undefined {
  const discovery = buildDiscoveryConfig(config.settings);
  if (discovery === undefined) return undefined;
  return new SrvMembershipSource({
    ...(discovery.chains ? { chains: discovery.chains } : {}),
    ...(discovery.clusterSrv ? { clusterSrv: discovery.clusterSrv } : {}),
    ...(discovery.dnsServers ? { servers: discovery.dnsServers } : {}),
    hosts: discovery.hosts,
    timing: { floorMs: discovery.refreshMinMs, ceilingMs: discovery.refreshMaxMs },
    log: log.child({ component: 'discovery' }),
  });
}
