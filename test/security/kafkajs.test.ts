import { rmSync } from 'node:fs';
import { createMechanism } from '@jm18457/kafkajs-msk-iam-authentication-mechanism';
import { Kafka, logLevel, type SASLOptions } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestCerts, type TestCerts } from './support/certs.js';
import { AWS_KEY, type SecureBroker, startSecureBroker, USERS } from './support/secure-broker.js';

let certs: TestCerts;
let sb: SecureBroker;
beforeAll(async () => {
  certs = makeTestCerts();
  sb = await startSecureBroker(['SASL_PLAINTEXT', 'SASL_SSL'], {
    'ssl.keystore.location': certs.serverKeystorePath,
    'group.initial.rebalance.delay.ms': '0',
  });
});
afterAll(async () => {
  await sb?.stop();
  if (certs) rmSync(certs.dir, { recursive: true, force: true });
});

type Sasl = SASLOptions | ReturnType<typeof createMechanism>;

function client(listener: 'SASL_PLAINTEXT' | 'SASL_SSL', sasl: Sasl): Kafka {
  return new Kafka({
    clientId: 'kilgore-security-test',
    brokers: [sb.address(listener)],
    ssl: listener === 'SASL_SSL' ? { ca: [certs.ca] } : false,
    sasl: sasl as SASLOptions,
    logLevel: logLevel.NOTHING,
    retry: { retries: 0 },
    connectionTimeout: 5000,
  });
}

const good: Record<string, { sasl: Sasl; principal: string }> = {
  PLAIN: { sasl: { mechanism: 'plain', username: 'alice', password: USERS.alice }, principal: 'User:alice' },
  'PLAIN (JAAS user)': {
    sasl: { mechanism: 'plain', username: 'bob', password: USERS.bob },
    principal: 'User:bob',
  },
  'SCRAM-SHA-256': {
    sasl: { mechanism: 'scram-sha-256', username: 'alice', password: USERS.alice },
    principal: 'User:alice',
  },
  'SCRAM-SHA-512': {
    sasl: { mechanism: 'scram-sha-512', username: 'alice', password: USERS.alice },
    principal: 'User:alice',
  },
  AWS_MSK_IAM: {
    sasl: createMechanism({
      region: 'eu-west-1',
      credentials: { accessKeyId: AWS_KEY.accessKeyId, secretAccessKey: AWS_KEY.secretAccessKey },
    }),
    principal: `User:${AWS_KEY.principal}`,
  },
};

const bad: Record<string, Sasl> = {
  PLAIN: { mechanism: 'plain', username: 'alice', password: 'wrong' },
  'SCRAM-SHA-256': { mechanism: 'scram-sha-256', username: 'alice', password: 'wrong' },
  'SCRAM-SHA-512': { mechanism: 'scram-sha-512', username: 'alice', password: 'wrong' },
  AWS_MSK_IAM: createMechanism({
    region: 'eu-west-1',
    credentials: { accessKeyId: AWS_KEY.accessKeyId, secretAccessKey: 'not-the-secret' },
  }),
};

describe.each(['SASL_PLAINTEXT', 'SASL_SSL'] as const)('kafkajs over %s', (listener) => {
  it.each(Object.keys(good))('%s: produces and consumes as its principal', async (name) => {
    const { sasl, principal } = good[name]!;
    const topic = `kjs-${listener}-${name.replace(/[^a-zA-Z0-9]/g, '')}`.toLowerCase();
    const kafka = client(listener, sasl);
    const producer = kafka.producer({ allowAutoTopicCreation: true });
    await producer.connect();
    const before = sb.seen.length;
    await producer.send({ topic, messages: [{ value: 'one' }, { value: 'two' }, { value: 'three' }] });
    await producer.disconnect();
    expect(sb.endOffset(topic)).toBe(3);
    const produces = sb.seen.slice(before).filter((r) => r.apiKey === 0);
    expect(produces.length).toBeGreaterThan(0);
    expect(new Set(produces.map((r) => r.principal))).toEqual(new Set([principal]));
    expect(new Set(produces.map((r) => r.listener))).toEqual(new Set([listener]));

    const consumer = kafka.consumer({ groupId: `g-${topic}` });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const values: string[] = [];
    await new Promise<void>((resolve, reject) => {
      consumer
        .run({
          eachMessage: async ({ message }) => {
            values.push(message.value?.toString() ?? '');
            if (values.length === 3) resolve();
          },
        })
        .catch(reject);
    });
    await consumer.disconnect();
    expect(values).toEqual(['one', 'two', 'three']);
  });

  it.each(Object.keys(bad))('%s with a wrong secret is refused and produces nothing', async (name) => {
    const topic = `kjs-bad-${listener}-${name.replace(/[^a-zA-Z0-9]/g, '')}`.toLowerCase();
    // The topic exists and holds one record written by a good client.
    const ok = client(listener, good.PLAIN!.sasl).producer();
    await ok.connect();
    await ok.send({ topic, messages: [{ value: 'seed' }] });
    await ok.disconnect();
    expect(sb.endOffset(topic)).toBe(1);

    const producer = client(listener, bad[name]!).producer();
    const err = await producer.connect().then(
      () => undefined,
      (e: Error) => e,
    );
    // Built-in mechanisms wrap the broker's error; the IAM package passes the protocol error on.
    if (name === 'AWS_MSK_IAM') {
      expect(err?.name).toBe('KafkaJSProtocolError');
      expect((err as Error & { type?: string }).type).toBe('SASL_AUTHENTICATION_FAILED');
    } else {
      expect(err?.name).toBe('KafkaJSSASLAuthenticationError');
      expect(err?.message).toMatch(/Authentication failed/);
    }
    await producer.send({ topic, messages: [{ value: 'intruder' }] }).catch(() => undefined);
    await producer.disconnect();
    expect(sb.endOffset(topic)).toBe(1);
  });

  it('an unknown mechanism is refused with the enabled list', async () => {
    const producer = client(listener, {
      mechanism: 'oauthbearer',
      oauthBearerProvider: async () => ({ value: 'x' }),
    }).producer();
    const err = await producer.connect().then(
      () => undefined,
      (e: Error) => e,
    );
    // kafkajs reports UNSUPPORTED_SASL_MECHANISM (33) by its message.
    expect(err?.message).toMatch(/does not support the requested SASL mechanism/);
  });
});
