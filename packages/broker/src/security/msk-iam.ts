import { createHash, createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { SaslAuthenticationError, SaslProtocolError, type SaslServer } from './sasl-mechanism.js';

/** One configured AWS access key: its secret, and the Kafka principal it authenticates as. */
export interface AwsAccessKey {
  secretAccessKey: string;
  principal: string;
  /** When set, the client's x-amz-security-token must equal it (session credentials). */
  sessionToken?: string;
}

export interface MskIamOptions {
  keys: ReadonlyMap<string, AwsAccessKey>;
  /** Names the client may have signed as `host` (the listener's advertised and bound hosts). */
  hosts: readonly string[];
  /** Test hook: the current time in ms. */
  now?: () => number;
}

const VERSION = '2020_10_22';
const ACTION = 'kafka-cluster:Connect';
const ALGORITHM = 'AWS4-HMAC-SHA256';
const SERVICE = 'kafka-cluster';
const EMPTY_SHA256 = createHash('sha256').update('').digest('hex');
/** Clock skew tolerated before x-amz-date, and the longest validity honoured after it. */
const SKEW_MS = 5 * 60_000;
const MAX_EXPIRES_S = 900;

/**
 * AWS_MSK_IAM, as signed by @jm18457/kafkajs-msk-iam-authentication-mechanism and the Java
 * aws-msk-iam-auth client: one JSON token holding a SigV4 presigned `GET /` for the action
 * kafka-cluster:Connect. The broker rebuilds the canonical request, signs it with the configured
 * secret of the access key, and compares. The reply is the JSON the Java client insists on.
 */
export class MskIamServer implements SaslServer {
  readonly mechanism = 'AWS_MSK_IAM';
  principal: string | undefined;
  private done = false;

  constructor(private readonly opts: MskIamOptions) {}

  evaluate(token: Buffer): Buffer {
    if (this.done) throw new SaslProtocolError('AWS_MSK_IAM takes a single token');
    this.done = true;
    let payload: Record<string, unknown>;
    try {
      payload = JSON.parse(token.toString('utf8')) as Record<string, unknown>;
    } catch {
      throw new SaslProtocolError('Authentication failed: AWS_MSK_IAM payload is not JSON');
    }
    if (typeof payload !== 'object' || payload === null) {
      throw new SaslProtocolError('Authentication failed: AWS_MSK_IAM payload is not a JSON object');
    }
    const field = (name: string): string => {
      const v = payload[name];
      if (typeof v !== 'string') throw new SaslAuthenticationError(`Authentication failed: missing ${name}`);
      return v;
    };
    const fail = (why: string): never => {
      throw new SaslAuthenticationError(`Authentication failed: ${why}`);
    };
    if (field('version') !== VERSION) fail(`unsupported version ${field('version')}`);
    if (field('action') !== ACTION) fail(`action must be ${ACTION}`);
    if (field('x-amz-algorithm') !== ALGORITHM) fail(`algorithm must be ${ALGORITHM}`);
    if (field('x-amz-signedheaders') !== 'host') fail('signed headers must be host');
    const host = field('host');
    if (this.opts.hosts.length > 0 && !this.opts.hosts.includes(host))
      fail(`host ${host} is not this broker`);

    const credential = field('x-amz-credential');
    const scope = credential.split('/');
    if (scope.length !== 5 || scope[3] !== SERVICE || scope[4] !== 'aws4_request') {
      fail('malformed x-amz-credential');
    }
    const [accessKeyId, day, region] = scope as [string, string, string];
    const amzDate = field('x-amz-date');
    const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate);
    if (!m) fail('malformed x-amz-date');
    if (day !== amzDate.slice(0, 8)) fail('credential date does not match x-amz-date');
    const [, y, mo, d, h, mi, s] = (m as RegExpExecArray).map(Number) as number[];
    const signedAt = Date.UTC(y!, mo! - 1, d!, h!, mi!, s!);
    const expiresText = field('x-amz-expires');
    if (!/^\d{1,6}$/.test(expiresText)) fail('malformed x-amz-expires');
    const expires = Math.min(Number(expiresText), MAX_EXPIRES_S);
    const now = (this.opts.now ?? Date.now)();
    if (now < signedAt - SKEW_MS) fail('signature date is in the future');
    if (now > signedAt + expires * 1000) fail('signature expired');

    const key = this.opts.keys.get(accessKeyId);
    if (key === undefined) fail('unknown access key');
    const { secretAccessKey, principal, sessionToken } = key as AwsAccessKey;
    const token_ = payload['x-amz-security-token'];
    if (token_ !== undefined && typeof token_ !== 'string') fail('malformed x-amz-security-token');
    if ((sessionToken ?? undefined) !== (token_ ?? undefined)) fail('session token does not match');

    const query = [
      ['Action', ACTION],
      ['X-Amz-Algorithm', ALGORITHM],
      ['X-Amz-Credential', credential],
      ['X-Amz-Date', amzDate],
      ['X-Amz-Expires', expiresText],
      ...(typeof token_ === 'string' ? [['X-Amz-Security-Token', token_]] : []),
      ['X-Amz-SignedHeaders', 'host'],
    ]
      .map(([k, v]) => `${rfc3986(k!)}=${rfc3986(v!)}`)
      .join('&');
    const canonical = `GET\n/\n${query}\nhost:${host}\n\nhost\n${EMPTY_SHA256}`;
    const stringToSign = `${ALGORITHM}\n${amzDate}\n${day}/${region}/${SERVICE}/aws4_request\n${sha256Hex(canonical)}`;
    let k = hmac(`AWS4${secretAccessKey}`, day);
    for (const part of [region, SERVICE, 'aws4_request']) k = hmac(k, part);
    const expected = Buffer.from(createHmac('sha256', k).update(stringToSign).digest('hex'), 'utf8');
    const given = Buffer.from(field('x-amz-signature'), 'utf8');
    if (given.length !== expected.length || !timingSafeEqual(given, expected))
      fail('signature does not match');

    this.principal = principal;
    return Buffer.from(JSON.stringify({ version: VERSION, 'request-id': randomUUID() }), 'utf8');
  }
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** RFC 3986 percent-encoding (encodeURIComponent leaves !'()* alone; SigV4 encodes them). */
function rfc3986(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}
