import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '@kilgore/broker';
import { httpConfigFrom } from '@kilgore/http';
import { describe, expect, it } from 'vitest';
import { tempDir } from './temp-dir.js';

const configOf = (flags: Record<string, string>) =>
  httpConfigFrom(loadConfig({ flags: { 'log.dirs': tempDir('kilgore-http-config-'), ...flags } }).config);

describe('kilgore.http.* settings', () => {
  it('off unless kilgore.http.listeners is set', () => {
    expect(configOf({})).toBeNull();
  });

  it('reads listeners and defaults', () => {
    const c = configOf({ 'kilgore.http.listeners': 'http://127.0.0.1:8080, http://[::1]:0,http://:9000' })!;
    expect(c.listeners).toEqual([
      { protocol: 'http', host: '127.0.0.1', port: 8080 },
      { protocol: 'http', host: '::1', port: 0 },
      { protocol: 'http', host: '', port: 9000 },
    ]);
    expect(c).toMatchObject({
      authentication: 'none',
      principal: 'User:ANONYMOUS',
      maxRequestBytes: 1048576,
      maxWaitMs: 30000,
      acks: -1,
    });
    expect(c.tls).toBeUndefined();
  });

  it.each([
    ['ftp://127.0.0.1:1', /is not http:\/\/host:port/],
    ['http://127.0.0.1', /is not http:\/\/host:port/],
    ['http://127.0.0.1:8080/path', /is not http:\/\/host:port/],
    ['http://127.0.0.1:70000', /port 70000 is over 65535/],
  ])('refuses %s naming the setting', (url, reason) => {
    expect(() => configOf({ 'kilgore.http.listeners': url })).toThrow(ConfigError);
    expect(() => configOf({ 'kilgore.http.listeners': url })).toThrow(reason);
    expect(() => configOf({ 'kilgore.http.listeners': url })).toThrow(/kilgore\.http\.listeners/);
  });

  it('https:// needs the broker keystore, and reads it', () => {
    expect(() => configOf({ 'kilgore.http.listeners': 'https://127.0.0.1:0' })).toThrow(
      /ssl\.keystore\.location/,
    );
    const missing = join(tempDir('kilgore-http-pem-'), 'none.pem');
    expect(() =>
      configOf({ 'kilgore.http.listeners': 'https://127.0.0.1:0', 'ssl.keystore.location': missing }),
    ).toThrow(/cannot read/);
    const notPem = join(tempDir('kilgore-http-pem-'), 'bad.pem');
    writeFileSync(notPem, 'not a key\n');
    expect(() =>
      configOf({ 'kilgore.http.listeners': 'https://127.0.0.1:0', 'ssl.keystore.location': notPem }),
    ).toThrow(/holds no PEM private key/);
  });

  it('refuses an unknown authentication', () => {
    expect(() =>
      configOf({ 'kilgore.http.listeners': 'http://127.0.0.1:0', 'kilgore.http.authentication': 'digest' }),
    ).toThrow(/none, basic/);
  });
});
