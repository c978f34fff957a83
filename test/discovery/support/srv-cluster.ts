/**
 * Kilgore node processes that know only an SRV name: each on 127.0.0.N, its config file naming
 * the SRV name and the DNS server (a relay in front of dnsmasq, so a test can make DNS answer
 * garbage or nothing). dnsmasq serves kilgore-N.chain-a.kilgore.local -> 127.0.0.N:port; a test
 * changes the membership by restarting dnsmasq with another record set, never by touching the
 * nodes.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ChainCluster, ClusterNode, freePort } from '../../support/cluster.js';
import { metadata } from '../../support/wire.js';
import { type Dnsmasq, type DnsmasqRecords, startDnsmasq } from './dnsmasq.js';
import { type DnsProxy, startDnsProxy } from './fake-dns.js';

export const SRV_NAME = '_kafka._tcp.chain-a.kilgore.local';

export class SrvCluster {
  readonly nodes = new Map<number, ClusterNode>();

  private constructor(
    readonly root: string,
    readonly dns: Dnsmasq,
    readonly proxy: DnsProxy,
  ) {}

  /** dnsmasq with SRV records for `ids`, the relay, and one node process per id (not yet waited for). */
  static async start(ids: number[], settings: Record<string, string> = {}): Promise<SrvCluster> {
    const root = mkdtempSync(join(tmpdir(), 'kilgore-srv-'));
    const ports = new Map<number, number>();
    for (const id of ids) ports.set(id, await freePort(`127.0.0.${id}`));
    const records = (members: number[]): DnsmasqRecords => ({
      ttl: 1,
      srv: members.map((id) => ({ name: SRV_NAME, target: target(id), port: ports.get(id) as number })),
      hosts: Object.fromEntries(members.map((id) => [target(id), `127.0.0.${id}`])),
    });
    // Nothing ran yet that a post-mortem would need: a missing dnsmasq leaves no empty dir behind.
    let dns: Dnsmasq | undefined;
    let proxy: DnsProxy;
    try {
      dns = await startDnsmasq(records(ids));
      proxy = await startDnsProxy(dns.port);
    } catch (err) {
      await dns?.stop();
      rmSync(root, { recursive: true, force: true });
      throw err;
    }
    const cluster = new SrvCluster(root, dns, proxy);
    cluster.records = records;
    for (const id of ids) {
      const dir = join(root, `node-${id}`);
      mkdirSync(dir, { recursive: true });
      const node = new ClusterNode(id, `127.0.0.${id}`, ports.get(id) as number, dir);
      writeFileSync(
        node.configPath,
        [
          `logger.level=${process.env.KILGORE_TEST_LOG ?? 'info'}`,
          `kilgore.chain.srv=a=${SRV_NAME}`,
          `kilgore.dns.server=${proxy.server}`,
          'kilgore.srv.hosts=address',
          'kilgore.srv.refresh.min.ms=200',
          'kilgore.srv.refresh.max.ms=2000',
          ...Object.entries(settings).map(([k, v]) => `${k}=${v}`),
          '',
        ].join('\n'),
      );
      cluster.nodes.set(id, node);
      node.spawn();
    }
    return cluster;
  }

  private records: (members: number[]) => DnsmasqRecords = () => {
    throw new Error('not started');
  };

  /** Restarts dnsmasq serving only `members` (the chain as DNS now tells it). */
  async setDnsMembers(members: number[]): Promise<void> {
    for (const n of this.nodes.values()) n.note(`DNS now lists ${members.join(',')}`);
    await this.dns.restart(this.records(members));
  }

  async waitReady(): Promise<void> {
    await Promise.all([...this.nodes.values()].map((n) => n.waitReady()));
  }

  node(id: number): ClusterNode {
    const n = this.nodes.get(id);
    if (n === undefined) throw new Error(`no node ${id}`);
    return n;
  }

  get bootstrap(): string[] {
    return [...this.nodes.values()].map((n) => n.bootstrap);
  }

  metadataFrom(id: number, topics?: string[]) {
    return metadata(this.node(id).address, topics);
  }

  /**
   * The shape test/support/chain-views.ts reads (nodes, node(), metadataFrom(), bootstrap), so
   * its placement, committed and disk views work on this cluster too.
   */
  asChainCluster(): ChainCluster {
    return this as unknown as ChainCluster;
  }

  outputs(chars = 6000): string {
    return [...this.nodes.values()]
      .map((n) => `===== node ${n.nodeId} (${n.bootstrap}) =====\n${n.tail(chars)}`)
      .join('\n');
  }

  /** Kills the nodes and DNS; keeps the directories when `keep` (a failed test's post-mortem). */
  async close(keep: boolean): Promise<void> {
    await Promise.all([...this.nodes.values()].map((n) => n.signal('SIGKILL')));
    await this.proxy.close();
    await this.dns.stop();
    if (!keep) rmSync(this.root, { recursive: true, force: true });
  }
}

function target(id: number): string {
  return `kilgore-${id}.chain-a.kilgore.local`;
}
