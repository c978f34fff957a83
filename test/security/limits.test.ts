import { ApiKey } from '@kilgore/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawClient } from './support/raw-client.js';
import { type SecureBroker, startSecureBroker } from './support/secure-broker.js';

let sb: SecureBroker;
beforeAll(async () => {
  sb = await startSecureBroker(['PLAINTEXT', 'SASL_PLAINTEXT'], {
    'max.connections.per.ip': '3',
    'kilgore.request.read.timeout.ms': '400',
  });
});
afterAll(async () => {
  await sb?.stop();
});

async function stillOpen(c: RawClient, ms: number): Promise<boolean> {
  await Promise.race([c.closed, new Promise((r) => setTimeout(r, ms))]);
  return c.isOpen;
}

describe('connection limits', () => {
  it('max.connections.per.ip: one connection over the limit is closed at once, across listeners', async () => {
    const a = await RawClient.open(sb.address('PLAINTEXT'));
    const b = await RawClient.open(sb.address('SASL_PLAINTEXT'));
    const c = await RawClient.open(sb.address('PLAINTEXT'));
    const over = await RawClient.open(sb.address('PLAINTEXT'));
    await over.closed;
    // The three within the limit still work.
    for (const ok of [a, c]) {
      expect((await ok.request<{ errorCode: number }>(ApiKey.ApiVersions, 0, {})).errorCode).toBe(0);
    }
    expect(b.isOpen).toBe(true);
    // Closing one frees a place.
    a.close();
    await a.closed;
    await new Promise((r) => setTimeout(r, 50));
    const again = await RawClient.open(sb.address('PLAINTEXT'));
    expect((await again.request<{ errorCode: number }>(ApiKey.ApiVersions, 0, {})).errorCode).toBe(0);
    for (const x of [b, c, again]) x.close();
    await Promise.all([b.closed, c.closed, again.closed]);
    // The broker sees the closes a moment later; the next tests need their places back.
    await new Promise((r) => setTimeout(r, 100));
  });

  it('slow-loris: a frame still incomplete after kilgore.request.read.timeout.ms closes the connection', async () => {
    const c = await RawClient.open(sb.address('PLAINTEXT'));
    await c.request(ApiKey.ApiVersions, 0, {}); // admitted and served first
    const frame = Buffer.alloc(4 + 20);
    frame.writeInt32BE(20);
    c.write(frame.subarray(0, 10));
    const started = Date.now();
    await c.closed;
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    c.close();
  });

  it('slow-loris: a trickle of bytes does not extend the deadline of the frame', async () => {
    const c = await RawClient.open(sb.address('SASL_PLAINTEXT'));
    const frame = Buffer.alloc(4 + 40);
    frame.writeInt32BE(40);
    let i = 0;
    const drip = setInterval(() => {
      if (i < frame.length - 1 && c.isOpen) c.write(frame.subarray(i, ++i));
    }, 50);
    await c.closed;
    clearInterval(drip);
    expect(i).toBeLessThan(frame.length - 1);
  });

  it('an idle connection between frames is not a slow frame', async () => {
    const c = await RawClient.open(sb.address('PLAINTEXT'));
    await c.request(ApiKey.ApiVersions, 0, {});
    expect(await stillOpen(c, 800)).toBe(true);
    await c.request(ApiKey.ApiVersions, 0, {});
    c.close();
  });
});

describe('max.connections', () => {
  it('refuses connections over the node-wide limit', async () => {
    const one = await startSecureBroker(['PLAINTEXT'], { 'max.connections': '1' });
    try {
      const a = await RawClient.open(one.address('PLAINTEXT'));
      const b = await RawClient.open(one.address('PLAINTEXT'));
      await b.closed;
      expect((await a.request<{ errorCode: number }>(ApiKey.ApiVersions, 0, {})).errorCode).toBe(0);
      a.close();
    } finally {
      await one.stop();
    }
  });
});
