import { spawn } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, loadConfig } from '@kilgore/broker';
import { ApiKey, type SaslAuthenticateResponse } from '@kilgore/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestCerts, type TestCerts } from './support/certs.js';
import { RawClient } from './support/raw-client.js';
import { type SecureBroker, startSecureBroker, USERS } from './support/secure-broker.js';

let certs: TestCerts;
let sb: SecureBroker;
beforeAll(async () => {
  certs = makeTestCerts();
  // SSL requires a client certificate; CLIENTS (a custom name mapped to SSL) only asks for one;
  // SASL_SSL takes a certificate but the SASL identity decides.
  sb = await startSecureBroker(['SSL', 'CLIENTS', 'SASL_SSL'], {
    'listener.security.protocol.map': 'SSL:SSL,CLIENTS:SSL,SASL_SSL:SASL_SSL',
    'ssl.keystore.location': certs.serverKeystorePath,
    'ssl.truststore.location': certs.caPath,
    'ssl.client.auth': 'required',
    'listener.name.clients.ssl.client.auth': 'requested',
    'listener.name.sasl_ssl.ssl.client.auth': 'requested',
  });
});
afterAll(async () => {
  await sb?.stop();
  if (certs) rmSync(certs.dir, { recursive: true, force: true });
});

const clientCert = () => ({
  ca: certs.ca,
  cert: readFileSync(certs.clientCertPath, 'utf8'),
  key: readFileSync(certs.clientKeyPath, 'utf8'),
});

/** Whether the broker refuses the TLS client: at the handshake, or by closing before an answer. */
async function refused(address: string, tls: Parameters<typeof RawClient.open>[1]): Promise<boolean> {
  try {
    const c = await RawClient.open(address, tls);
    // TLS 1.3 finishes the client side before the server has checked; the server then hangs up.
    await c.request(ApiKey.ApiVersions, 0, {});
    c.close();
    return false;
  } catch {
    return true;
  }
}

async function principalOf(c: RawClient, listener: string): Promise<string | undefined> {
  await c.request(ApiKey.Metadata, 4, { topics: null, allowAutoTopicCreation: false });
  return sb.seen.filter((r) => r.listener === listener).at(-1)?.principal;
}

describe('TLS listeners', () => {
  it('a client certificate becomes the principal, its subject in RFC 2253 order as Kafka prints it', async () => {
    const c = await RawClient.open(sb.address('SSL'), clientCert());
    expect(await principalOf(c, 'SSL')).toBe('User:CN=alice,OU=eng,O=Acme,C=US');
    c.close();
  });

  it('ssl.client.auth=required refuses a client without a certificate', async () => {
    expect(await refused(sb.address('SSL'), { ca: certs.ca })).toBe(true);
  });

  it('a certificate from an untrusted CA is refused, even where certificates are only requested', async () => {
    for (const listener of ['SSL', 'CLIENTS']) {
      const rogue = {
        ca: certs.ca,
        cert: readFileSync(certs.rogueCertPath, 'utf8'),
        key: readFileSync(certs.rogueKeyPath, 'utf8'),
      };
      expect(await refused(sb.address(listener), rogue), listener).toBe(true);
    }
  });

  it('ssl.client.auth=requested (per listener): no certificate is ANONYMOUS, a good one names the client', async () => {
    const anon = await RawClient.open(sb.address('CLIENTS'), { ca: certs.ca });
    expect(await principalOf(anon, 'CLIENTS')).toBe('User:ANONYMOUS');
    anon.close();
    const named = await RawClient.open(sb.address('CLIENTS'), clientCert());
    expect(await principalOf(named, 'CLIENTS')).toBe('User:CN=alice,OU=eng,O=Acme,C=US');
    named.close();
  });

  it('on SASL_SSL the SASL identity is the principal, not the certificate', async () => {
    const c = await RawClient.open(sb.address('SASL_SSL'), clientCert());
    await c.request(ApiKey.SaslHandshake, 1, { mechanism: 'PLAIN' });
    const res = await c.request<SaslAuthenticateResponse>(ApiKey.SaslAuthenticate, 2, {
      authBytes: Buffer.from(`\0bob\0${USERS.bob}`),
    });
    expect(res.errorCode).toBe(0);
    expect(await principalOf(c, 'SASL_SSL')).toBe('User:bob');
    c.close();
  });
});

describe('slow TLS clients', () => {
  it('a TLS handshake not finished within kilgore.request.read.timeout.ms closes the connection', async () => {
    const slow = await startSecureBroker(['SSL'], {
      'ssl.keystore.location': certs.serverKeystorePath,
      'kilgore.request.read.timeout.ms': '300',
    });
    try {
      const [host, port] = slow.address('SSL').split(':') as [string, string];
      const socket = connect({ host, port: Number(port) });
      const started = Date.now();
      await new Promise((resolve) => socket.once('close', resolve));
      expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    } finally {
      await slow.stop();
    }
  });
});

describe('bad TLS settings', () => {
  it.each([
    [
      'ssl.keystore.location',
      (_c: TestCerts) => ({ 'ssl.keystore.location': '/nonexistent/keystore.pem' }),
      /cannot read/,
    ],
    [
      'ssl.keystore.location',
      (c: TestCerts) => ({ 'ssl.keystore.location': c.caPath }),
      /no PEM private key/,
    ],
    [
      'ssl.truststore.location',
      (c: TestCerts) => ({
        'ssl.keystore.location': c.serverKeystorePath,
        'ssl.truststore.location': c.clientKeyPath,
      }),
      /CA certificates/,
    ],
    [
      'ssl.client.auth',
      (c: TestCerts) => ({ 'ssl.keystore.location': c.serverKeystorePath, 'ssl.client.auth': 'required' }),
      /truststore/,
    ],
    [
      'ssl.keystore.key',
      (c: TestCerts) => ({
        'ssl.keystore.key': 'garbage',
        'ssl.keystore.certificate.chain': readFileSync(c.caPath, 'utf8'),
      }),
      /private key/,
    ],
  ])('%s: loading the config fails naming the setting', (setting, flags, reason) => {
    try {
      loadConfig({ flags: { listeners: 'SSL://127.0.0.1:0', 'log.dirs': certs.dir, ...flags(certs) } });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      expect((e as ConfigError).setting).toBe(setting);
      expect((e as Error).message).toMatch(reason);
    }
  });

  it('kilgore serve exits 2 naming the setting', async () => {
    const main = fileURLToPath(new URL('../../apps/kilgore/src/main.ts', import.meta.url));
    const props = join(certs.dir, 'bad.properties');
    writeFileSync(
      props,
      `listeners=SASL_SSL://127.0.0.1:0\nlog.dirs=${join(certs.dir, 'data')}\nssl.keystore.location=${certs.caPath}\n`,
    );
    const child = spawn(process.execPath, ['--import', 'tsx', main, 'serve', '--config', props], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(2);
    expect(out).toContain('ssl.keystore.location');
  });
});
