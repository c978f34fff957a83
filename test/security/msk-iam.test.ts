import { CreatePayload } from '@jm18457/kafkajs-msk-iam-authentication-mechanism/lib/create-payload.js';
import { ApiKey, ErrorCode, type SaslAuthenticateResponse } from '@kilgore/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawClient } from './support/raw-client.js';
import { AWS_KEY, type SecureBroker, startSecureBroker } from './support/secure-broker.js';

let sb: SecureBroker;
beforeAll(async () => {
  sb = await startSecureBroker(['SASL_PLAINTEXT']);
});
afterAll(async () => {
  await sb?.stop();
});

/** A token signed by the design card's package, as kafkajs would send it (optionally at another time). */
async function signedPayload(
  opts: { host?: string; secret?: string; at?: number; ttl?: string } = {},
): Promise<Record<string, string>> {
  const factory = new CreatePayload({
    region: 'us-east-1',
    ttl: opts.ttl,
    credentials: {
      accessKeyId: AWS_KEY.accessKeyId,
      secretAccessKey: opts.secret ?? AWS_KEY.secretAccessKey,
    },
  });
  const realNow = Date.now;
  if (opts.at !== undefined) Date.now = () => opts.at!;
  try {
    return (await factory.create({ brokerHost: opts.host ?? '127.0.0.1' })) as unknown as Record<
      string,
      string
    >;
  } finally {
    Date.now = realNow;
  }
}

async function authenticate(payload: object): Promise<{ res: SaslAuthenticateResponse; client: RawClient }> {
  const client = await RawClient.open(sb.address('SASL_PLAINTEXT'));
  await client.request(ApiKey.SaslHandshake, 1, { mechanism: 'AWS_MSK_IAM' });
  const res = await client.request<SaslAuthenticateResponse>(ApiKey.SaslAuthenticate, 1, {
    authBytes: Buffer.from(JSON.stringify(payload)),
  });
  return { res, client };
}

describe('AWS_MSK_IAM', () => {
  it('accepts a fresh signature and answers the JSON the Java client requires', async () => {
    const { res, client } = await authenticate(await signedPayload());
    expect(res.errorCode).toBe(0);
    const reply = JSON.parse(res.authBytes.toString()) as Record<string, string>;
    expect(reply.version).toBe('2020_10_22');
    expect(reply['request-id']).toMatch(/\S/);
    await client.request(ApiKey.Metadata, 4, { topics: null, allowAutoTopicCreation: false });
    expect(sb.seen.at(-1)?.principal).toBe(`User:${AWS_KEY.principal}`);
    client.close();
  });

  it.each([
    ['an expired signature', { at: Date.now() - 20 * 60_000 }, /expired/],
    ['a signature from the future', { at: Date.now() + 20 * 60_000 }, /future/],
    ['another host', { host: 'kafka.example.com' }, /host kafka.example.com/],
    ['a wrong secret', { secret: 'nope' }, /signature does not match/],
  ])('refuses %s with SASL_AUTHENTICATION_FAILED, then closes', async (_name, opts, reason) => {
    const { res, client } = await authenticate(await signedPayload(opts));
    expect(res.errorCode).toBe(ErrorCode.SASL_AUTHENTICATION_FAILED);
    expect(res.errorMessage).toMatch(reason);
    await client.closed;
  });

  it.each([
    ['a changed action', { action: 'kafka-cluster:AlterCluster' }, /action/],
    [
      'an unknown access key',
      { 'x-amz-credential': 'AKIDUNKNOWN/20260101/us-east-1/kafka-cluster/aws4_request' },
      /credential date|unknown access key/,
    ],
    ['a longer validity than signed', { 'x-amz-expires': '600' }, /signature does not match/],
  ])('refuses a token with %s', async (_name, change, reason) => {
    const { res, client } = await authenticate({ ...(await signedPayload()), ...change });
    expect(res.errorCode).toBe(ErrorCode.SASL_AUTHENTICATION_FAILED);
    expect(res.errorMessage).toMatch(reason);
    await client.closed;
  });

  it('works with handshake v0 (raw token frames) too', async () => {
    const client = await RawClient.open(sb.address('SASL_PLAINTEXT'));
    await client.request(ApiKey.SaslHandshake, 0, { mechanism: 'AWS_MSK_IAM' });
    client.sendFrame(Buffer.from(JSON.stringify(await signedPayload())));
    const reply = await client.nextFrame();
    expect(JSON.parse(reply!.toString()).version).toBe('2020_10_22');
    client.close();
  });
});
