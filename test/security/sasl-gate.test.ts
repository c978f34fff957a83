import {
  ApiKey,
  type ApiVersionsResponse,
  ErrorCode,
  type SaslAuthenticateResponse,
  type SaslHandshakeResponse,
} from '@kilgore/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawClient } from './support/raw-client.js';
import { type SecureBroker, startSecureBroker, USERS } from './support/secure-broker.js';

let sb: SecureBroker;
beforeAll(async () => {
  sb = await startSecureBroker(['SASL_PLAINTEXT', 'PLAINTEXT'], { 'sasl.server.max.receive.size': '65536' });
});
afterAll(async () => {
  await sb?.stop();
});

const plainToken = (user: string, password: string) => Buffer.from(`\0${user}\0${password}`, 'utf8');

describe('a SASL listener before authentication', () => {
  it('answers ApiVersions, advertising SaslHandshake and SaslAuthenticate', async () => {
    const c = await RawClient.open(sb.address('SASL_PLAINTEXT'));
    const res = await c.request<ApiVersionsResponse>(ApiKey.ApiVersions, 3, {
      clientSoftwareName: 'raw',
      clientSoftwareVersion: '1',
    });
    expect(res.errorCode).toBe(0);
    const keys = res.apiKeys.map((k) => k.apiKey);
    expect(keys).toEqual(expect.arrayContaining([17, 36, 50, 51]));
    c.close();
  });

  it('closes the connection on any other request, unanswered', async () => {
    const c = await RawClient.open(sb.address('SASL_PLAINTEXT'));
    c.send(ApiKey.Metadata, 4, { topics: null, allowAutoTopicCreation: true });
    expect(await c.nextFrame()).toBeUndefined();
    await c.closed;
    expect(sb.seen.some((r) => r.apiKey === ApiKey.Metadata && r.listener === 'SASL_PLAINTEXT')).toBe(false);
  });

  it('refuses an unknown mechanism with UNSUPPORTED_SASL_MECHANISM and the enabled list, then closes', async () => {
    const c = await RawClient.open(sb.address('SASL_PLAINTEXT'));
    const res = await c.request<SaslHandshakeResponse>(ApiKey.SaslHandshake, 1, { mechanism: 'GSSAPI' });
    expect(res.errorCode).toBe(ErrorCode.UNSUPPORTED_SASL_MECHANISM);
    expect(res.mechanisms).toEqual(['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512', 'AWS_MSK_IAM']);
    await c.closed;
  });

  it('closes a connection whose frame announces more than sasl.server.max.receive.size', async () => {
    const c = await RawClient.open(sb.address('SASL_PLAINTEXT'));
    const prefix = Buffer.alloc(4);
    prefix.writeInt32BE(65537);
    c.write(prefix);
    await c.closed;
    // The same size is fine on the PLAINTEXT listener (socket.request.max.bytes): it waits for the bytes.
    const p = await RawClient.open(sb.address('PLAINTEXT'));
    p.write(prefix);
    await new Promise((r) => setTimeout(r, 300));
    expect(p.isOpen).toBe(true);
    p.close();
  });

  it('SaslHandshake v1 + SaslAuthenticate: a wrong password gets SASL_AUTHENTICATION_FAILED with a message, then a close', async () => {
    const c = await RawClient.open(sb.address('SASL_PLAINTEXT'));
    const hs = await c.request<SaslHandshakeResponse>(ApiKey.SaslHandshake, 1, { mechanism: 'PLAIN' });
    expect(hs.errorCode).toBe(0);
    const res = await c.request<SaslAuthenticateResponse>(ApiKey.SaslAuthenticate, 2, {
      authBytes: plainToken('alice', 'nope'),
    });
    expect(res.errorCode).toBe(ErrorCode.SASL_AUTHENTICATION_FAILED);
    expect(res.errorMessage).toMatch(/Invalid username or password/);
    await c.closed;
  });

  it('SaslHandshake v1 + SaslAuthenticate: the right password opens the other APIs, as the user', async () => {
    const c = await RawClient.open(sb.address('SASL_PLAINTEXT'));
    await c.request(ApiKey.SaslHandshake, 1, { mechanism: 'PLAIN' });
    const res = await c.request<SaslAuthenticateResponse>(ApiKey.SaslAuthenticate, 1, {
      authBytes: plainToken('alice', USERS.alice),
    });
    expect(res).toMatchObject({ errorCode: 0, errorMessage: null, sessionLifetimeMs: 0n });
    const meta = await c.request<{ brokers: unknown[] }>(ApiKey.Metadata, 4, {
      topics: null,
      allowAutoTopicCreation: false,
    });
    expect(meta.brokers.length).toBe(1);
    const last = sb.seen.filter((r) => r.apiKey === ApiKey.Metadata).at(-1);
    expect(last).toEqual({ apiKey: ApiKey.Metadata, principal: 'User:alice', listener: 'SASL_PLAINTEXT' });
    // A second handshake after authentication is an illegal state (no re-authentication).
    const again = await c.request<SaslHandshakeResponse>(ApiKey.SaslHandshake, 1, { mechanism: 'PLAIN' });
    expect(again.errorCode).toBe(ErrorCode.ILLEGAL_SASL_STATE);
    c.close();
  });

  it('SaslHandshake v0: raw token frames; success is an empty frame, failure a close', async () => {
    const c = await RawClient.open(sb.address('SASL_PLAINTEXT'));
    expect(
      (await c.request<SaslHandshakeResponse>(ApiKey.SaslHandshake, 0, { mechanism: 'PLAIN' })).errorCode,
    ).toBe(0);
    c.sendFrame(plainToken('bob', USERS.bob));
    expect((await c.nextFrame())?.length).toBe(0);
    const meta = await c.request<{ brokers: unknown[] }>(ApiKey.Metadata, 1, { topics: null });
    expect(meta.brokers.length).toBe(1);
    expect(sb.seen.at(-1)?.principal).toBe('User:bob');
    c.close();

    const bad = await RawClient.open(sb.address('SASL_PLAINTEXT'));
    await bad.request(ApiKey.SaslHandshake, 0, { mechanism: 'PLAIN' });
    bad.sendFrame(plainToken('bob', 'wrong'));
    expect(await bad.nextFrame()).toBeUndefined();
    await bad.closed;
  });

  it('SaslAuthenticate before any handshake is ILLEGAL_SASL_STATE, then a close', async () => {
    const c = await RawClient.open(sb.address('SASL_PLAINTEXT'));
    const res = await c.request<SaslAuthenticateResponse>(ApiKey.SaslAuthenticate, 1, {
      authBytes: plainToken('alice', USERS.alice),
    });
    expect(res.errorCode).toBe(ErrorCode.ILLEGAL_SASL_STATE);
    await c.closed;
  });

  it('the PLAINTEXT listener beside it serves clients as User:ANONYMOUS', async () => {
    const c = await RawClient.open(sb.address('PLAINTEXT'));
    await c.request(ApiKey.Metadata, 4, { topics: null, allowAutoTopicCreation: false });
    expect(sb.seen.at(-1)).toEqual({
      apiKey: ApiKey.Metadata,
      principal: 'User:ANONYMOUS',
      listener: 'PLAINTEXT',
    });
    const hs = await c.request<SaslHandshakeResponse>(ApiKey.SaslHandshake, 1, { mechanism: 'PLAIN' });
    expect(hs.errorCode).toBe(ErrorCode.ILLEGAL_SASL_STATE);
    c.close();
  });
});
