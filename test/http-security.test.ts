import { pbkdf2Sync, randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { AclOperation, AclPermission, PatternType, ResourceType } from '@kilgore/broker';
import { HttpServer, httpConfigFrom } from '@kilgore/http';
import {
  type AlterUserScramCredentialsResponse,
  ApiKey,
  type CreateAclsResponse,
  ErrorCode,
} from '@kilgore/protocol';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestCerts, type TestCerts } from './security/support/certs.js';
import { type SecureBroker, startSecureBroker, USERS } from './security/support/secure-broker.js';
import { curl } from './support/curl.js';

/**
 * The HTTP interface with kilgore.http.authentication=basic on an https:// listener using the
 * broker's keystore settings, the authorizer on: Basic credentials are checked against the same
 * users as SASL (a SCRAM user set by AlterUserScramCredentials, a PLAIN user of the users file),
 * the principal's ACLs decide, a refused topic is a 403 and missing or wrong credentials a 401.
 */
const CAROL = { user: 'carol', password: 'carol-scram-secret' };
const ADMIN = { principal: 'User:admin' };

let certs: TestCerts;
let sb: SecureBroker;
let http: HttpServer;
let base: string;
/** The same broker's HTTP without Basic: client certificates name the principal. */
let mtls: HttpServer;
let mtlsBase: string;

async function admin<T>(apiKey: number, version: number, body: object): Promise<T> {
  return (await sb.broker.request<T>(apiKey, version, body, ADMIN))!;
}

async function allow(principal: string, topic: string, operations: number[]): Promise<void> {
  const res = await admin<CreateAclsResponse>(ApiKey.CreateAcls, 1, {
    creations: operations.map((operation) => ({
      resourceType: ResourceType.TOPIC,
      resourceName: topic,
      resourcePatternType: PatternType.LITERAL,
      principal,
      host: '*',
      operation,
      permissionType: AclPermission.ALLOW,
    })),
  });
  expect(res.results.map((r) => r.errorCode)).toEqual(operations.map(() => ErrorCode.NONE));
}

beforeAll(async () => {
  certs = makeTestCerts();
  sb = await startSecureBroker(['PLAINTEXT', 'SASL_PLAINTEXT'], {
    'authorizer.class.name': 'org.apache.kafka.metadata.authorizer.StandardAuthorizer',
    'super.users': 'User:admin',
    'ssl.keystore.location': certs.serverKeystorePath,
    'ssl.truststore.location': certs.caPath,
    'ssl.client.auth': 'requested',
    'kilgore.http.listeners': 'https://127.0.0.1:0',
    'kilgore.http.authentication': 'basic',
  });
  // carol is a SCRAM user only: a salted password stored through AlterUserScramCredentials.
  const salt = randomBytes(24);
  const scram = await admin<AlterUserScramCredentialsResponse>(ApiKey.AlterUserScramCredentials, 0, {
    deletions: [],
    upsertions: [
      {
        name: CAROL.user,
        mechanism: 1,
        iterations: 8192,
        salt,
        saltedPassword: pbkdf2Sync(CAROL.password, salt, 8192, 32, 'sha256'),
      },
    ],
  });
  expect(scram.results[0]?.errorCode).toBe(ErrorCode.NONE);
  sb.broker.context.createTopic('carol-topic', 1);
  sb.broker.context.createTopic('other-topic', 1);
  await allow('User:carol', 'carol-topic', [AclOperation.WRITE, AclOperation.READ, AclOperation.DESCRIBE]);
  http = await HttpServer.start(sb.broker, httpConfigFrom(sb.broker.context.config)!, sb.broker.context.log);
  base = http.urls[0]!;
  const noBasic = { ...httpConfigFrom(sb.broker.context.config)!, authentication: 'none' as const };
  mtls = await HttpServer.start(sb.broker, noBasic, sb.broker.context.log);
  mtlsBase = mtls.urls[0]!;
});

afterAll(async () => {
  await http?.stop();
  await mtls?.stop();
  await sb?.stop();
  if (certs) rmSync(certs.dir, { recursive: true, force: true });
});

const tls = () => ['--cacert', certs.caPath];
const as = (who: { user: string; password: string }) => ['-u', `${who.user}:${who.password}`];

describe('HTTP Basic against the broker users, over https', () => {
  it('the https listener serves the broker keystore: curl verifies it against the CA, and refuses it without', async () => {
    expect(base).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const ok = await curl([...tls(), `${base}/openapi.json`]);
    expect(ok.status).toBe(200);
    await expect(curl([`${base}/openapi.json`])).rejects.toThrow(/exit 60/);
  });

  it('carol is a real SCRAM user: kafkajs logs in with SCRAM-SHA-256', async () => {
    const kafka = new Kafka({
      brokers: [sb.address('SASL_PLAINTEXT')],
      sasl: { mechanism: 'scram-sha-256', username: CAROL.user, password: CAROL.password },
      logLevel: logLevel.NOTHING,
      retry: { retries: 0 },
    });
    const a = kafka.admin();
    await a.connect();
    await a.disconnect();
  });

  it('the SCRAM user puts and gets where the ACLs of User:carol allow', async () => {
    const put = await curl(
      [...tls(), ...as(CAROL), '-X', 'POST', '--data-binary', '@-', `${base}/put/carol-topic`],
      'from carol',
    );
    expect(put.status).toBe(200);
    expect(put.json()).toEqual({ topic: 'carol-topic', partition: 0, offset: 0 });
    const get = await curl([...tls(), ...as(CAROL), `${base}/get/carol-topic?from=0`]);
    expect(get.body.toString()).toBe('from carol\n');
  });

  it('a topic her ACLs do not allow is a 403', async () => {
    const put = await curl(
      [...tls(), ...as(CAROL), '-X', 'POST', '--data-binary', '@-', `${base}/put/other-topic`],
      'x',
    );
    expect(put.status).toBe(403);
    expect(put.json().error).toBe('topic_authorization_failed');
    const get = await curl([...tls(), ...as(CAROL), `${base}/get/other-topic?from=0`]);
    expect(get.status).toBe(403);
    const archive = await curl([...tls(), ...as(CAROL), '-X', 'POST', `${base}/archive/carol-topic?upto=1`]);
    expect(archive.status).toBe(403); // DeleteRecords needs DELETE, which carol lacks
    expect(sb.endOffset('other-topic')).toBe(0);
  });

  it('a PLAIN user of the users file authenticates, and her own ACLs apply', async () => {
    const alice = { user: 'alice', password: USERS.alice };
    const denied = await curl([...tls(), ...as(alice), `${base}/get/carol-topic?from=0`]);
    expect(denied.status).toBe(403);
    await allow('User:alice', 'carol-topic', [AclOperation.READ]);
    const ok = await curl([...tls(), ...as(alice), `${base}/get/carol-topic?from=0`]);
    expect(ok.status).toBe(200);
    expect(ok.body.toString()).toBe('from carol\n');
  });

  it('no credentials, a wrong password or an unknown user is a 401 asking for Basic', async () => {
    const none = await curl([...tls(), `${base}/get/carol-topic?from=0`]);
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toMatch(/^Basic realm="kilgore"/);
    expect(none.json().error).toBe('unauthorized');
    const wrong = await curl([
      ...tls(),
      ...as({ user: CAROL.user, password: 'nope' }),
      `${base}/get/carol-topic`,
    ]);
    expect(wrong.status).toBe(401);
    const stranger = await curl([
      ...tls(),
      ...as({ user: 'mallory', password: 'x' }),
      `${base}/get/carol-topic`,
    ]);
    expect(stranger.status).toBe(401);
    const notBasic = await curl([...tls(), '-H', 'Authorization: Bearer abc', `${base}/get/carol-topic`]);
    expect(notBasic.status).toBe(401);
  });
});

describe('client certificates on https without Basic (ssl.client.auth=requested)', () => {
  const ALICE_DN = 'User:CN=alice,OU=eng,O=Acme,C=US';

  it('a verified certificate names the principal, as on a Kafka SSL listener', async () => {
    await allow(ALICE_DN, 'carol-topic', [AclOperation.READ]);
    const withCert = await curl([
      ...tls(),
      '--cert',
      certs.clientCertPath,
      '--key',
      certs.clientKeyPath,
      `${mtlsBase}/get/carol-topic?from=0`,
    ]);
    expect(withCert.status).toBe(200);
    expect(withCert.body.toString()).toBe('from carol\n');
  });

  it('without a certificate the request is kilgore.http.principal (ANONYMOUS here), and refused', async () => {
    const anonymous = await curl([...tls(), `${mtlsBase}/get/carol-topic?from=0`]);
    expect(anonymous.status).toBe(403);
  });

  it('a certificate from a CA the truststore does not hold is a 401', async () => {
    const rogue = await curl([
      ...tls(),
      '--cert',
      certs.rogueCertPath,
      '--key',
      certs.rogueKeyPath,
      `${mtlsBase}/get/carol-topic?from=0`,
    ]);
    expect(rogue.status).toBe(401);
    expect(rogue.json().message).toContain('ssl.truststore');
  });
});
