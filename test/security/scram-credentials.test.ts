import { pbkdf2Sync, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type AlterUserScramCredentialsResponse,
  ApiKey,
  type DescribeUserScramCredentialsResponse,
  ErrorCode,
} from '@kilgore/protocol';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import { RawClient } from './support/raw-client.js';
import { type SecureBroker, startSecureBroker } from './support/secure-broker.js';

const logDir = mkdtempSync(join(tmpdir(), 'kilgore-scram-'));
let sb: SecureBroker | undefined;
afterAll(async () => {
  await sb?.stop();
  rmSync(logDir, { recursive: true, force: true });
});

/** What an admin client sends: salt, iterations and the salted password (never the password). */
function upsert(name: string, mechanism: 1 | 2, password: string, iterations = 8192) {
  const salt = randomBytes(24);
  const [hash, len] = mechanism === 1 ? ['sha256', 32] : ['sha512', 64];
  return {
    name,
    mechanism,
    iterations,
    salt,
    saltedPassword: pbkdf2Sync(password, salt, iterations, len, hash as string),
  };
}

async function admin<T>(apiKey: number, body: object): Promise<T> {
  const c = await RawClient.open(sb!.address('PLAINTEXT'));
  try {
    return await c.request<T>(apiKey, 0, body);
  } finally {
    c.close();
  }
}

async function canLogIn(mechanism: 'scram-sha-256' | 'scram-sha-512', password: string): Promise<boolean> {
  const kafka = new Kafka({
    brokers: [sb!.address('SASL_PLAINTEXT')],
    sasl: { mechanism, username: 'carol', password } as never,
    logLevel: logLevel.NOTHING,
    retry: { retries: 0 },
  });
  const a = kafka.admin();
  try {
    await a.connect();
    await a.listTopics();
    return true;
  } catch {
    return false;
  } finally {
    await a.disconnect();
  }
}

describe('SCRAM credentials (AlterUserScramCredentials, DescribeUserScramCredentials)', () => {
  it('upserts credentials checked as Kafka checks them, per user', async () => {
    sb = await startSecureBroker(['PLAINTEXT', 'SASL_PLAINTEXT'], {}, logDir);
    const res = await admin<AlterUserScramCredentialsResponse>(ApiKey.AlterUserScramCredentials, {
      deletions: [{ name: 'nobody', mechanism: 1 }],
      upsertions: [
        upsert('carol', 1, 'carol-256'),
        upsert('carol', 2, 'carol-512'),
        upsert('dave', 1, 'dave-pw', 1000),
        { ...upsert('erin', 1, 'erin-pw'), mechanism: 9 },
      ],
    });
    const byUser = Object.fromEntries(res.results.map((r) => [r.user, r]));
    expect(byUser.carol).toEqual({ user: 'carol', errorCode: 0, errorMessage: null });
    expect(byUser.dave?.errorCode).toBe(ErrorCode.UNACCEPTABLE_CREDENTIAL);
    expect(byUser.erin?.errorCode).toBe(ErrorCode.UNSUPPORTED_SASL_MECHANISM);
    expect(byUser.nobody?.errorCode).toBe(ErrorCode.RESOURCE_NOT_FOUND);
  });

  it('describes mechanisms and iterations, never keys', async () => {
    const all = await admin<DescribeUserScramCredentialsResponse>(ApiKey.DescribeUserScramCredentials, {
      users: null,
    });
    expect(all.results).toEqual([
      {
        user: 'carol',
        errorCode: 0,
        errorMessage: null,
        credentialInfos: [
          { mechanism: 1, iterations: 8192 },
          { mechanism: 2, iterations: 8192 },
        ],
      },
    ]);
    const named = await admin<DescribeUserScramCredentialsResponse>(ApiKey.DescribeUserScramCredentials, {
      users: [{ name: 'dave' }],
    });
    expect(named.results[0]?.errorCode).toBe(ErrorCode.RESOURCE_NOT_FOUND);
  });

  it('kafkajs logs in with the stored credentials, and not with a wrong password', async () => {
    expect(await canLogIn('scram-sha-256', 'carol-256')).toBe(true);
    expect(await canLogIn('scram-sha-512', 'carol-512')).toBe(true);
    expect(await canLogIn('scram-sha-256', 'carol-512')).toBe(false);
  });

  it('persists salt, keys and iterations in the log dir (no password) and keeps them across a restart', async () => {
    const file = readFileSync(join(logDir, 'kilgore-scram-credentials.json'), 'utf8');
    expect(file).toContain('stored_key');
    expect(file).not.toContain('carol-256');
    await sb!.stop({ keepLogDir: true });
    sb = await startSecureBroker(['PLAINTEXT', 'SASL_PLAINTEXT'], {}, logDir);
    expect(await canLogIn('scram-sha-256', 'carol-256')).toBe(true);
  });

  it('deletes a credential: that mechanism no longer logs in, the other still does', async () => {
    const res = await admin<AlterUserScramCredentialsResponse>(ApiKey.AlterUserScramCredentials, {
      deletions: [{ name: 'carol', mechanism: 1 }],
      upsertions: [],
    });
    expect(res.results).toEqual([{ user: 'carol', errorCode: 0, errorMessage: null }]);
    expect(await canLogIn('scram-sha-256', 'carol-256')).toBe(false);
    expect(await canLogIn('scram-sha-512', 'carol-512')).toBe(true);
  });
});
