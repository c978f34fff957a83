import { bootstrapFromSrv, SrvConfigError } from '@kilgore/discovery';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Dnsmasq, startDnsmasq } from './support/dnsmasq.js';

const NAME = '_kafka._tcp.kilgore.local';

describe('bootstrapFromSrv against a real dnsmasq', () => {
  let dns: Dnsmasq;
  beforeAll(async () => {
    dns = await startDnsmasq({
      srv: [10, 9, 1].map((n) => ({
        name: NAME,
        target: `kilgore-${n}.chain-a.kilgore.local`,
        port: 9000 + n,
      })),
      hosts: {
        'kilgore-1.chain-a.kilgore.local': '127.0.0.1',
        'kilgore-9.chain-a.kilgore.local': '127.0.0.9',
        'kilgore-10.chain-a.kilgore.local': '127.0.0.10',
      },
    });
  });
  afterAll(async () => {
    await dns?.stop();
  });

  it('lists host:port of every target, in chain order', async () => {
    expect(await bootstrapFromSrv(NAME, dns.server)).toEqual([
      'kilgore-1.chain-a.kilgore.local:9001',
      'kilgore-9.chain-a.kilgore.local:9009',
      'kilgore-10.chain-a.kilgore.local:9010',
    ]);
  });

  it('gives addresses when the names are only known to that DNS server', async () => {
    expect(await bootstrapFromSrv(NAME, dns.server, { resolveTargets: true })).toEqual([
      '127.0.0.1:9001',
      '127.0.0.9:9009',
      '127.0.0.10:9010',
    ]);
  });

  it('fails with the DNS reason, and rejects a bad name before asking', async () => {
    await expect(bootstrapFromSrv('_kafka._tcp.none.kilgore.local', dns.server)).rejects.toThrow(/nxdomain/);
    await expect(bootstrapFromSrv('not a name', dns.server)).rejects.toThrow(SrvConfigError);
  });
});
