import { CloseConnection, type FrameHandler, KafkaServer } from '@kilgore/broker';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { RawClient } from './helpers.js';

// The test protocol: a request is [int32 id][int32 delayMs][int8 action]; the reply is [int32 id].
// action 1 = no reply (like acks=0), 2 = close the connection (like a malformed request), 3 = throw.
const echo: FrameHandler = (frame) => {
  const id = frame.readInt32BE(0);
  const delay = frame.readInt32BE(4);
  const action = frame.length > 8 ? frame.readInt8(8) : 0;
  const reply = (): Buffer[] | null => {
    if (action === 1) return null;
    if (action === 2) throw new CloseConnection('asked to');
    if (action === 3) throw new Error('handler bug');
    const b = Buffer.alloc(8);
    b.writeInt32BE(4, 0);
    b.writeInt32BE(id, 4);
    return [b];
  };
  if (delay === 0) return reply();
  return new Promise((resolve, reject) =>
    setTimeout(() => {
      try {
        resolve(reply());
      } catch (e) {
        reject(e);
      }
    }, delay),
  );
};

function req(id: number, delayMs = 0, action = 0): Buffer {
  const b = Buffer.alloc(9);
  b.writeInt32BE(id, 0);
  b.writeInt32BE(delayMs, 4);
  b.writeInt8(action, 8);
  return b;
}

let server: KafkaServer | undefined;
afterEach(async () => {
  await server?.close(100);
  server = undefined;
});

async function start(
  opts: { maxFrameBytes?: number; maxQueued?: number; idleMs?: number; handle?: FrameHandler } = {},
) {
  server = new KafkaServer({
    listeners: [{ name: 'PLAINTEXT', host: '127.0.0.1', port: 0 }],
    maxFrameBytes: opts.maxFrameBytes ?? 1024,
    maxQueued: opts.maxQueued ?? 500,
    idleMs: opts.idleMs ?? 60_000,
    handle: opts.handle ?? echo,
    log: pino({ level: 'silent' }),
  });
  const [bound] = await server.listen();
  return bound!.boundPort;
}

describe('Connection', () => {
  it('answers pipelined requests in request order even when handlers finish out of order', async () => {
    const port = await start();
    const c = await RawClient.connect(port);
    const n = 40;
    // One write with every request: later requests finish first.
    c.socket.write(
      Buffer.concat(
        Array.from({ length: n }, (_, i) => {
          const r = req(i, (n - i) % 7 === 0 ? 0 : (n - i) * 2);
          const size = Buffer.alloc(4);
          size.writeInt32BE(r.length, 0);
          return Buffer.concat([size, r]);
        }),
      ),
    );
    for (let i = 0; i < n; i++) expect((await c.read())?.readInt32BE(0)).toBe(i);
    c.close();
  });

  it('handles a frame split across many TCP writes, byte by byte', async () => {
    const port = await start();
    const c = await RawClient.connect(port);
    const r = req(7);
    const bytes = Buffer.concat([Buffer.from([0, 0, 0, r.length]), r]);
    for (const byte of bytes) {
      c.socket.write(Buffer.from([byte]));
      await new Promise((res) => setImmediate(res));
    }
    expect((await c.read())?.readInt32BE(0)).toBe(7);
    c.close();
  });

  it('sends nothing for a request whose reply is null, and keeps order around it', async () => {
    const port = await start();
    const c = await RawClient.connect(port);
    c.send(req(1, 20));
    c.send(req(2, 0, 1));
    c.send(req(3));
    expect((await c.read())?.readInt32BE(0)).toBe(1);
    expect((await c.read())?.readInt32BE(0)).toBe(3);
    c.close();
  });

  it('closes only the connection whose frame is oversized', async () => {
    const port = await start({ maxFrameBytes: 100 });
    const bad = await RawClient.connect(port);
    const good = await RawClient.connect(port);
    bad.socket.write(Buffer.from([0, 0, 0x10, 0])); // announces 4096 bytes
    expect(await bad.waitClosed()).toBe(true);
    good.send(req(5));
    expect((await good.read())?.readInt32BE(0)).toBe(5);
    good.close();
  });

  it('closes a connection that announces a negative size', async () => {
    const port = await start();
    const c = await RawClient.connect(port);
    c.socket.write(Buffer.from([0xff, 0xff, 0xff, 0xff]));
    expect(await c.waitClosed()).toBe(true);
  });

  it('writes the replies before a failing request, then closes; other connections live on', async () => {
    const port = await start();
    const c = await RawClient.connect(port);
    const other = await RawClient.connect(port);
    c.send(req(1, 30));
    c.send(req(2, 0, 2));
    c.send(req(3));
    expect((await c.read())?.readInt32BE(0)).toBe(1);
    expect(await c.read()).toBeNull();
    const d = await RawClient.connect(port);
    d.send(req(4, 0, 3)); // a handler bug closes that connection too, nothing else
    expect(await d.read()).toBeNull();
    other.send(req(9));
    expect((await other.read())?.readInt32BE(0)).toBe(9);
    other.close();
  });

  it('never dispatches more than queued.max.requests at once (back-pressure)', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const handle: FrameHandler = (frame) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      return new Promise((resolve) =>
        setTimeout(() => {
          inFlight--;
          resolve([Buffer.from([0, 0, 0, 4]), frame.subarray(0, 4)]);
        }, 2),
      );
    };
    const port = await start({ maxQueued: 3, handle });
    const c = await RawClient.connect(port);
    for (let i = 0; i < 30; i++) c.send(req(i));
    for (let i = 0; i < 30; i++) expect((await c.read())?.readInt32BE(0)).toBe(i);
    expect(maxInFlight).toBeLessThanOrEqual(3);
    c.close();
  });

  it('reaps idle connections but not ones with a request in flight', async () => {
    const port = await start({ idleMs: 100 });
    const idle = await RawClient.connect(port);
    const busy = await RawClient.connect(port);
    busy.send(req(1, 400));
    expect(await idle.waitClosed(2000)).toBe(true);
    expect((await busy.read())?.readInt32BE(0)).toBe(1);
    busy.close();
  });

  it('answers in-flight requests on a graceful close', async () => {
    const port = await start();
    const c = await RawClient.connect(port);
    c.send(req(1, 100));
    await new Promise((r) => setTimeout(r, 20));
    const closing = server!.close(2000);
    expect((await c.read())?.readInt32BE(0)).toBe(1);
    expect(await c.read()).toBeNull();
    await closing;
    server = undefined;
  });

  it('survives random garbage on many connections', async () => {
    const port = await start({ maxFrameBytes: 64 });
    for (let k = 0; k < 20; k++) {
      const c = await RawClient.connect(port);
      const junk = Buffer.alloc(50 + k * 7);
      for (let i = 0; i < junk.length; i++) junk[i] = (i * 131 + k * 17) & 0xff;
      c.socket.write(junk);
      c.close();
    }
    const c = await RawClient.connect(port);
    c.send(req(42));
    expect((await c.read())?.readInt32BE(0)).toBe(42);
    c.close();
  });
});
