/**
 * The client side of SCRAM (RFC 5802, no channel binding), as a node authenticating to another
 * node speaks it: client-first, then client-final with the proof, then the server's signature is
 * checked, so a node never streams to a listener that does not know its credential.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { hash, hmac, type ScramMechanism, saltPassword } from '../security/scram-credential.js';

/** Kafka's saslname escaping of a user name ('=' and ',' are the separators). */
const saslName = (user: string) => user.replace(/=/g, '=3D').replace(/,/g, '=2C');

function attributes(message: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of message.split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) out.set(part.slice(0, eq), part.slice(eq + 1));
  }
  return out;
}

export class ScramClient {
  readonly #nonce = randomBytes(24).toString('base64');
  readonly #firstBare: string;
  #authMessage = '';
  #serverKey: Buffer | undefined;

  constructor(
    private readonly mechanism: ScramMechanism,
    user: string,
    private readonly password: string,
  ) {
    this.#firstBare = `n=${saslName(user)},r=${this.#nonce}`;
  }

  first(): Buffer {
    return Buffer.from(`n,,${this.#firstBare}`, 'utf8');
  }

  /** The answer to server-first; throws when the server's message is not a valid one. */
  final(serverFirst: Buffer): Buffer {
    const text = serverFirst.toString('utf8');
    const a = attributes(text);
    const nonce = a.get('r');
    const salt = a.get('s');
    const iterations = Number(a.get('i'));
    if (a.has('e')) throw new Error(`SCRAM refused: ${a.get('e')}`);
    if (
      !nonce?.startsWith(this.#nonce) ||
      salt === undefined ||
      !Number.isInteger(iterations) ||
      iterations < 1
    )
      throw new Error('SCRAM: malformed server-first message');
    const salted = saltPassword(this.mechanism, this.password, Buffer.from(salt, 'base64'), iterations);
    const clientKey = hmac(this.mechanism, salted, 'Client Key');
    const withoutProof = `c=biws,r=${nonce}`;
    this.#authMessage = `${this.#firstBare},${text},${withoutProof}`;
    const signature = hmac(this.mechanism, hash(this.mechanism, clientKey), this.#authMessage);
    const proof = Buffer.alloc(clientKey.length);
    for (let i = 0; i < proof.length; i++) proof[i] = clientKey[i]! ^ signature[i]!;
    this.#serverKey = hmac(this.mechanism, salted, 'Server Key');
    return Buffer.from(`${withoutProof},p=${proof.toString('base64')}`, 'utf8');
  }

  /** Checks server-final: the server proves it knows the credential too. */
  verify(serverFinal: Buffer): void {
    const a = attributes(serverFinal.toString('utf8'));
    if (a.has('e')) throw new Error(`SCRAM refused: ${a.get('e')}`);
    const v = Buffer.from(a.get('v') ?? '', 'base64');
    const expected = hmac(this.mechanism, this.#serverKey ?? Buffer.alloc(0), this.#authMessage);
    if (v.length !== expected.length || !timingSafeEqual(v, expected))
      throw new Error('SCRAM: the server signature does not match');
  }
}
