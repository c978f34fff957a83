/**
 * Membership from DNS SRV records: one SRV name per chain (or one for the cluster), re-resolved
 * when the answer's TTL runs out. A failed lookup (NXDOMAIN, SERVFAIL, timeout, garbage, an empty
 * answer, an answer that breaks the node id rule) never changes the membership: the last good
 * answer stays, the failure is logged, and the lookup is retried with exponential back-off.
 * Nothing thrown in here leaves the timer.
 */
import type { DiscoveryLogger } from './logger.js';
import { silentLogger } from './logger.js';
import {
  type Chain,
  type ChainMember,
  type Membership,
  type MembershipSource,
  sameMembership,
} from './membership.js';
import type { ChainSrvName } from './srv-config.js';
import {
  DnsLookupError,
  type DnsQueryOptions,
  type DnsServer,
  formatDnsServer,
  queryAddresses,
  querySrv,
  type SrvAnswer,
  type SrvRecord,
  systemDnsServers,
} from './srv-dns.js';
import { chainOfTarget, nodeIdForTarget, orderSrvRecords } from './srv-order.js';
import { DEFAULT_REFRESH_TIMING, type RefreshTiming, refreshDelayMs, retryDelayMs } from './srv-refresh.js';
import { formatChains } from './static.js';

export interface SrvMembershipOptions {
  /** One SRV name per chain. Either this or `clusterSrv`. */
  chains?: ChainSrvName[];
  /** One SRV name for the whole cluster; targets carry their chain in a `chain-<name>` label. */
  clusterSrv?: string;
  /** DNS servers to ask; default: the system's (/etc/resolv.conf). */
  servers?: DnsServer[];
  /**
   * What a member's host is: `target` (default), the SRV target name, which clients must be able
   * to resolve (Kubernetes pod names are); `address`, the target's address as the same DNS server
   * gives it, for names only that server knows (a local dnsmasq).
   */
  hosts?: 'target' | 'address';
  timing?: Partial<RefreshTiming>;
  /** Per DNS question. */
  timeoutMs?: number;
  log?: DiscoveryLogger;
}

/** A lookup that gave nothing usable, with why. */
class RefreshFailure extends Error {}

export class SrvMembershipSource implements MembershipSource {
  private readonly chainNames: ChainSrvName[];
  private readonly clusterSrv: string | undefined;
  private readonly query: DnsQueryOptions;
  private readonly hosts: 'target' | 'address';
  private readonly timing: RefreshTiming;
  private readonly log: DiscoveryLogger;
  private membership: Membership | undefined;
  private readonly listeners = new Set<(membership: Membership) => void>();
  private timer: NodeJS.Timeout | undefined;
  private failures = 0;
  private running: Promise<void> | undefined;
  private stopped = false;
  private started: Promise<void> | undefined;
  private settleStart: { resolve: () => void; reject: (err: Error) => void } | undefined;

  constructor(options: SrvMembershipOptions) {
    if (
      (options.chains === undefined || options.chains.length === 0) ===
      (options.clusterSrv === undefined)
    ) {
      throw new Error('SRV discovery needs either per-chain SRV names or one cluster SRV name');
    }
    this.chainNames = options.chains ?? [];
    this.clusterSrv = options.clusterSrv;
    const servers = options.servers ?? systemDnsServers();
    this.query = { servers, timeoutMs: options.timeoutMs ?? 2000 };
    this.hosts = options.hosts ?? 'target';
    this.timing = { ...DEFAULT_REFRESH_TIMING, ...options.timing };
    this.log = options.log ?? silentLogger;
  }

  current(): Membership | undefined {
    return this.membership;
  }

  onChange(listener: (membership: Membership) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves once the first complete answer is in; keeps retrying (and logging) until then. */
  start(): Promise<void> {
    if (this.started === undefined) {
      this.started = new Promise<void>((resolve, reject) => {
        this.settleStart = { resolve, reject };
      });
      this.log.info(
        { srv: this.describeNames(), dnsServers: this.query.servers.map(formatDnsServer) },
        'SRV discovery: resolving the chains',
      );
      this.schedule(0);
    }
    return this.started;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.settleStart?.reject(new Error('SRV discovery stopped before the first answer'));
    this.settleStart = undefined;
    await this.running;
  }

  /** Resolves now instead of waiting for the timer (tests, and an operator's nudge). */
  async refreshNow(): Promise<void> {
    clearTimeout(this.timer);
    await this.running;
    await this.tick();
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), delayMs);
    // Until the first answer the retry timer is all that keeps a starting node alive (nothing
    // listens yet); after it, the timer must not hold a process open that is otherwise done.
    if (this.membership !== undefined) this.timer.unref?.();
  }

  private tick(): Promise<void> {
    const run = this.refresh().catch((err: unknown) => {
      // refresh() handles its own failures; this is the last guard so a bug never kills the node.
      this.log.error({ err }, 'SRV discovery: unexpected error; retrying');
      this.schedule(retryDelayMs(++this.failures, this.timing));
    });
    this.running = run;
    return run;
  }

  private async refresh(): Promise<void> {
    if (this.stopped) return;
    let ttl = Number.POSITIVE_INFINITY;
    const problems: string[] = [];
    try {
      const chains =
        this.clusterSrv !== undefined
          ? await this.resolveCluster(this.clusterSrv, problems)
          : await this.resolveChains(problems);
      ttl = chains.ttl;
      if (chains.chains.length === 0) throw new RefreshFailure('no chain has any member yet');
      checkNodeIds(chains.chains);
      this.apply({ chains: chains.chains });
    } catch (err) {
      problems.push(err instanceof Error ? err.message : String(err));
    }
    if (this.stopped) return;
    if (problems.length === 0) {
      this.failures = 0;
      const nextInMs = refreshDelayMs(ttl, this.timing);
      this.log.debug({ ttl, nextInMs }, 'SRV discovery: resolved');
      this.schedule(nextInMs);
      return;
    }
    this.failures++;
    const retryInMs = retryDelayMs(this.failures, this.timing);
    const keeping = this.membership === undefined ? 'no membership yet' : 'keeping the last good membership';
    this.log.warn(
      {
        problems,
        failures: this.failures,
        retryInMs,
        membership: this.membership && formatChains(this.membership),
      },
      `SRV discovery: lookup failed (${keeping}); retrying in ${retryInMs} ms`,
    );
    this.schedule(retryInMs);
  }

  /**
   * One lookup per chain; a chain whose lookup fails keeps its members from the membership in
   * force (the last good answer that was applied, never one refused by the checks).
   */
  private async resolveChains(problems: string[]): Promise<{ chains: Chain[]; ttl: number }> {
    let ttl = Number.POSITIVE_INFINITY;
    const fresh = new Map<string, Chain>();
    await Promise.all(
      this.chainNames.map(async (name) => {
        try {
          const answer = await querySrv(name.srvName, this.query);
          ttl = Math.min(ttl, answer.ttl);
          const members = await this.members(orderSrvRecords(answer.records), answer, name.nodeIdOffset);
          fresh.set(name.chain, { name: name.chain, members });
        } catch (err) {
          problems.push(`chain ${name.chain}: ${describeError(err)}`);
        }
      }),
    );
    const chains: Chain[] = [];
    for (const name of this.chainNames) {
      const chain = fresh.get(name.chain) ?? this.membership?.chains.find((c) => c.name === name.chain);
      if (chain === undefined) throw new RefreshFailure(`chain ${name.chain} has never resolved`);
      chains.push(chain);
    }
    return { chains, ttl };
  }

  /** One lookup for the cluster; targets are split into chains by their `chain-<name>` label. */
  private async resolveCluster(
    srvName: string,
    problems: string[],
  ): Promise<{ chains: Chain[]; ttl: number }> {
    let answer: SrvAnswer;
    try {
      answer = await querySrv(srvName, this.query);
    } catch (err) {
      throw new RefreshFailure(describeError(err));
    }
    const byChain = new Map<string, SrvRecord[]>();
    for (const record of answer.records) {
      const chain = chainOfTarget(record.target);
      if (chain === undefined) {
        problems.push(`${record.target} has no chain-<name> label; ignored`);
        continue;
      }
      byChain.set(chain, [...(byChain.get(chain) ?? []), record]);
    }
    const chains: Chain[] = [];
    for (const [name, records] of [...byChain].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      chains.push({ name, members: await this.members(orderSrvRecords(records), answer, 0) });
    }
    if (problems.length > 0) throw new RefreshFailure('the answer breaks the naming rule');
    return { chains, ttl: answer.ttl };
  }

  private async members(records: SrvRecord[], answer: SrvAnswer, offset: number): Promise<ChainMember[]> {
    return Promise.all(
      records.map(async (record) => ({
        nodeId: nodeIdForTarget(record.target, offset),
        host: this.hosts === 'target' ? record.target : await this.addressOf(record.target, answer),
        port: record.port,
      })),
    );
  }

  /** The lowest address (so every node picks the same one) from the answer, else asked for. */
  private async addressOf(target: string, answer: SrvAnswer): Promise<string> {
    const given = answer.addresses.get(target) ?? (await queryAddresses(target, this.query));
    return [...given].sort()[0] as string;
  }

  private apply(next: Membership): void {
    const previous = this.membership;
    if (previous !== undefined && sameMembership(previous, next)) return;
    this.membership = next;
    this.log.info(
      { membership: formatChains(next), previous: previous && formatChains(previous) },
      previous === undefined ? 'SRV discovery: first membership' : 'SRV discovery: membership changed',
    );
    this.settleStart?.resolve();
    this.settleStart = undefined;
    if (previous === undefined) return; // start() resolving is the first notice
    for (const listener of this.listeners) {
      try {
        listener(next);
      } catch (err) {
        this.log.error({ err }, 'SRV discovery: a membership listener threw');
      }
    }
  }

  private describeNames(): string {
    return this.clusterSrv ?? this.chainNames.map((c) => `${c.chain}=${c.srvName}`).join(',');
  }
}

/** Two targets with one node id would make two nodes claim one identity: refuse the answer. */
function checkNodeIds(chains: Chain[]): void {
  const owner = new Map<number, string>();
  for (const chain of chains) {
    for (const member of chain.members) {
      const where = `${member.host}:${member.port} (chain ${chain.name})`;
      const other = owner.get(member.nodeId);
      if (other !== undefined) {
        throw new RefreshFailure(
          `node id ${member.nodeId} is claimed by ${other} and ${where}: number the targets apart, or give a chain an id offset (chain=NAME+100)`,
        );
      }
      owner.set(member.nodeId, where);
    }
  }
}

function describeError(err: unknown): string {
  return err instanceof DnsLookupError || err instanceof Error ? err.message : String(err);
}
