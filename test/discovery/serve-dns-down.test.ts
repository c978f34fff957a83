import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ClusterNode, freePort, sleep, waitFor } from '../support/cluster.js';
import { freeUdpTcpPort, startDnsmasq } from './support/dnsmasq.js';

// A node whose DNS server is down when it starts neither exits nor serves: it keeps asking (with
// back-off, logging each failure) and comes up as soon as DNS answers.

const SRV = '_kafka._tcp.chain-a.kilgore.local';

describe('kilgore serve with --chain-srv while DNS is down', () => {
  it('waits, saying why, and starts once DNS answers', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kilgore-dns-down-'));
    const dnsPort = await freeUdpTcpPort();
    const port = await freePort('127.0.0.1');
    const node = new ClusterNode(1, '127.0.0.1', port, dir);
    writeFileSync(
      node.configPath,
      [
        'logger.level=info',
        `kilgore.chain.srv=a=${SRV}`,
        `kilgore.dns.server=127.0.0.1:${dnsPort}`,
        'kilgore.srv.hosts=address',
        '',
      ].join('\n'),
    );
    let dns: Awaited<ReturnType<typeof startDnsmasq>> | undefined;
    try {
      node.spawn();
      await waitFor(
        'a logged lookup failure',
        () => (/lookup failed \(no membership yet\)/.test(node.output) ? true : undefined),
        20_000,
      );
      await sleep(3000); // several retries: still waiting, not exited, not listening
      expect(node.running, node.tail()).toBe(true);
      await expect(node.waitReady(200)).rejects.toThrow(/did not answer Metadata/);

      dns = await startDnsmasq(
        {
          srv: [{ name: SRV, target: 'kilgore-1.chain-a.kilgore.local', port }],
          hosts: { 'kilgore-1.chain-a.kilgore.local': '127.0.0.1' },
        },
        dnsPort,
      );
      const md = await node.waitReady(40_000);
      expect([...md.brokers].map((b) => `${b.nodeId}@${b.host}:${b.port}`)).toEqual([`1@127.0.0.1:${port}`]);
      expect(node.output).toMatch(/SRV discovery: first membership/);
    } finally {
      await node.signal('SIGKILL');
      await dns?.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);
});
