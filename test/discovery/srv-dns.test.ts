import { DnsLookupError, parseDnsServer, queryAddresses, querySrv } from '@kilgore/discovery';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Dnsmasq, startDnsmasq } from './support/dnsmasq.js';
import { garbageFor, startFakeDns } from './support/fake-dns.js';

const NAME = '_kafka._tcp.chain-a.kilgore.local';
const MANY = '_kafka._tcp.many.kilgore.local';
const NONE = '_kafka._tcp.none.kilgore.local';

describe('SRV questions to a real dnsmasq', () => {
  let dns: Dnsmasq;
  beforeAll(async () => {
    dns = await startDnsmasq({
      ttl: 7,
      srv: [
        { name: NONE, target: '', port: 0 },
        { name: NAME, target: 'kilgore-2.chain-a.kilgore.local', port: 9093, priority: 0, weight: 50 },
        { name: NAME, target: 'kilgore-1.chain-a.kilgore.local', port: 9092, priority: 0, weight: 10 },
        // Enough long targets that the answer cannot fit a 512-byte datagram.
        ...Array.from({ length: 40 }, (_, i) => ({
          name: MANY,
          target: `a-rather-long-host-name-for-truncation-${i}.chain-many.kilgore.local`,
          port: 9000 + i,
        })),
      ],
      hosts: {
        'kilgore-1.chain-a.kilgore.local': '127.0.0.1',
        'kilgore-2.chain-a.kilgore.local': '127.0.0.2',
      },
    });
  });
  afterAll(async () => {
    await dns?.stop();
  });
  const servers = () => [parseDnsServer(dns.server)];

  it('returns the records with their ports, weights and TTL, and the addresses dnsmasq adds', async () => {
    const answer = await querySrv(NAME, { servers: servers() });
    expect(answer.ttl).toBe(7);
    expect(answer.records.map((r) => [r.target, r.port, r.weight]).sort()).toEqual([
      ['kilgore-1.chain-a.kilgore.local', 9092, 10],
      ['kilgore-2.chain-a.kilgore.local', 9093, 50],
    ]);
    expect(await queryAddresses('kilgore-2.chain-a.kilgore.local', { servers: servers() })).toEqual([
      '127.0.0.2',
    ]);
  });

  it('asks again over TCP when the UDP answer is truncated, and gets every record', async () => {
    const answer = await querySrv(MANY, { servers: servers() });
    expect(answer.records).toHaveLength(40);
    expect(new Set(answer.records.map((r) => r.port)).size).toBe(40);
  });

  it('reports NXDOMAIN as its own kind', async () => {
    const err = await querySrv('_kafka._tcp.nothing.kilgore.local', { servers: servers() }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(DnsLookupError);
    expect((err as DnsLookupError).kind).toBe('nxdomain');
    expect((err as DnsLookupError).message).toContain(`at ${dns.server}`);
  });

  it('reports a name with no SRV record as an empty answer', async () => {
    const err = await querySrv('kilgore-1.chain-a.kilgore.local', { servers: servers() }).catch(
      (e: unknown) => e,
    );
    expect((err as DnsLookupError).kind).toBe('empty');
  });

  it('reports a service declared unavailable (target ".") as an empty answer', async () => {
    const err = await querySrv(NONE, { servers: servers() }).catch((e: unknown) => e);
    expect((err as DnsLookupError).kind).toBe('empty');
    expect((err as DnsLookupError).message).toMatch(/declared unavailable/);
  });

  it('tries the next server when the first does not answer', async () => {
    const silent = await startFakeDns(() => undefined);
    try {
      const answer = await querySrv(NAME, {
        servers: [parseDnsServer(silent.server), ...servers()],
        timeoutMs: 200,
      });
      expect(answer.records).toHaveLength(2);
      expect(silent.questions()).toBe(1);
    } finally {
      await silent.close();
    }
  });
});

describe('SRV questions to servers that misbehave', () => {
  it('times out against a server that never answers', async () => {
    const silent = await startFakeDns(() => undefined);
    try {
      const err = await querySrv(NAME, { servers: [parseDnsServer(silent.server)], timeoutMs: 150 }).catch(
        (e: unknown) => e,
      );
      expect((err as DnsLookupError).kind).toBe('timeout');
    } finally {
      await silent.close();
    }
  });

  it('calls an undecodable reply garbage', async () => {
    const liar = await startFakeDns(garbageFor);
    try {
      const err = await querySrv(NAME, { servers: [parseDnsServer(liar.server)], timeoutMs: 500 }).catch(
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(DnsLookupError);
      expect((err as DnsLookupError).kind).toBe('garbage');
    } finally {
      await liar.close();
    }
  });

  it('calls a reply to some other question garbage (wrong id)', async () => {
    const liar = await startFakeDns((q) => {
      const reply = Buffer.from(q);
      reply.writeUInt16BE((q.readUInt16BE(0) + 1) & 0xffff, 0);
      reply[2] = 0x81;
      return reply;
    });
    try {
      const err = await querySrv(NAME, { servers: [parseDnsServer(liar.server)], timeoutMs: 500 }).catch(
        (e: unknown) => e,
      );
      expect((err as DnsLookupError).kind).toBe('garbage');
    } finally {
      await liar.close();
    }
  });

  it('reports SERVFAIL as its own kind', async () => {
    const failing = await startFakeDns((q) => {
      const reply = Buffer.from(q);
      reply[2] = 0x81; // QR + RD
      reply[3] = 0x82; // RA + rcode 2 (SERVFAIL)
      return reply;
    });
    try {
      const err = await querySrv(NAME, { servers: [parseDnsServer(failing.server)], timeoutMs: 500 }).catch(
        (e: unknown) => e,
      );
      expect((err as DnsLookupError).kind).toBe('servfail');
    } finally {
      await failing.close();
    }
  });
});
