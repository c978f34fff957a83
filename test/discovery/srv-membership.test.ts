import {
  findSelf,
  formatChains,
  type Membership,
  parseDnsServer,
  type SrvMembershipOptions,
  SrvMembershipSource,
} from '@kilgore/discovery';
import { afterEach, describe, expect, it } from 'vitest';
import { type Dnsmasq, type DnsmasqRecords, type SrvEntry, startDnsmasq } from './support/dnsmasq.js';
import { startDnsProxy } from './support/fake-dns.js';
import { type LoggedLine, recordingLogger } from './support/recording-logger.js';

const A = '_kafka._tcp.chain-a.kilgore.local';
const B = '_kafka._tcp.chain-b.kilgore.local';

function node(name: string, chain: string, n: number, priority = 0): SrvEntry {
  return {
    name,
    target: `kilgore-${n}.chain-${chain}.kilgore.local`,
    port: 9090 + n,
    priority,
    weight: (n * 7) % 5,
  };
}
function records(srv: SrvEntry[], ttl = 1): DnsmasqRecords {
  const hosts = Object.fromEntries(
    srv.map((r) => [r.target, `127.0.0.${(Number(/(\d+)\./.exec(r.target)?.[1]) % 250) + 1}`]),
  );
  return { srv, hosts, ttl };
}
/** Resolves with the next membership the source reports. */
function nextChange(source: SrvMembershipSource, timeoutMs = 10_000): Promise<Membership> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no membership change within ${timeoutMs} ms`)),
      timeoutMs,
    );
    const off = source.onChange((m) => {
      clearTimeout(timer);
      off();
      resolve(m);
    });
  });
}
/** The first problem a warning lists, for matching. */
function firstProblem(line: LoggedLine | undefined): string {
  return String((line?.obj.problems as string[] | undefined)?.[0]);
}
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
async function dnsmasq(r: DnsmasqRecords): Promise<Dnsmasq> {
  const dns = await startDnsmasq(r);
  cleanups.push(() => dns.stop());
  return dns;
}
function source(options: SrvMembershipOptions): SrvMembershipSource {
  const s = new SrvMembershipSource(options);
  cleanups.push(() => s.stop());
  return s;
}
const fast = { floorMs: 100, ceilingMs: 5000, retryInitialMs: 50, retryMaxMs: 400 };

describe('SRV membership from a real dnsmasq', () => {
  it('builds ordered chains with node ids from per-chain SRV names', async () => {
    const dns = await dnsmasq(
      records([node(A, 'a', 3), node(A, 'a', 1), node(A, 'a', 2), node(B, 'b', 11), node(B, 'b', 10, 5)]),
    );
    const s = source({
      chains: [
        { chain: 'a', srvName: A, nodeIdOffset: 0 },
        { chain: 'b', srvName: B, nodeIdOffset: 0 },
      ],
      servers: [parseDnsServer(dns.server)],
    });
    await s.start();
    expect(formatChains(s.current() as Membership)).toBe(
      'a=1@kilgore-1.chain-a.kilgore.local:9091,2@kilgore-2.chain-a.kilgore.local:9092,3@kilgore-3.chain-a.kilgore.local:9093;' +
        'b=11@kilgore-11.chain-b.kilgore.local:9101,10@kilgore-10.chain-b.kilgore.local:9100',
    );
  });

  it('orders 12 nodes with equal priorities and mixed weights by ordinal, and gives addresses when asked', async () => {
    const srv = [7, 12, 1, 10, 3, 9, 2, 11, 5, 4, 8, 6].map((n) => node(A, 'a', n));
    const dns = await dnsmasq(records(srv));
    const s = source({
      chains: [{ chain: 'a', srvName: A, nodeIdOffset: 100 }],
      servers: [parseDnsServer(dns.server)],
      hosts: 'address',
    });
    await s.start();
    const members = s.current()?.chains[0]?.members ?? [];
    expect(members.map((m) => m.nodeId)).toEqual(Array.from({ length: 12 }, (_, i) => 101 + i));
    expect(members.map((m) => m.host)).toEqual(Array.from({ length: 12 }, (_, i) => `127.0.0.${i + 2}`));
    expect(findSelf(s.current() as Membership, { nodeId: 104 })?.index).toBe(3);
    expect(findSelf(s.current() as Membership, { host: '127.0.0.6', port: 9095 })?.member.nodeId).toBe(105);
    expect(findSelf(s.current() as Membership, { nodeId: 4 })).toBeUndefined();
  });

  it('splits one cluster SRV name into chains by the chain-<name> label', async () => {
    const C = '_kafka._tcp.kilgore.local';
    const dns = await dnsmasq(records([node(C, 'b', 4), node(C, 'a', 2), node(C, 'a', 1), node(C, 'b', 3)]));
    const s = source({ clusterSrv: C, servers: [parseDnsServer(dns.server)] });
    await s.start();
    expect(formatChains(s.current() as Membership).replace(/\.chain-.\.kilgore\.local/g, '')).toBe(
      'a=1@kilgore-1:9091,2@kilgore-2:9092;b=3@kilgore-3:9093,4@kilgore-4:9094',
    );
  });

  it('re-resolves on the TTL: dnsmasq restarted with a node removed, then added back, fires two changes', async () => {
    const full = [node(A, 'a', 1), node(A, 'a', 2), node(A, 'a', 3)];
    const dns = await dnsmasq(records(full, 1));
    const log = recordingLogger();
    const s = source({
      chains: [{ chain: 'a', srvName: A, nodeIdOffset: 0 }],
      servers: [parseDnsServer(dns.server)],
      timing: fast,
      log,
    });
    await s.start();
    expect(s.current()?.chains[0]?.members.map((m) => m.nodeId)).toEqual([1, 2, 3]);
    // A TTL of 1 s is above the 100 ms floor: the next lookup is due in 1 s.
    expect(log.lines.find((l) => l.msg === 'SRV discovery: resolved')?.obj).toMatchObject({
      ttl: 1,
      nextInMs: 1000,
    });

    let changed = nextChange(s);
    await dns.restart(records([full[0] as SrvEntry, full[2] as SrvEntry], 1));
    expect((await changed).chains[0]?.members.map((m) => m.nodeId)).toEqual([1, 3]);

    changed = nextChange(s);
    await dns.restart(records(full, 1));
    expect((await changed).chains[0]?.members.map((m) => m.nodeId)).toEqual([1, 2, 3]);
    expect(log.lines.filter((l) => l.msg === 'SRV discovery: membership changed')).toHaveLength(2);
  });

  it('never waits longer than the ceiling, whatever the TTL', async () => {
    const dns = await dnsmasq(records([node(A, 'a', 1)], 3600));
    const s = source({
      chains: [{ chain: 'a', srvName: A, nodeIdOffset: 0 }],
      servers: [parseDnsServer(dns.server)],
      timing: { ...fast, ceilingMs: 300 },
    });
    await s.start();
    const changed = nextChange(s, 5000);
    await dns.restart(records([node(A, 'a', 1), node(A, 'a', 2)], 3600));
    expect((await changed).chains[0]?.members).toHaveLength(2);
  });

  it('keeps the last good membership while dnsmasq is down, logs it, backs off, and never fires a change', async () => {
    const srv = [node(A, 'a', 1), node(A, 'a', 2)];
    const dns = await dnsmasq(records(srv, 1));
    const log = recordingLogger();
    const s = source({
      chains: [{ chain: 'a', srvName: A, nodeIdOffset: 0 }],
      servers: [parseDnsServer(dns.server)],
      timing: { ...fast, floorMs: 50 },
      timeoutMs: 100,
      log,
    });
    await s.start();
    const before = s.current();
    let changes = 0;
    s.onChange(() => changes++);
    await dns.stop();
    await sleep(2500);
    expect(s.current()).toBe(before);
    expect(changes).toBe(0);
    const failures = log.lines.filter((l) => l.level === 'warn');
    expect(failures.length).toBeGreaterThanOrEqual(3);
    expect(failures[0]?.msg).toMatch(/lookup failed \(keeping the last good membership\); retrying in 50 ms/);
    expect(firstProblem(failures[0])).toMatch(
      /chain a: DNS SRV _kafka._tcp.chain-a.kilgore.local at 127.0.0.1:\d+: timeout/,
    );
    // Back-off: the retry delays grow.
    const delays = failures.map((l) => l.obj.retryInMs as number);
    expect(delays.slice(0, 4)).toEqual([50, 100, 200, 400].slice(0, delays.slice(0, 4).length));

    // DNS back with the same records: no change; with a changed one: a change.
    await dns.restart(records(srv, 1));
    await s.refreshNow();
    expect(changes).toBe(0);
    const changed = nextChange(s);
    await dns.restart(records([node(A, 'a', 2)], 1));
    expect((await changed).chains[0]?.members.map((m) => m.nodeId)).toEqual([2]);
  });

  it('keeps the last good membership when the answer turns to garbage, NXDOMAIN or an empty answer', async () => {
    const dns = await dnsmasq(records([node(A, 'a', 1), node(A, 'a', 2)], 1));
    const proxy = await startDnsProxy(dns.port);
    cleanups.push(() => proxy.close());
    const log = recordingLogger();
    const s = source({
      chains: [{ chain: 'a', srvName: A, nodeIdOffset: 0 }],
      servers: [parseDnsServer(proxy.server)],
      timing: fast,
      log,
    });
    await s.start();
    const before = s.current();
    let changes = 0;
    s.onChange(() => changes++);
    proxy.mode = 'garbage';
    await s.refreshNow();
    proxy.mode = 'forward';
    await dns.restart(records([node(B, 'b', 5)], 1)); // the name is gone: NXDOMAIN
    await s.refreshNow();
    await dns.restart({ ...records([node(B, 'b', 5)], 1), hosts: { [A]: '127.0.0.9' } }); // the name is there, with no SRV
    await s.refreshNow();
    expect(s.current()).toBe(before);
    expect(changes).toBe(0);
    const problems = log.lines.filter((l) => l.level === 'warn').map(firstProblem);
    expect(problems[0]).toMatch(/garbage: undecodable reply/);
    expect(problems[1]).toMatch(/nxdomain/);
    expect(problems[2]).toMatch(/empty: the answer holds no SRV record/);
    // And once the records are back (changed), the change comes through the same proxy.
    const changed = nextChange(s);
    await dns.restart(records([node(A, 'a', 2)], 1));
    expect((await changed).chains[0]?.members.map((m) => m.nodeId)).toEqual([2]);
  });

  it('applies a change to one chain while another chain whose lookup fails keeps its members', async () => {
    const dns = await dnsmasq(records([node(A, 'a', 1), node(A, 'a', 2), node(B, 'b', 11)], 1));
    const log = recordingLogger();
    const s = source({
      chains: [
        { chain: 'a', srvName: A, nodeIdOffset: 0 },
        { chain: 'b', srvName: B, nodeIdOffset: 0 },
      ],
      servers: [parseDnsServer(dns.server)],
      timing: fast,
      log,
    });
    await s.start();
    const changed = nextChange(s);
    // Chain b's name is gone (NXDOMAIN) and chain a lost node 2, in the same answer set.
    await dns.restart(records([node(A, 'a', 1)], 1));
    expect(formatChains(await changed).replace(/\.chain-.\.kilgore\.local/g, '')).toBe(
      'a=1@kilgore-1:9091;b=11@kilgore-11:9101',
    );
    await s.refreshNow();
    expect(firstProblem(log.lines.filter((l) => l.level === 'warn').at(-1))).toMatch(/^chain b: .*nxdomain/);
  });

  // A refused answer (colliding ids) is never what a failing chain falls back to later.
  it('never falls back to an answer it refused', async () => {
    const dns = await dnsmasq(records([node(A, 'a', 1), node(B, 'b', 11)], 1));
    const log = recordingLogger();
    const s = source({
      chains: [
        { chain: 'a', srvName: A, nodeIdOffset: 0 },
        { chain: 'b', srvName: B, nodeIdOffset: 0 },
      ],
      servers: [parseDnsServer(dns.server)],
      timing: fast,
      log,
    });
    await s.start();
    const before = s.current();
    let changes = 0;
    s.onChange(() => changes++);
    // b now claims node 1 too: refused. Then b's lookups fail: b must stay 11, not become 1.
    await dns.restart(records([node(A, 'a', 1), { ...node(B, 'b', 1), port: 9201 }], 1));
    await s.refreshNow();
    await dns.restart(records([node(A, 'a', 1)], 1));
    await s.refreshNow();
    expect(s.current()).toBe(before);
    expect(changes).toBe(0);
  });

  it('refuses an answer in which two targets would share a node id', async () => {
    const dns = await dnsmasq(records([node(A, 'a', 1), node(B, 'b', 1)], 1));
    const log = recordingLogger();
    const s = source({
      chains: [
        { chain: 'a', srvName: A, nodeIdOffset: 0 },
        { chain: 'b', srvName: B, nodeIdOffset: 0 },
      ],
      servers: [parseDnsServer(dns.server)],
      timing: fast,
      log,
    });
    const started = s.start();
    await sleep(300);
    expect(s.current()).toBeUndefined();
    expect(log.lines.find((l) => l.level === 'warn')?.obj.problems).toEqual([
      expect.stringMatching(
        /node id 1 is claimed by kilgore-1.chain-a.kilgore.local:9091 \(chain a\) and kilgore-1.chain-b.kilgore.local:9091 \(chain b\)/,
      ),
    ]);
    await s.stop();
    await expect(started).rejects.toThrow(/stopped before the first answer/);
  });

  it('start() waits through DNS being down at boot, and resolves once it answers', async () => {
    const dns = await dnsmasq(records([node(A, 'a', 1)], 1));
    await dns.stop();
    const s = source({
      chains: [{ chain: 'a', srvName: A, nodeIdOffset: 0 }],
      servers: [parseDnsServer(dns.server)],
      timing: fast,
      timeoutMs: 100,
    });
    const started = s.start();
    await sleep(400);
    expect(s.current()).toBeUndefined();
    await dns.restart(records([node(A, 'a', 1)], 1));
    await started;
    expect(s.current()?.chains[0]?.members.map((m) => m.nodeId)).toEqual([1]);
  });
});
