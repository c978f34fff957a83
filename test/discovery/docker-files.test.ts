/**
 * No Docker engine runs here, so the deployment files are checked for what can be checked: they
 * parse, they agree with each other and with the SRV rules (the node ids the zone file implies are
 * the --node-id each container gets), the image runs as non-root with a health check and a data
 * volume, every flag they pass is one `kilgore serve` knows, and the health check script works
 * against a real broker.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { nodeIdForTarget, orderSrvRecords, type SrvRecord } from '@kilgore/discovery';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { serveCommand } from '../../apps/kilgore/src/serve.js';
import { startTestBroker } from '../support/broker.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const read = (path: string) => readFileSync(`${root}${path}`, 'utf8');

interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string };
  command?: string[];
  volumes?: string[];
  networks?: Record<string, { ipv4_address?: string; aliases?: string[] }> | string[];
  depends_on?: string[];
  profiles?: string[];
}

/** `--name=value` arguments as a map. */
function flags(args: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const arg of args) {
    const m = /^--([a-z-]+)=(.*)$/.exec(arg);
    if (m) out.set(m[1] as string, m[2] as string);
  }
  return out;
}

/** SRV and A records of a zone file (the simple one-record-a-line form ours uses). */
function zoneRecords(zone: string): { srv: Map<string, SrvRecord[]>; a: Map<string, string> } {
  const origin = /^\$ORIGIN\s+(\S+)/m.exec(zone)?.[1] ?? '';
  const fqdn = (name: string) => (name.endsWith('.') ? name : `${name}.${origin}`).replace(/\.$/, '');
  const srv = new Map<string, SrvRecord[]>();
  const a = new Map<string, string>();
  for (const line of zone.split('\n')) {
    const s = /^(\S+)\s+IN\s+SRV\s+(\d+)\s+(\d+)\s+(\d+)\s+(\S+)/.exec(line);
    if (s) {
      const name = fqdn(s[1] as string);
      const record = {
        priority: Number(s[2]),
        weight: Number(s[3]),
        port: Number(s[4]),
        target: fqdn(s[5] as string),
        ttl: 5,
      };
      srv.set(name, [...(srv.get(name) ?? []), record]);
    }
    const r = /^(\S+)\s+IN\s+A\s+(\S+)/.exec(line);
    if (r) a.set(fqdn(r[1] as string), r[2] as string);
  }
  return { srv, a };
}

describe('docker/compose.yaml and the CoreDNS zone', () => {
  const compose = parse(read('docker/compose.yaml'), { merge: true }) as {
    services: Record<string, ComposeService>;
    volumes: Record<string, unknown>;
  };
  const zone = zoneRecords(read('docker/coredns/kilgore.local.zone'));
  const nodes = Object.entries(compose.services).filter(([name]) => /^kilgore-\d+$/.test(name));
  const dnsAddress = () =>
    (compose.services.dns?.networks as Record<string, { ipv4_address?: string }> | undefined)?.kilgore
      ?.ipv4_address;

  it('runs three nodes from the image built by docker/Dockerfile, plus CoreDNS', () => {
    expect(nodes).toHaveLength(3);
    expect(compose.services.dns?.image).toMatch(/^coredns\/coredns:/);
    for (const [, service] of nodes) {
      expect(service.build).toEqual({ context: '..', dockerfile: 'docker/Dockerfile' });
      expect(service.depends_on).toContain('dns');
    }
    expect(read('docker/coredns/Corefile')).toContain('file /etc/coredns/kilgore.local.zone');
  });

  it('gives each node the id, name and address the SRV records imply', () => {
    for (const [name, service] of nodes) {
      const f = flags(service.command ?? []);
      const chainSrv = f.get('chain-srv') ?? '';
      const [chain, srvName] = chainSrv.split('=');
      expect(chain).toBe('a');
      const records = orderSrvRecords(zone.srv.get(srvName as string) ?? []);
      expect(records.map((r) => nodeIdForTarget(r.target))).toEqual([1, 2, 3]);
      const nodeId = Number(f.get('node-id'));
      const own = records.find((r) => nodeIdForTarget(r.target) === nodeId);
      expect(own, `${name}: no SRV target for node ${nodeId}`).toBeDefined();
      const network = (service.networks as Record<string, { ipv4_address: string; aliases: string[] }>)
        .kilgore;
      expect(network?.aliases).toEqual([own?.target]);
      expect(f.get('advertised-listeners')).toBe(`PLAINTEXT://${own?.target}:${own?.port}`);
      expect(zone.a.get(own?.target as string)).toBe(network?.ipv4_address);
      expect(f.get('dns-server')).toBe(`${dnsAddress()}:53`);
      expect(f.get('log-dir')).toBe('/data');
      const volume = (service.volumes?.[0] ?? '').split(':');
      expect(volume[1]).toBe('/data');
      expect(compose.volumes).toHaveProperty(volume[0] as string);
    }
  });
});

describe('docker/k8s/kilgore.yaml', () => {
  const docs = parseAllDocuments(read('docker/k8s/kilgore.yaml')).map((d) => d.toJS());
  const service = docs.find((d) => d.kind === 'Service');
  const set = docs.find((d) => d.kind === 'StatefulSet');

  it('pairs a headless Service with a named kafka port and a StatefulSet governed by it', () => {
    expect(service.spec.clusterIP).toBe('None');
    expect(service.spec.publishNotReadyAddresses).toBe(true);
    expect(service.spec.ports).toContainEqual(
      expect.objectContaining({ name: 'kafka', protocol: 'TCP', port: 9092 }),
    );
    expect(set.spec.serviceName).toBe(service.metadata.name);
    expect(set.spec.selector.matchLabels).toEqual(service.spec.selector);
    expect(set.spec.template.metadata.labels).toMatchObject(service.spec.selector);
    expect(set.spec.template.spec.securityContext.runAsNonRoot).toBe(true);
  });

  it('asks for the SRV name Kubernetes publishes for that port, and advertises the pod name', () => {
    const container = set.spec.template.spec.containers[0];
    const f = flags(container.args);
    expect(f.get('chain-srv')).toBe(
      `a=_kafka._tcp.${service.metadata.name}.$(POD_NAMESPACE).svc.cluster.local`,
    );
    expect(f.get('advertised-listeners')).toBe(
      `PLAINTEXT://$(POD_NAME).${service.metadata.name}.$(POD_NAMESPACE).svc.cluster.local:9092`,
    );
    expect(f.get('node-id')).toBe('$(POD_INDEX)');
    // The pod's ordinal is what the SRV node id rule reads from its name.
    expect(nodeIdForTarget(`${set.metadata.name}-2.${service.metadata.name}.kilgore.svc.cluster.local`)).toBe(
      2,
    );
    expect(container.volumeMounts).toContainEqual({ name: 'data', mountPath: '/data' });
  });
});

describe('docker/Dockerfile', () => {
  const dockerfile = read('docker/Dockerfile');

  it('builds in one node:24-slim stage and runs in another as a non-root user, with a health check and /data', () => {
    expect(dockerfile.match(/^FROM node:24-slim/gm)).toHaveLength(2);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^VOLUME \["\/data"\]$/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK .*\n\s+CMD \["node", "\/app\/docker\/healthcheck.mjs"\]/m);
    for (const [, source] of dockerfile.matchAll(/^COPY (?!--from)(?:--\S+ )*(\S+)/gm)) {
      expect(existsSync(`${root}${source}`), `COPY source ${source}`).toBe(true);
    }
  });
});

describe('docker/healthcheck.mjs', () => {
  const check = (port: number) =>
    new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [`${root}docker/healthcheck.mjs`], {
        env: { ...process.env, KILGORE_HEALTH_PORT: String(port) },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
      });
      child.on('exit', (code) => resolve({ code, stderr }));
    });

  it('passes against a running broker and fails once it is gone', async () => {
    const broker = await startTestBroker();
    const port = Number(broker.bootstrap.split(':')[1]);
    try {
      expect(await check(port)).toEqual({ code: 0, stderr: '' });
    } finally {
      await broker.stop();
    }
    const down = await check(port);
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/^unhealthy: .*ECONNREFUSED/);
  });
});

describe('the flags the deployment files pass', () => {
  it('are all options of kilgore serve', () => {
    const known = new Set(serveCommand().options.map((o) => o.long));
    const compose = parse(read('docker/compose.yaml'), { merge: true }) as {
      services: Record<string, ComposeService>;
    };
    const k8s = parseAllDocuments(read('docker/k8s/kilgore.yaml')).map((d) => d.toJS());
    const used = [
      ...Object.entries(compose.services)
        .filter(([name]) => /^kilgore-\d+$/.test(name))
        .flatMap(([, s]) => s.command ?? []),
      ...k8s
        .filter((d) => d.kind === 'StatefulSet')
        .flatMap((d) => d.spec.template.spec.containers[0].args as string[]),
      ...[...read('scripts/local-chain.sh').matchAll(/^\s+(--[a-z-]+) /gm)].map((m) => m[1] as string),
    ]
      .filter((arg) => arg.startsWith('--'))
      .map((arg) => arg.split('=')[0] as string);
    expect(used.length).toBeGreaterThan(20);
    expect(new Set(used.filter((flag) => !known.has(flag)))).toEqual(new Set());
    for (const flag of ['--chain-srv', '--dns-server', '--srv-hosts', '--node-id'])
      expect(used).toContain(flag);
  });
});
