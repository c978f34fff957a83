/**
 * Client bootstrap from DNS: `--bootstrap-srv _kafka._tcp.kilgore.local` becomes the host:port
 * list a Kafka client is given, in the chain order rule's order (any of them will do: a client
 * asks one for Metadata and learns the rest).
 */
import { parseSrvName } from './srv-config.js';
import { type DnsServer, parseDnsServer, queryAddresses, querySrv, systemDnsServers } from './srv-dns.js';
import { orderSrvRecords } from './srv-order.js';

export interface BootstrapOptions {
  /** Give addresses instead of target names (for names only that DNS server knows). */
  resolveTargets?: boolean;
  timeoutMs?: number;
}

/** host:port of every SRV target of `name`, asked of `dnsServer` (`host:port`) or the system's. */
export async function bootstrapFromSrv(
  name: string,
  dnsServer?: string | DnsServer,
  options: BootstrapOptions = {},
): Promise<string[]> {
  const srvName = parseSrvName(name, 'bootstrap-srv');
  const servers =
    dnsServer === undefined
      ? systemDnsServers()
      : [typeof dnsServer === 'string' ? parseDnsServer(dnsServer) : dnsServer];
  const query = { servers, timeoutMs: options.timeoutMs ?? 2000 };
  const answer = await querySrv(srvName, query);
  return Promise.all(
    orderSrvRecords(answer.records).map(async (record) => {
      if (!options.resolveTargets) return `${record.target}:${record.port}`;
      const addresses = answer.addresses.get(record.target) ?? (await queryAddresses(record.target, query));
      const address = [...addresses].sort()[0] as string;
      return address.includes(':') ? `[${address}]:${record.port}` : `${address}:${record.port}`;
    }),
  );
}
