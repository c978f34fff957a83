/**
 * One SRV (or A/AAAA) question to one DNS server, over UDP with a TCP retry when the answer is
 * truncated. Node's dns.resolveSrv hides the TTLs, and discovery needs them to know when to ask
 * again, so the messages are built and read with dns-packet instead.
 */
import { randomInt } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { getServers } from 'node:dns';
import { connect, isIPv6 } from 'node:net';
import dnsPacket from 'dns-packet';

/** Where to send questions. */
export interface DnsServer {
  host: string;
  port: number;
}

/** One SRV record as the server sent it (target without its trailing dot, lower case). */
export interface SrvRecord {
  priority: number;
  weight: number;
  port: number;
  target: string;
  ttl: number;
}

export interface SrvAnswer {
  records: SrvRecord[];
  /** The smallest TTL of the records, in seconds: when the answer should be asked for again. */
  ttl: number;
  /** A/AAAA records the server added for the targets (the additional section), by target. */
  addresses: Map<string, string[]>;
}

/** Why a lookup gave nothing usable. */
export type DnsFailureKind =
  | 'nxdomain'
  | 'servfail'
  | 'refused'
  | 'timeout'
  | 'garbage'
  | 'empty'
  | 'network';

export class DnsLookupError extends Error {
  constructor(
    readonly kind: DnsFailureKind,
    readonly question: string,
    readonly server: DnsServer,
    detail: string,
  ) {
    super(`DNS ${question} at ${formatDnsServer(server)}: ${kind}: ${detail}`);
    this.name = 'DnsLookupError';
  }
}

export interface DnsQueryOptions {
  /** Servers to ask, in order; the next is tried when one times out or is unreachable. */
  servers: DnsServer[];
  /** Per attempt, per server. */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 2000;

/** `127.0.0.1:5353`, `127.0.0.1` (port 53), `[::1]:5353` or `::1`. */
export function parseDnsServer(text: string): DnsServer {
  const trimmed = text.trim();
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(trimmed);
  let host: string;
  let portText: string | undefined;
  if (bracketed) {
    host = bracketed[1] as string;
    portText = bracketed[2];
  } else if (isIPv6(trimmed)) {
    host = trimmed;
  } else {
    const colon = trimmed.lastIndexOf(':');
    host = colon < 0 ? trimmed : trimmed.slice(0, colon);
    portText = colon < 0 ? undefined : trimmed.slice(colon + 1);
  }
  const port = portText === undefined ? 53 : Number(portText);
  if (host === '' || !Number.isInteger(port) || port < 1 || port > 65535 || !/^\d*$/.test(portText ?? '')) {
    throw new Error(`DNS server "${text}": expected host:port, e.g. 127.0.0.1:5353`);
  }
  return { host, port };
}

export function formatDnsServer(server: DnsServer): string {
  return isIPv6(server.host) ? `[${server.host}]:${server.port}` : `${server.host}:${server.port}`;
}

/** The resolvers Node uses (from /etc/resolv.conf), for when no --dns-server is given. */
export function systemDnsServers(): DnsServer[] {
  return getServers().map(parseDnsServer);
}

/** Asks for the SRV records of `name`. Empty answers, NXDOMAIN and the like are DnsLookupErrors. */
export async function querySrv(name: string, options: DnsQueryOptions): Promise<SrvAnswer> {
  const packet = await ask(name, 'SRV', options);
  const records: SrvRecord[] = [];
  for (const answer of packet.answers ?? []) {
    if (answer.type !== 'SRV') continue; // CNAMEs and the like on the way
    records.push({
      priority: answer.data.priority ?? 0,
      weight: answer.data.weight ?? 0,
      port: answer.data.port ?? 0,
      target: normaliseName(answer.data.target),
      ttl: answer.ttl ?? 0,
    });
  }
  const addresses = new Map<string, string[]>();
  for (const extra of packet.additionals ?? []) {
    if (extra.type !== 'A' && extra.type !== 'AAAA') continue;
    const key = normaliseName(extra.name);
    addresses.set(key, [...(addresses.get(key) ?? []), extra.data]);
  }
  if (records.length === 0) {
    throw new DnsLookupError('empty', `SRV ${name}`, packet.server, 'the answer holds no SRV record');
  }
  // RFC 2782: a lone target of "." says the service is decidedly not available there.
  if (records.every((r) => r.target === '')) {
    throw new DnsLookupError(
      'empty',
      `SRV ${name}`,
      packet.server,
      'the service is declared unavailable (target ".")',
    );
  }
  records.splice(0, records.length, ...records.filter((r) => r.target !== ''));
  return { records, ttl: Math.min(...records.map((r) => r.ttl)), addresses };
}

/** Asks for the IPv4 addresses of `host` (IPv6 when it has none). */
export async function queryAddresses(host: string, options: DnsQueryOptions): Promise<string[]> {
  // NXDOMAIN and the like throw from ask(): no such name has no address of any kind.
  let server = options.servers[0] ?? { host: '?', port: 53 };
  for (const type of ['A', 'AAAA'] as const) {
    const packet = await ask(host, type, options);
    server = packet.server;
    const found = (packet.answers ?? []).flatMap((a) => (a.type === type ? [a.data] : []));
    if (found.length > 0) return found;
  }
  throw new DnsLookupError('empty', `A/AAAA ${host}`, server, 'the name has no address');
}

function normaliseName(name: string): string {
  return name.replace(/\.$/, '').toLowerCase();
}

type Answered = dnsPacket.DecodedPacket & { rcode?: string; server: DnsServer };

/** One question, each server in turn until one answers (an answer includes NXDOMAIN). */
async function ask(name: string, type: 'SRV' | 'A' | 'AAAA', options: DnsQueryOptions): Promise<Answered> {
  if (options.servers.length === 0) throw new Error('no DNS server to ask');
  let last: unknown;
  for (const server of options.servers) {
    try {
      return await askOne(name, type, server, options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    } catch (err) {
      last = err;
      // A server that answered (even "no such name") has spoken; the others would say the same.
      if (err instanceof DnsLookupError && err.kind !== 'timeout' && err.kind !== 'network') throw err;
    }
  }
  throw last;
}

async function askOne(
  name: string,
  type: 'SRV' | 'A' | 'AAAA',
  server: DnsServer,
  timeoutMs: number,
): Promise<Answered> {
  const question = `${type} ${name}`;
  const id = randomInt(0x10000);
  const query: dnsPacket.Packet = {
    type: 'query',
    id,
    flags: dnsPacket.RECURSION_DESIRED,
    questions: [{ type, name, class: 'IN' }],
  };
  let packet = decodeOrThrow(
    await udpExchange(dnsPacket.encode(query), server, timeoutMs, question),
    question,
    server,
  );
  if (packet.flag_tc) {
    // Too many records for a datagram: the same question over TCP gets them all.
    packet = decodeOrThrow(
      await tcpExchange(dnsPacket.streamEncode(query), server, timeoutMs, question),
      question,
      server,
    );
  }
  if (packet.id !== id)
    throw new DnsLookupError('garbage', question, server, `answer id ${packet.id} is not the query's`);
  if (!packet.flag_qr) throw new DnsLookupError('garbage', question, server, 'the reply is not a response');
  const asked = packet.questions?.[0];
  if (
    asked !== undefined &&
    (asked.type !== type || asked.name.toLowerCase() !== name.toLowerCase().replace(/\.$/, ''))
  ) {
    throw new DnsLookupError('garbage', question, server, `the reply answers ${asked.type} ${asked.name}`);
  }
  const rcode = (packet as { rcode?: string }).rcode ?? 'NOERROR';
  if (rcode === 'NXDOMAIN') throw new DnsLookupError('nxdomain', question, server, 'no such name');
  if (rcode === 'SERVFAIL') throw new DnsLookupError('servfail', question, server, 'the server failed');
  if (rcode === 'REFUSED') throw new DnsLookupError('refused', question, server, 'the server refused');
  if (rcode !== 'NOERROR') throw new DnsLookupError('garbage', question, server, `response code ${rcode}`);
  return Object.assign(packet, { server });
}

function decodeOrThrow(bytes: Buffer, question: string, server: DnsServer): dnsPacket.DecodedPacket {
  try {
    return dnsPacket.decode(bytes);
  } catch (err) {
    throw new DnsLookupError(
      'garbage',
      question,
      server,
      `undecodable reply (${bytes.length} bytes): ${(err as Error).message}`,
    );
  }
}

function udpExchange(
  message: Buffer,
  server: DnsServer,
  timeoutMs: number,
  question: string,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = createSocket(isIPv6(server.host) ? 'udp6' : 'udp4');
    let settled = false;
    const done = (err: Error | undefined, reply?: Buffer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.close();
      if (err) reject(err);
      else resolve(reply as Buffer);
    };
    const timer = setTimeout(
      () => done(new DnsLookupError('timeout', question, server, `no answer within ${timeoutMs} ms`)),
      timeoutMs,
    );
    socket.on('error', (err) => done(new DnsLookupError('network', question, server, err.message)));
    socket.on('message', (reply) => done(undefined, reply));
    socket.send(message, server.port, server.host);
  });
}

function tcpExchange(
  message: Buffer,
  server: DnsServer,
  timeoutMs: number,
  question: string,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: server.host, port: server.port });
    let received = Buffer.alloc(0);
    let settled = false;
    const done = (err: Error | undefined, reply?: Buffer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (err) reject(err);
      else resolve(reply as Buffer);
    };
    const timer = setTimeout(
      () => done(new DnsLookupError('timeout', question, server, `no TCP answer within ${timeoutMs} ms`)),
      timeoutMs,
    );
    socket.on('connect', () => socket.write(message));
    socket.on('error', (err) => done(new DnsLookupError('network', question, server, `TCP: ${err.message}`)));
    socket.on('data', (chunk) => {
      received = Buffer.concat([received, chunk]);
      if (received.length >= 2 && received.length >= 2 + received.readUInt16BE(0)) {
        done(undefined, received.subarray(2, 2 + received.readUInt16BE(0)));
      }
    });
    socket.on('end', () => done(new DnsLookupError('garbage', question, server, 'TCP reply cut short')));
  });
}
