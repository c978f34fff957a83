import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '@kilgore/broker';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'kilgore-seccfg-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function load(flags: Record<string, string>) {
  return loadConfig({ flags: { 'log.dirs': dir, ...flags } });
}

function failure(flags: Record<string, string>): ConfigError {
  try {
    load(flags);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return e as ConfigError;
  }
  throw new Error('the configuration was accepted');
}

describe('listener security settings', () => {
  it('maps custom listener names to protocols, several at once, with per-listener overrides', () => {
    const jaas = 'org.apache.kafka.common.security.plain.PlainLoginModule required user_ann="pw";';
    const { config, warnings } = load({
      listeners: 'PUBLIC://:9093,INTERNAL://127.0.0.1:9094,PLAINTEXT://127.0.0.1:9095',
      'listener.security.protocol.map': 'PUBLIC:SASL_PLAINTEXT,INTERNAL:SASL_PLAINTEXT,PLAINTEXT:PLAINTEXT',
      'listener.name.internal.sasl.enabled.mechanisms': 'SCRAM-SHA-512',
      'listener.name.public.plain.sasl.jaas.config': jaas,
      'listener.name.controller.ssl.client.auth': 'required',
    });
    const byName = config.security!.listeners;
    expect(byName.get('PUBLIC')).toMatchObject({
      protocol: 'SASL_PLAINTEXT',
      saslMechanisms: ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'],
    });
    expect(byName.get('PUBLIC')?.plainUsers.get('ann')).toBe('pw');
    expect(byName.get('INTERNAL')).toMatchObject({
      protocol: 'SASL_PLAINTEXT',
      saslMechanisms: ['SCRAM-SHA-512'],
    });
    expect(byName.get('INTERNAL')?.plainUsers.has('ann')).toBe(false);
    expect(byName.get('PLAINTEXT')?.protocol).toBe('PLAINTEXT');
    expect(warnings.join('\n')).toMatch(/listener\.name\.controller\.ssl\.client\.auth names no listener/);
  });

  it('reads the limits with their defaults', () => {
    const s = load({}).config.security!;
    expect(s).toMatchObject({
      maxConnectionsPerIp: 2 ** 31 - 1,
      maxConnections: 2 ** 31 - 1,
      requestReadTimeoutMs: 30_000,
      saslMaxReceiveSize: 524288,
    });
  });

  it.each([
    [
      { 'listener.security.protocol.map': 'PLAINTEXT:TLS' },
      'listener.security.protocol.map',
      /NAME:PROTOCOL/,
    ],
    [
      { listeners: 'SASL_PLAINTEXT://:1', 'sasl.enabled.mechanisms': 'GSSAPI' },
      'sasl.enabled.mechanisms',
      /GSSAPI is not supported/,
    ],
    [
      {
        listeners: 'SASL_PLAINTEXT://:1',
        'listener.name.sasl_plaintext.plain.sasl.jaas.config': 'Module required user_a="x"',
      },
      'listener.name.sasl_plaintext.plain.sasl.jaas.config',
      /not ended by ';'/,
    ],
    [{ 'kilgore.sasl.users.file': '/nonexistent/users' }, 'kilgore.sasl.users.file', /cannot read/],
    [{ 'ssl.keystore.type': 'JKS' }, 'ssl.keystore.type', /one of pem/],
  ])('%o fails naming %s', (flags, setting, reason) => {
    const e = failure(flags);
    expect(e.setting).toBe(setting);
    expect(e.message).toMatch(reason);
  });

  it('checks the AWS_MSK_IAM credentials file', () => {
    const file = join(dir, 'iam.json');
    writeFileSync(
      file,
      JSON.stringify({ AKID1: { secretAccessKey: 's', principal: 'app' }, AKID2: { secretAccessKey: 't' } }),
    );
    const keys = load({ 'kilgore.aws.msk.iam.credentials.file': file }).config.security!.mskIamKeys;
    expect(keys.get('AKID1')).toEqual({
      secretAccessKey: 's',
      principal: 'User:app',
      sessionToken: undefined,
    });
    expect(keys.get('AKID2')?.principal).toBe('User:AKID2');
    writeFileSync(file, JSON.stringify({ AKID1: { principal: 'app' } }));
    expect(failure({ 'kilgore.aws.msk.iam.credentials.file': file }).message).toMatch(
      /AKID1 has no secretAccessKey/,
    );
    writeFileSync(file, '{not json');
    expect(failure({ 'kilgore.aws.msk.iam.credentials.file': file }).setting).toBe(
      'kilgore.aws.msk.iam.credentials.file',
    );
  });
});
