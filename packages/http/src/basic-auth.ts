import { createHash, pbkdf2, randomBytes, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import {
  type Broker,
  credentialFromSaltedPassword,
  SCRAM_MECHANISMS,
  type ScramMechanism,
  userPrincipal,
} from '@kilgore/broker';
import { HttpError } from './errors.js';

const pbkdf2Async = promisify(pbkdf2);

/** How long a checked SCRAM login is remembered: PBKDF2 costs milliseconds per check. */
const REMEMBER_MS = 10_000;
const REMEMBER_MAX = 10_000;

/**
 * HTTP Basic against the broker's own users: the PLAIN users (kilgore.sasl.users.file and the
 * SASL listeners' JAAS user_ options) and the SCRAM credentials set by AlterUserScramCredentials.
 * A SCRAM credential keeps no password, so the password given is salted with the credential's
 * salt and iterations and its StoredKey compared, which is what a SCRAM login proves.
 */
export class BasicAuth {
  private readonly plain = new Map<string, string>();
  /** Digest of user, password and a per-process secret -> the credential it matched, and when. */
  private readonly verified = new Map<string, { at: number; mechanism: ScramMechanism; storedKey: Buffer }>();
  private readonly secret = randomBytes(32);

  constructor(private readonly broker: Broker) {
    for (const l of broker.context.config.security?.listeners.values() ?? []) {
      for (const [user, password] of l.plainUsers) this.plain.set(user, password);
    }
  }

  /** The principal of an Authorization header, or a 401. */
  async principalOf(header: string | undefined): Promise<string> {
    if (header === undefined) throw unauthorized('this request needs HTTP Basic credentials');
    const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
    if (m === null) throw unauthorized('the Authorization header is not HTTP Basic');
    const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon <= 0) throw unauthorized('the Basic credentials are not user:password');
    const user = decoded.slice(0, colon);
    const password = decoded.slice(colon + 1);
    if (!(await this.check(user, password))) throw unauthorized('invalid user name or password');
    return userPrincipal(user);
  }

  private async check(user: string, password: string): Promise<boolean> {
    const known = this.plain.get(user);
    if (known !== undefined && sameText(known, password)) return true;
    const store = this.broker.context.scramCredentials;
    if (store === undefined) return false;
    const key = createHash('sha256').update(this.secret).update(`${user}\0${password}`).digest('base64');
    const seen = this.verified.get(key);
    // Only while the credential is the one checked: a changed or deleted one is checked afresh.
    if (seen !== undefined && Date.now() - seen.at < REMEMBER_MS) {
      if (store.get(user, seen.mechanism)?.storedKey.equals(seen.storedKey)) return true;
    }
    for (const mechanism of Object.keys(SCRAM_MECHANISMS) as ScramMechanism[]) {
      const c = store.get(user, mechanism);
      if (c === undefined) continue;
      // On libuv's thread pool: a stream of wrong passwords must not stall the broker's event loop.
      const { hash, keyLength } = SCRAM_MECHANISMS[mechanism];
      const salted = await pbkdf2Async(Buffer.from(password, 'utf8'), c.salt, c.iterations, keyLength, hash);
      const derived = credentialFromSaltedPassword(mechanism, salted, c.salt, c.iterations);
      if (
        derived.storedKey.length === c.storedKey.length &&
        timingSafeEqual(derived.storedKey, c.storedKey)
      ) {
        if (this.verified.size >= REMEMBER_MAX) this.verified.clear();
        this.verified.set(key, { at: Date.now(), mechanism, storedKey: c.storedKey });
        return true;
      }
    }
    return false;
  }
}

function unauthorized(message: string): HttpError {
  return new HttpError(
    401,
    'unauthorized',
    message,
    {},
    { 'www-authenticate': 'Basic realm="kilgore", charset="UTF-8"' },
  );
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}
