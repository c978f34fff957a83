import { randomBytes, timingSafeEqual } from 'node:crypto';
import { userPrincipal } from './principal.js';
import { SaslAuthenticationError, SaslProtocolError, type SaslServer } from './sasl-mechanism.js';
import { hash, hmac, MIN_ITERATIONS, type ScramCredential, type ScramMechanism } from './scram-credential.js';

/** Finds the stored credential of a user for a mechanism; undefined for an unknown user. */
export type ScramLookup = (user: string, mechanism: ScramMechanism) => ScramCredential | undefined;

/**
 * The server side of SCRAM-SHA-256/512 (RFC 5802, RFC 7677) as Kafka's ScramSaslServer runs it:
 * client-first -> server-first (nonce, salt, iterations) -> client-final (proof) -> server-final
 * (`v=` signature). A wrong proof fails with SASL_AUTHENTICATION_FAILED rather than an `e=` reply.
 */
export class ScramServer implements SaslServer {
  principal: string | undefined;
  private state: 'first' | 'final' | 'done' = 'first';
  private user = '';
  private credential: ScramCredential | undefined;
  private nonce = '';
  private gs2Header = '';
  private clientFirstBare = '';
  private serverFirst = '';

  constructor(
    readonly mechanism: ScramMechanism,
    private readonly lookup: ScramLookup,
    /** The server's half of the nonce: random and alphanumeric, as Kafka's ScramFormatter makes it. */
    private readonly serverNonce: () => string = randomNonce,
  ) {}

  evaluate(token: Buffer): Buffer {
    const text = token.toString('utf8');
    switch (this.state) {
      case 'first':
        return this.clientFirst(text);
      case 'final':
        return this.clientFinal(text);
      default:
        throw new SaslProtocolError(`${this.mechanism}: unexpected token after authentication completed`);
    }
  }

  private clientFirst(text: string): Buffer {
    // gs2-header = gs2-cbind-flag "," [ authzid ] ","; Kafka (no channel binding) accepts n or y.
    const m = /^([ny]),(a=[^,]*)?,(.*)$/s.exec(text);
    if (!m)
      throw new SaslProtocolError(
        `${this.mechanism}: invalid client-first message (channel binding is not supported)`,
      );
    const [, , authzid, bare] = m as unknown as [string, string, string | undefined, string];
    const attrs = parseAttributes(bare);
    const user = attrs.get('n');
    const cnonce = attrs.get('r');
    if (user === undefined || cnonce === undefined || cnonce === '') {
      throw new SaslProtocolError(`${this.mechanism}: client-first message lacks n= or r=`);
    }
    if (bare.startsWith('m='))
      throw new SaslProtocolError(`${this.mechanism}: mandatory extensions are not supported`);
    if (attrs.get('tokenauth') === 'true') {
      throw new SaslAuthenticationError('Authentication failed: delegation tokens are not supported');
    }
    this.user = unescapeSaslName(user);
    if (authzid !== undefined && unescapeSaslName(authzid.slice(2)) !== this.user) {
      throw new SaslAuthenticationError(
        'Authentication failed: Client requested an authorization id that is different from username',
      );
    }
    const credential = this.lookup(this.user, this.mechanism);
    if (credential === undefined || credential.iterations < MIN_ITERATIONS) {
      throw new SaslAuthenticationError('Authentication failed: Invalid user credentials');
    }
    this.credential = credential;
    this.gs2Header = text.slice(0, text.length - bare.length);
    this.clientFirstBare = bare;
    this.nonce = cnonce + this.serverNonce();
    this.serverFirst = `r=${this.nonce},s=${credential.salt.toString('base64')},i=${credential.iterations}`;
    this.state = 'final';
    return Buffer.from(this.serverFirst, 'utf8');
  }

  private clientFinal(text: string): Buffer {
    this.state = 'done';
    const proofAt = text.lastIndexOf(',p=');
    if (proofAt < 0) throw new SaslProtocolError(`${this.mechanism}: client-final message has no proof`);
    const withoutProof = text.slice(0, proofAt);
    const attrs = parseAttributes(withoutProof);
    const channelBinding = attrs.get('c');
    if (channelBinding !== Buffer.from(this.gs2Header, 'utf8').toString('base64')) {
      throw new SaslProtocolError(
        `${this.mechanism}: channel binding does not match the client-first header`,
      );
    }
    // Kafka checks that the nonce *ends with* the combined nonce: librdkafka 2.0 sends the client
    // nonce twice (cnonce + cnonce + snonce), and the proof covers what it sent.
    if (!(attrs.get('r') ?? '').endsWith(this.nonce)) {
      throw new SaslProtocolError(`${this.mechanism}: invalid nonce in the client final message`);
    }
    const proof = Buffer.from(text.slice(proofAt + 3), 'base64');
    const credential = this.credential!;
    const authMessage = `${this.clientFirstBare},${this.serverFirst},${withoutProof}`;
    const clientSignature = hmac(this.mechanism, credential.storedKey, authMessage);
    if (proof.length !== clientSignature.length) {
      throw new SaslAuthenticationError('Authentication failed: Invalid client final message');
    }
    const clientKey = Buffer.alloc(proof.length);
    for (let i = 0; i < proof.length; i++) clientKey[i] = proof[i]! ^ clientSignature[i]!;
    if (!timingSafeEqual(hash(this.mechanism, clientKey), credential.storedKey)) {
      throw new SaslAuthenticationError('Authentication failed: Invalid user credentials');
    }
    this.principal = userPrincipal(this.user);
    const serverSignature = hmac(this.mechanism, credential.serverKey, authMessage);
    return Buffer.from(`v=${serverSignature.toString('base64')}`, 'utf8');
  }
}

function randomNonce(): string {
  return randomBytes(24)
    .toString('base64')
    .replace(/[^A-Za-z0-9]/g, '');
}

/** `k=v,k=v` (values may contain `=`); the first occurrence of a key wins. */
function parseAttributes(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of text.split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const key = part.slice(0, eq);
    if (!out.has(key)) out.set(key, part.slice(eq + 1));
  }
  return out;
}

/** RFC 5802 saslname: `=2C` is a comma and `=3D` an equals sign. */
function unescapeSaslName(name: string): string {
  return name.replace(/=2C/g, ',').replace(/=3D/g, '=');
}
