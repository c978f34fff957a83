import { timingSafeEqual } from 'node:crypto';
import { userPrincipal } from './principal.js';
import { SaslAuthenticationError, SaslProtocolError, type SaslServer } from './sasl-mechanism.js';

/** Looks up a PLAIN user's password; undefined for an unknown user. */
export type PasswordLookup = (user: string) => string | undefined;

/**
 * SASL/PLAIN (RFC 4616): one token `authzid NUL authcid NUL password`. As in Kafka's
 * PlainSaslServer, the authorization id must be empty or the user itself; the reply is empty.
 */
export class PlainServer implements SaslServer {
  readonly mechanism = 'PLAIN';
  principal: string | undefined;
  private done = false;

  constructor(private readonly passwordOf: PasswordLookup) {}

  evaluate(token: Buffer): Buffer {
    if (this.done) throw new SaslProtocolError('PLAIN takes a single token');
    this.done = true;
    const parts = token.toString('utf8').split('\0');
    if (parts.length !== 3) throw new SaslProtocolError('Invalid SASL/PLAIN response: expected 3 tokens');
    const [authzid, user, password] = parts as [string, string, string];
    if (user === '') throw new SaslProtocolError('Authentication failed: username not specified');
    if (password === '') throw new SaslProtocolError('Authentication failed: password not specified');
    if (authzid !== '' && authzid !== user) {
      throw new SaslAuthenticationError(
        'Authentication failed: Client requested an authorization id that is different from username',
      );
    }
    const expected = this.passwordOf(user);
    if (expected === undefined || !sameText(expected, password)) {
      throw new SaslAuthenticationError('Authentication failed: Invalid username or password');
    }
    this.principal = userPrincipal(user);
    return Buffer.alloc(0);
  }
}

/** Constant-time comparison of two strings (length leaks; content does not). */
export function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}
