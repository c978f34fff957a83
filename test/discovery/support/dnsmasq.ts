/**
 * A real dnsmasq serving SRV records on a free loopback port (UDP and TCP), for discovery tests.
 * It answers only from its command line: no /etc/hosts, no upstream, NXDOMAIN for unknown names
 * under the local domain.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import { requireTool } from '../../support/tools.js';

export interface SrvEntry {
  /** e.g. `_kafka._tcp.chain-a.kilgore.local` */
  name: string;
  /** '' for "." (the service is declared unavailable). */
  target: string;
  port: number;
  priority?: number;
  weight?: number;
}

export interface DnsmasqRecords {
  srv: SrvEntry[];
  /** target name -> IPv4 address (`--host-record`), so targets can resolve to 127.0.0.x. */
  hosts?: Record<string, string>;
  /** The TTL of every answer, in seconds (`--local-ttl`). */
  ttl?: number;
  /** Unknown names under this domain are NXDOMAIN (`--local=/domain/`). */
  domain?: string;
}

export interface Dnsmasq {
  port: number;
  /** `127.0.0.1:port` */
  server: string;
  /** Stops it; the port stays this helper's, so `restart` can bring it back on the same one. */
  stop(): Promise<void>;
  /** Stops it and starts it again on the same port with a new record set. */
  restart(records: DnsmasqRecords): Promise<void>;
}

const DNSMASQ = '/usr/sbin/dnsmasq';

export async function startDnsmasq(records: DnsmasqRecords, port?: number): Promise<Dnsmasq> {
  const binary = requireTool(DNSMASQ, 'dnsmasq-base');
  const chosen = port ?? (await freeUdpTcpPort());
  let child: ChildProcess | undefined = await launch(binary, chosen, records);
  const stop = async () => {
    const running = child;
    child = undefined;
    if (running === undefined || running.exitCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGTERM');
    await exited;
  };
  return {
    port: chosen,
    server: `127.0.0.1:${chosen}`,
    stop,
    async restart(next) {
      await stop();
      child = await launch(binary, chosen, next);
    },
  };
}

export function dnsmasqArgs(port: number, records: DnsmasqRecords): string[] {
  const args = [
    '--keep-in-foreground',
    '--no-resolv',
    '--no-hosts',
    '--conf-file=/dev/null',
    '--pid-file=',
    `--port=${port}`,
    '--listen-address=127.0.0.1',
    '--bind-interfaces',
    '--log-facility=-',
    `--local-ttl=${records.ttl ?? 1}`,
    `--local=/${records.domain ?? 'kilgore.local'}/`,
  ];
  for (const r of records.srv) {
    // An empty target is RFC 2782's "." (service not available): dnsmasq's --srv-host=NAME alone.
    const record =
      r.target === '' ? r.name : `${r.name},${r.target},${r.port},${r.priority ?? 0},${r.weight ?? 0}`;
    args.push(`--srv-host=${record}`);
  }
  for (const [name, address] of Object.entries(records.hosts ?? {}))
    args.push(`--host-record=${name},${address}`);
  return args;
}

async function launch(binary: string, port: number, records: DnsmasqRecords): Promise<ChildProcess> {
  const child = spawn(binary, dnsmasqArgs(port, records), { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  // dnsmasq logs "started" once its sockets are bound; anything else first is a failure.
  const deadline = Date.now() + 10_000;
  while (!/started, version/.test(stderr)) {
    if (child.exitCode !== null) throw new Error(`dnsmasq exited (${child.exitCode}): ${stderr}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`dnsmasq did not start within 10 s: ${stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return child;
}

/** A port free for both UDP and TCP on 127.0.0.1 right now. */
export async function freeUdpTcpPort(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const udp = createSocket('udp4');
    const port = await new Promise<number>((resolve, reject) => {
      udp.once('error', reject);
      udp.bind(0, '127.0.0.1', () => resolve(udp.address().port));
    });
    const tcpFree = await new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    udp.close();
    if (tcpFree) return port;
  }
  throw new Error('no port free for both UDP and TCP on 127.0.0.1');
}
