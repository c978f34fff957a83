/**
 * DNS servers that misbehave on purpose, on a free loopback UDP port: one answers every question
 * with the given bytes (garbage), one never answers (a timeout).
 */
import { createSocket, type Socket } from 'node:dgram';

export interface FakeDns {
  port: number;
  server: string;
  /** How many questions it received. */
  questions(): number;
  close(): Promise<void>;
}

/** Answers each datagram with `reply(question)`, or stays silent when it returns undefined. */
export async function startFakeDns(reply: (question: Buffer) => Buffer | undefined): Promise<FakeDns> {
  const socket: Socket = createSocket('udp4');
  let count = 0;
  socket.on('message', (question, from) => {
    count++;
    const answer = reply(question);
    if (answer !== undefined) socket.send(answer, from.port, from.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const port = socket.address().port;
  return {
    port,
    server: `127.0.0.1:${port}`,
    questions: () => count,
    close: () => new Promise((resolve) => socket.close(() => resolve())),
  };
}

/** Bytes that are not a DNS message: the question's id, then noise that fails to decode. */
export function garbageFor(question: Buffer): Buffer {
  const bytes = Buffer.from('\xff\xfe this is not DNS \x00\x01\x02', 'latin1');
  question.copy(bytes, 0, 0, 2);
  bytes[2] = 0x81; // QR set, so only the body is wrong
  bytes[5] = 9; // claims nine questions it does not have
  return bytes;
}

export interface DnsProxy extends FakeDns {
  /** `forward` relays to the real server; `garbage` answers noise; `silent` drops the question. */
  mode: 'forward' | 'garbage' | 'silent';
}

/** A UDP relay in front of a real DNS server that can be told to misbehave mid-test. */
export async function startDnsProxy(upstreamPort: number): Promise<DnsProxy> {
  const front: Socket = createSocket('udp4');
  const upstream: Socket = createSocket('udp4');
  const askers = new Map<number, { port: number; address: string }>();
  let count = 0;
  const proxy = {
    mode: 'forward' as DnsProxy['mode'],
    port: 0,
    server: '',
    questions: () => count,
    async close() {
      await new Promise<void>((resolve) => upstream.close(() => resolve()));
      await new Promise<void>((resolve) => front.close(() => resolve()));
    },
  };
  front.on('message', (question, from) => {
    count++;
    if (proxy.mode === 'garbage') front.send(garbageFor(question), from.port, from.address);
    if (proxy.mode !== 'forward') return;
    askers.set(question.readUInt16BE(0), { port: from.port, address: from.address });
    upstream.send(question, upstreamPort, '127.0.0.1');
  });
  upstream.on('message', (answer) => {
    const asker = askers.get(answer.readUInt16BE(0));
    if (asker) front.send(answer, asker.port, asker.address);
  });
  await new Promise<void>((resolve) => upstream.bind(0, '127.0.0.1', resolve));
  await new Promise<void>((resolve) => front.bind(0, '127.0.0.1', resolve));
  proxy.port = front.address().port;
  proxy.server = `127.0.0.1:${proxy.port}`;
  return proxy;
}
