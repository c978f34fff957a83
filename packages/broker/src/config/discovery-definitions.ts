/**
 * Settings of DNS SRV discovery (packages/discovery/README.md). Each `kilgore.x` is also `--x`
 * and `KILGORE_X` through its synonym `x`, as `kilgore.chains` is `--chains`.
 */
import type { ConfigDef } from './definitions.js';

export const DISCOVERY_CONFIG_DEFS: readonly ConfigDef[] = [
  {
    name: 'kilgore.chain.srv',
    type: 'string',
    default: null,
    doc: 'Membership from DNS: chain=SRV-name[+id-offset],... (e.g. a=_kafka._tcp.chain-a.kilgore.local). Instead of kilgore.chains.',
    synonyms: [{ name: 'chain.srv' }],
  },
  {
    name: 'kilgore.cluster.srv',
    type: 'string',
    default: null,
    doc: 'Membership from one SRV name whose targets name their chain in a chain-<name> label. Instead of kilgore.chains.',
    synonyms: [{ name: 'cluster.srv' }],
  },
  {
    name: 'kilgore.dns.server',
    type: 'string',
    default: null,
    doc: 'host:port of the DNS server to ask for SRV records; unset: the system resolvers (/etc/resolv.conf).',
    synonyms: [{ name: 'dns.server' }],
  },
  {
    name: 'kilgore.srv.hosts',
    type: 'string',
    default: 'target',
    oneOf: ['target', 'address'],
    doc: "A member's host: the SRV target name (target), or the address the DNS server gives for it (address).",
    synonyms: [{ name: 'srv.hosts' }],
  },
  {
    name: 'kilgore.srv.refresh.min.ms',
    type: 'long',
    default: '1000',
    min: 1,
    doc: 'SRV records are asked for again when their TTL runs out, but never sooner than this.',
    synonyms: [{ name: 'srv.refresh.min.ms' }],
  },
  {
    name: 'kilgore.srv.refresh.max.ms',
    type: 'long',
    default: '60000',
    min: 1,
    doc: 'SRV records are asked for again at least this often, whatever their TTL.',
    synonyms: [{ name: 'srv.refresh.max.ms' }],
  },
];
