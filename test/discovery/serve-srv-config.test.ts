import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildDiscoveryConfig, ConfigError, loadConfig } from '@kilgore/broker';
import { describe, expect, it } from 'vitest';

const MAIN = fileURLToPath(new URL('../../apps/kilgore/dist/main.js', import.meta.url));
const discovery = (flags: Record<string, string>, env: Record<string, string> = {}) =>
  buildDiscoveryConfig(loadConfig({ flags, env }).config.settings);

describe('SRV discovery settings', () => {
  it('reads --chain-srv, --dns-server, --srv-hosts and the refresh bounds', () => {
    expect(
      discovery({
        'chain.srv': 'a=_kafka._tcp.chain-a.kilgore.local,b=_kafka._tcp.chain-b.kilgore.local+100',
        'dns.server': '127.0.0.1:5353',
        'srv.hosts': 'address',
        'srv.refresh.min.ms': '250',
      }),
    ).toEqual({
      chains: [
        { chain: 'a', srvName: '_kafka._tcp.chain-a.kilgore.local', nodeIdOffset: 0 },
        { chain: 'b', srvName: '_kafka._tcp.chain-b.kilgore.local', nodeIdOffset: 100 },
      ],
      dnsServers: [{ host: '127.0.0.1', port: 5353 }],
      hosts: 'address',
      refreshMinMs: 250,
      refreshMaxMs: 60_000,
    });
  });

  it('takes the cluster form from the environment, and is off when neither is set', () => {
    expect(discovery({}, { KILGORE_CLUSTER_SRV: '_kafka._tcp.kilgore.local' })).toMatchObject({
      clusterSrv: '_kafka._tcp.kilgore.local',
      hosts: 'target',
    });
    expect(discovery({})).toBeUndefined();
  });

  it.each([
    [
      { 'chain.srv': 'a=bad name' },
      /kilgore.chain.srv \(from --chain-srv\): chain-srv: "bad name" \(chain a\) is not a DNS name/,
    ],
    [{ 'chain.srv': 'a=x.local', 'cluster.srv': 'y.local' }, /not both/],
    [{ 'chain.srv': 'a=x.local', chains: 'a=1@127.0.0.1:9092' }, /kilgore.chains .*not both/],
    [{ 'chain.srv': 'a=x.local', 'dns.server': '127.0.0.1:0' }, /kilgore.dns.server .*expected host:port/],
    [
      { 'chain.srv': 'a=x.local', 'srv.refresh.min.ms': '5000', 'srv.refresh.max.ms': '100' },
      /must not be below/,
    ],
  ])('refuses %j with a message naming the setting', (flags, message) => {
    expect(() => discovery(flags)).toThrow(ConfigError);
    expect(() => discovery(flags)).toThrow(message);
  });

  it('makes kilgore serve exit 2 with the message, before it listens', () => {
    if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: build first (npx tsc -b)`);
    const dir = mkdtempSync(join(tmpdir(), 'kilgore-srv-config-'));
    try {
      const run = spawnSync(
        process.execPath,
        [
          MAIN,
          'serve',
          '--log-dir',
          dir,
          '--listeners',
          'PLAINTEXT://127.0.0.1:0',
          '--chain-srv',
          'a=x.local+',
          '--logger-level',
          'silent',
        ],
        { encoding: 'utf8', timeout: 20_000 },
      );
      expect(run.status).toBe(2);
      expect(run.stderr).toMatch(
        /^kilgore: Invalid configuration kilgore.chain.srv \(from --chain-srv\): .*is not a DNS name\n$/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
