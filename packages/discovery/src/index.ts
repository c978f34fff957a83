export { type BootstrapOptions, bootstrapFromSrv } from './bootstrap.js';
export { type DiscoveryLogger, silentLogger } from './logger.js';
export {
  type Chain,
  type ChainMember,
  type Membership,
  type MembershipSource,
  sameMembership,
} from './membership.js';
export { findSelf, type SelfIdentity, type SelfPlace } from './self-member.js';
export { type ChainSrvName, parseChainSrv, parseSrvName, SrvConfigError } from './srv-config.js';
export {
  type DnsFailureKind,
  DnsLookupError,
  type DnsServer,
  formatDnsServer,
  parseDnsServer,
  queryAddresses,
  querySrv,
  type SrvAnswer,
  type SrvRecord,
  systemDnsServers,
} from './srv-dns.js';
export { type SrvMembershipOptions, SrvMembershipSource } from './srv-membership.js';
export {
  chainOfTarget,
  compareSrvRecords,
  nodeIdForTarget,
  orderSrvRecords,
  trailingOrdinal,
} from './srv-order.js';
export { DEFAULT_REFRESH_TIMING, type RefreshTiming, refreshDelayMs, retryDelayMs } from './srv-refresh.js';
export {
  ChainsError,
  checkMembership,
  checkNodeInMembership,
  formatChains,
  parseChains,
  StaticMembership,
} from './static.js';
