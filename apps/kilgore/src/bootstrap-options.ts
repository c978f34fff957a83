import { bootstrapFromSrv, parseDnsServer, SrvConfigError } from '@kilgore/discovery';
import { type Command, Option } from 'commander';

/** What the client commands share: where the cluster is. */
export interface BootstrapFlags {
  bootstrapServer?: string;
  bootstrapSrv?: string;
  dnsServer?: string;
  srvHosts?: 'target' | 'address';
}

/** Adds --bootstrap-server / --bootstrap-srv (one of them) and the DNS options to a command. */
export function addBootstrapOptions(cmd: Command): Command {
  return cmd
    .addOption(
      new Option('--bootstrap-server <host:port,...>', 'brokers to ask for metadata first').conflicts(
        'bootstrapSrv',
      ),
    )
    .addOption(
      new Option(
        '--bootstrap-srv <name>',
        'an SRV name whose targets are the brokers (e.g. _kafka._tcp.chain-a.kilgore.svc.cluster.local)',
      ),
    )
    .addOption(
      new Option(
        '--dns-server <host:port>',
        'the DNS server to ask for --bootstrap-srv (default: the system resolver)',
      ),
    )
    .addOption(
      new Option(
        '--srv-hosts <kind>',
        'connect to the SRV targets by name, or by the address that DNS server gives',
      )
        .choices(['target', 'address'])
        .default('target'),
    );
}

export class UsageError extends Error {}

/** The broker list for kafkajs, from --bootstrap-server or by asking DNS for --bootstrap-srv. */
export async function resolveBootstrap(flags: BootstrapFlags): Promise<string[]> {
  if (flags.bootstrapServer !== undefined) {
    const brokers = flags.bootstrapServer
      .split(',')
      .map((b) => b.trim())
      .filter((b) => b !== '');
    if (brokers.length === 0) throw new UsageError('--bootstrap-server: no broker given');
    return brokers;
  }
  if (flags.bootstrapSrv === undefined) throw new UsageError('give --bootstrap-server or --bootstrap-srv');
  try {
    const server = flags.dnsServer === undefined ? undefined : parseDnsServer(flags.dnsServer);
    return await bootstrapFromSrv(flags.bootstrapSrv, server, {
      resolveTargets: flags.srvHosts === 'address',
    });
  } catch (err) {
    if (err instanceof SrvConfigError) throw new UsageError(err.message);
    throw new Error(`--bootstrap-srv ${flags.bootstrapSrv}: ${(err as Error).message}`);
  }
}
