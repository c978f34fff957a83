import {
  DEFAULT_REFRESH_TIMING,
  parseChainSrv,
  parseDnsServer,
  parseSrvName,
  refreshDelayMs,
  retryDelayMs,
  SrvConfigError,
} from '@kilgore/discovery';
import { describe, expect, it } from 'vitest';

describe('--chain-srv', () => {
  it('reads one SRV name per chain, with an optional node id offset', () => {
    expect(
      parseChainSrv('a=_kafka._tcp.chain-a.kilgore.local, b=_kafka._tcp.chain-b.kilgore.local.+100'),
    ).toEqual([
      { chain: 'a', srvName: '_kafka._tcp.chain-a.kilgore.local', nodeIdOffset: 0 },
      { chain: 'b', srvName: '_kafka._tcp.chain-b.kilgore.local', nodeIdOffset: 100 },
    ]);
  });

  it.each([
    ['', /expected chain=SRV-name/],
    ['_kafka._tcp.x.local', /is not chain=SRV-name/],
    ['a=bad name', /is not a DNS name/],
    ['a=x.local,a=y.local', /chain a is named twice/],
    ['a b=x.local', /not a valid chain name/],
    ['a=x.local+9999999999', /below 2\^30/],
  ])('rejects %j with a clear message', (text, message) => {
    expect(() => parseChainSrv(text)).toThrow(SrvConfigError);
    expect(() => parseChainSrv(text)).toThrow(message);
  });

  it('checks a single SRV name', () => {
    expect(parseSrvName('_kafka._tcp.kilgore.local.', 'bootstrap-srv')).toBe('_kafka._tcp.kilgore.local');
    expect(() => parseSrvName('no spaces.local', 'bootstrap-srv')).toThrow(
      /bootstrap-srv: "no spaces.local" is not a DNS name/,
    );
  });
});

describe('--dns-server', () => {
  it('reads host:port, a bare host (port 53) and bracketed IPv6', () => {
    expect(parseDnsServer('127.0.0.1:5353')).toEqual({ host: '127.0.0.1', port: 5353 });
    expect(parseDnsServer('10.0.0.2')).toEqual({ host: '10.0.0.2', port: 53 });
    expect(parseDnsServer('[::1]:5353')).toEqual({ host: '::1', port: 5353 });
    expect(parseDnsServer('::1')).toEqual({ host: '::1', port: 53 });
  });

  it.each(['127.0.0.1:0', '127.0.0.1:99999', '127.0.0.1:x', ':53'])('rejects %j', (text) => {
    expect(() => parseDnsServer(text)).toThrow(/expected host:port/);
  });
});

describe('refresh timing', () => {
  const timing = {
    ...DEFAULT_REFRESH_TIMING,
    floorMs: 1000,
    ceilingMs: 60_000,
    retryInitialMs: 500,
    retryMaxMs: 8000,
  };

  it('follows the TTL between the floor and the ceiling', () => {
    expect(refreshDelayMs(30, timing)).toBe(30_000);
    expect(refreshDelayMs(0, timing)).toBe(1000);
    expect(refreshDelayMs(86_400, timing)).toBe(60_000);
    expect(refreshDelayMs(Number.POSITIVE_INFINITY, timing)).toBe(1000);
  });

  it('backs off exponentially after failures, up to the maximum', () => {
    expect([1, 2, 3, 4, 5, 6, 100].map((n) => retryDelayMs(n, timing))).toEqual([
      500, 1000, 2000, 4000, 8000, 8000, 8000,
    ]);
  });
});
