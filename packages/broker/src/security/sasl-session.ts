import type { ListenerSecurity } from '../config/security.js';
import type { AwsAccessKey } from './msk-iam.js';
import { MskIamServer } from './msk-iam.js';
import { PlainServer } from './plain.js';
import { SaslAuthenticationError, type SaslServer } from './sasl-mechanism.js';
import { ScramServer } from './scram.js';
import { credentialFromPassword, type ScramCredential, type ScramMechanism } from './scram-credential.js';
import type { ScramCredentialStore } from './scram-store.js';

/** What a SASL listener needs to authenticate clients; shared by its connections. */
export interface SaslAuthenticatorOptions {
  listener: ListenerSecurity;
  /** Credentials set through AlterUserScramCredentials (persisted in the log dir). */
  scram: ScramCredentialStore;
  mskIamKeys: ReadonlyMap<string, AwsAccessKey>;
  /** Host names an AWS_MSK_IAM client may have signed. */
  mskIamHosts: readonly string[];
}

/**
 * The mechanisms of one SASL listener. SCRAM users come from the credential store first; a
 * user of the users file / JAAS config without stored credentials can log in with SCRAM too
 * (a credential is derived once, in memory, from the configured password).
 */
export class SaslAuthenticator {
  private readonly derived = new Map<string, ScramCredential>();

  constructor(readonly opts: SaslAuthenticatorOptions) {}

  get mechanisms(): readonly string[] {
    return this.opts.listener.saslMechanisms;
  }

  /** A fresh server for one exchange, or undefined when the mechanism is not enabled here. */
  create(mechanism: string): SaslServer | undefined {
    if (!this.mechanisms.includes(mechanism)) return undefined;
    switch (mechanism) {
      case 'PLAIN':
        return new PlainServer((user) => this.opts.listener.plainUsers.get(user));
      case 'SCRAM-SHA-256':
      case 'SCRAM-SHA-512':
        return new ScramServer(mechanism, (user, m) => this.scramCredential(user, m));
      case 'AWS_MSK_IAM':
        return new MskIamServer({ keys: this.opts.mskIamKeys, hosts: this.opts.mskIamHosts });
      default:
        return undefined;
    }
  }

  private scramCredential(user: string, mechanism: ScramMechanism): ScramCredential | undefined {
    const stored = this.opts.scram.get(user, mechanism);
    if (stored !== undefined) return stored;
    const password = this.opts.listener.plainUsers.get(user);
    if (password === undefined) return undefined;
    const key = `${mechanism}\0${user}`;
    let c = this.derived.get(key);
    if (c === undefined) {
      c = credentialFromPassword(mechanism, password);
      this.derived.set(key, c);
    }
    return c;
  }
}

/**
 * One connection's progress through SASL: handshake (which mechanism, and whether tokens come
 * raw, v0, or in SaslAuthenticate, v1), then the mechanism's tokens, then authenticated.
 */
export class SaslSession {
  state: 'handshake' | 'tokens' | 'authenticated' | 'failed' = 'handshake';
  /** Handshake v0: tokens arrive as bare size-prefixed frames, not Kafka requests. */
  raw = false;
  private server: SaslServer | undefined;

  constructor(readonly authenticator: SaslAuthenticator) {}

  get mechanisms(): readonly string[] {
    return this.authenticator.mechanisms;
  }

  get principal(): string | undefined {
    return this.server?.principal;
  }

  /** Picks the mechanism; false when it is not enabled (the caller answers UNSUPPORTED_SASL_MECHANISM). */
  handshake(mechanism: string, version: number): boolean {
    const server = this.authenticator.create(mechanism);
    if (server === undefined) {
      this.state = 'failed';
      return false;
    }
    this.server = server;
    this.raw = version === 0;
    this.state = 'tokens';
    return true;
  }

  /** Feeds one client token; returns the server's token. Throws SaslAuthenticationError on refusal. */
  async evaluate(token: Buffer): Promise<Buffer> {
    if (this.state !== 'tokens' || this.server === undefined) {
      throw new SaslAuthenticationError('Unexpected SASL token: no mechanism was chosen');
    }
    try {
      const reply = await this.server.evaluate(token);
      if (this.server.principal !== undefined) this.state = 'authenticated';
      return reply;
    } catch (err) {
      this.state = 'failed';
      if (err instanceof SaslAuthenticationError) throw err;
      throw new SaslAuthenticationError(`Authentication failed: ${(err as Error).message}`);
    }
  }
}
