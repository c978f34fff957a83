import type { X509Certificate } from 'node:crypto';
import {
  credentialFromSaltedPassword,
  distinguishedName,
  PlainServer,
  parseJaasConfig,
  plainUsersFromJaas,
  SaslAuthenticationError,
  type ScramCredential,
  ScramServer,
  saltPassword,
} from '@kilgore/broker';
import { describe, expect, it } from 'vitest';

describe('SCRAM-SHA-256 server', () => {
  // RFC 7677 section 3: user "user", password "pencil".
  const salt = Buffer.from('W22ZaJ0SNY7soEsUEjb6gQ==', 'base64');
  const credential = credentialFromSaltedPassword(
    'SCRAM-SHA-256',
    saltPassword('SCRAM-SHA-256', 'pencil', salt, 4096),
    salt,
    4096,
  );
  const lookup = (user: string): ScramCredential | undefined => (user === 'user' ? credential : undefined);
  const rfcServer = () => new ScramServer('SCRAM-SHA-256', lookup, () => '%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0');

  it('reproduces the exchange of RFC 7677', () => {
    const server = rfcServer();
    const first = server.evaluate(Buffer.from('n,,n=user,r=rOprNGfwEbeRWgbNEkqO')).toString();
    expect(first).toBe(
      'r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096',
    );
    const final = server.evaluate(
      Buffer.from(
        'c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=',
      ),
    );
    expect(final.toString()).toBe('v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=');
    expect(server.principal).toBe('User:user');
  });

  it('refuses a wrong proof, an unknown user, channel binding and a foreign nonce', () => {
    const wrongProof = rfcServer();
    wrongProof.evaluate(Buffer.from('n,,n=user,r=rOprNGfwEbeRWgbNEkqO'));
    expect(() =>
      wrongProof.evaluate(
        Buffer.from(
          'c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=AAAAZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=',
        ),
      ),
    ).toThrow(/Invalid user credentials/);
    expect(wrongProof.principal).toBeUndefined();
    expect(() => rfcServer().evaluate(Buffer.from('n,,n=mallory,r=abc'))).toThrow(SaslAuthenticationError);
    expect(() => rfcServer().evaluate(Buffer.from('p=tls-unique,,n=user,r=abc'))).toThrow(/channel binding/);
    const replay = rfcServer();
    replay.evaluate(Buffer.from('n,,n=user,r=rOprNGfwEbeRWgbNEkqO'));
    expect(() =>
      replay.evaluate(Buffer.from('c=biws,r=someothernonce,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=')),
    ).toThrow(/nonce/);
  });

  it('refuses credentials with fewer than 4096 iterations', () => {
    const weak = credentialFromSaltedPassword(
      'SCRAM-SHA-256',
      saltPassword('SCRAM-SHA-256', 'pencil', salt, 1000),
      salt,
      1000,
    );
    const server = new ScramServer('SCRAM-SHA-256', () => weak);
    expect(() => server.evaluate(Buffer.from('n,,n=user,r=abc'))).toThrow(SaslAuthenticationError);
  });

  it('unescapes =2C and =3D in user names', () => {
    const seen: string[] = [];
    const server = new ScramServer('SCRAM-SHA-256', (user) => {
      seen.push(user);
      return credential;
    });
    server.evaluate(Buffer.from('n,,n=a=2Cb=3Dc,r=abc'));
    expect(seen).toEqual(['a,b=c']);
  });
});

describe('PLAIN server', () => {
  const users = new Map([['alice', 'secret']]);
  const server = () => new PlainServer((u) => users.get(u));

  it('accepts the right password with an empty or matching authorization id', () => {
    for (const token of ['\0alice\0secret', 'alice\0alice\0secret']) {
      const s = server();
      expect(s.evaluate(Buffer.from(token)).length).toBe(0);
      expect(s.principal).toBe('User:alice');
    }
  });

  it.each([
    ['\0alice\0wrong', /Invalid username or password/],
    ['\0bob\0secret', /Invalid username or password/],
    ['bob\0alice\0secret', /authorization id/],
    ['alice\0secret', /expected 3 tokens/],
    ['\0\0secret', /username not specified/],
  ])('refuses %j', (token, reason) => {
    expect(() => server().evaluate(Buffer.from(token))).toThrow(reason);
  });
});

describe('JAAS configuration', () => {
  it("reads Kafka's PlainLoginModule users", () => {
    const parsed = parseJaasConfig(
      'org.apache.kafka.common.security.plain.PlainLoginModule required username="admin" password="a\\"b" user_admin="a\\"b" user_alice=alice-secret;',
    );
    expect(Array.isArray(parsed)).toBe(true);
    const entries = parsed as Exclude<typeof parsed, string>;
    expect(entries[0]?.flag).toBe('required');
    expect(plainUsersFromJaas(entries)).toEqual(
      new Map([
        ['admin', 'a"b'],
        ['alice', 'alice-secret'],
      ]),
    );
  });

  it.each([
    ['org.Foo required user_a="x"', /not ended/],
    ['org.Foo sometimes;', /control flag/],
    ['org.Foo required user_a=;', /no value/],
  ])('explains what is wrong with %j', (text, reason) => {
    expect(parseJaasConfig(text)).toMatch(reason);
  });
});

describe('certificate subjects', () => {
  const dn = (subject: string) => distinguishedName({ subject } as X509Certificate);
  it('prints RFC 2253 order with escapes, as Java X500Principal does', () => {
    expect(dn('C=US\nO=Acme, Inc.\nOU=eng\nCN=alice')).toBe('CN=alice,OU=eng,O=Acme\\, Inc.,C=US');
    expect(dn('CN=#hash')).toBe('CN=\\#hash');
    expect(dn('CN=bob\nemailAddress=bob@example.com')).toBe(
      `1.2.840.113549.1.9.1=#16${(15).toString(16).padStart(2, '0')}${Buffer.from('bob@example.com').toString('hex')},CN=bob`,
    );
  });
});
