import { ConfigError, loadConfig } from '@kilgore/broker';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { AclStore } from '../src/acl/store.js';
import type { AclBinding } from '../src/acl/types.js';
import { ScramClient } from '../src/chain/scram-client.js';
import { SecuritySync } from '../src/chain/security-sync.js';
import { ScramServer } from '../src/security/scram.js';
import { credentialFromPassword } from '../src/security/scram-credential.js';
import { ScramCredentialStore } from '../src/security/scram-store.js';
import { tempDir } from './temp-dir.js';

describe('ScramClient (a node logging in to another node)', () => {
  const stored = credentialFromPassword('SCRAM-SHA-512', 'node-secret');
  const server = () => new ScramServer('SCRAM-SHA-512', (u) => (u === 'no,de=1' ? stored : undefined));

  it('completes an exchange with the broker SCRAM server, with an escaped user name', () => {
    const s = server();
    const c = new ScramClient('SCRAM-SHA-512', 'no,de=1', 'node-secret');
    const serverFirst = s.evaluate(c.first());
    const serverFinal = s.evaluate(c.final(serverFirst));
    expect(s.principal).toBe('User:no,de=1');
    expect(() => c.verify(serverFinal)).not.toThrow();
  });

  it('is refused with a wrong password, and refuses a server that does not know the credential', () => {
    const s = server();
    const c = new ScramClient('SCRAM-SHA-512', 'no,de=1', 'wrong');
    const serverFirst = s.evaluate(c.first());
    expect(() => s.evaluate(c.final(serverFirst))).toThrow();
    // A server proving the wrong key: the client notices.
    const c2 = new ScramClient('SCRAM-SHA-512', 'no,de=1', 'node-secret');
    const s2 = server();
    s2.evaluate(c2.final(s2.evaluate(c2.first())));
    expect(() => c2.verify(Buffer.from('v=AAAA'))).toThrow(/signature/);
    expect(() => c2.final(Buffer.from('r=not-my-nonce,s=AAAA,i=4096'))).toThrow(/malformed/);
  });
});

describe('inter-broker settings', () => {
  const load = (flags: Record<string, string>) =>
    loadConfig({ flags: { 'log.dirs': tempDir('kilgore-chainsec-'), ...flags } }).config;
  const scramJaas =
    'org.apache.kafka.common.security.scram.ScramLoginModule required username="node" password="pw";';

  it('takes the listener, mechanism and credentials from Kafka settings', () => {
    const c = load({
      listeners: 'CLIENT://127.0.0.1:9092,INTERNAL://127.0.0.1:9093',
      'listener.security.protocol.map': 'CLIENT:PLAINTEXT,INTERNAL:SASL_PLAINTEXT',
      'inter.broker.listener.name': 'INTERNAL',
      'sasl.enabled.mechanisms': 'SCRAM-SHA-256',
      'sasl.mechanism.inter.broker.protocol': 'SCRAM-SHA-256',
      'listener.name.internal.scram-sha-256.sasl.jaas.config': scramJaas,
    });
    expect(c.security?.interBroker).toEqual({
      listener: 'INTERNAL',
      protocol: 'SASL_PLAINTEXT',
      sasl: { mechanism: 'SCRAM-SHA-256', username: 'node', password: 'pw' },
    });
    const byProtocol = load({
      listeners: 'CLIENT://127.0.0.1:9092,INTERNAL://127.0.0.1:9093',
      'listener.security.protocol.map': 'CLIENT:PLAINTEXT,INTERNAL:SASL_PLAINTEXT',
      'security.inter.broker.protocol': 'SASL_PLAINTEXT',
      'listener.name.internal.plain.sasl.jaas.config':
        'org.apache.kafka.common.security.plain.PlainLoginModule required username="n" password="p" user_n="p";',
    });
    expect(byProtocol.security?.interBroker?.sasl).toEqual({
      mechanism: 'PLAIN',
      username: 'n',
      password: 'p',
    });
  });

  it('names what is missing or wrong', () => {
    const noCreds = load({
      listeners: 'SASL_PLAINTEXT://127.0.0.1:9092',
      'sasl.enabled.mechanisms': 'PLAIN',
    });
    expect(noCreds.security?.interBroker?.problem).toMatch(
      /listener\.name\.sasl_plaintext\.plain\.sasl\.jaas\.config with username/,
    );
    expect(() =>
      load({ listeners: 'PLAINTEXT://127.0.0.1:9092', 'inter.broker.listener.name': 'NOPE' }),
    ).toThrow(ConfigError);
    expect(() =>
      load({
        listeners: 'SASL_PLAINTEXT://127.0.0.1:9092',
        'sasl.enabled.mechanisms': 'PLAIN',
        'sasl.mechanism.inter.broker.protocol': 'SCRAM-SHA-512',
      }),
    ).toThrow(/does not enable SCRAM-SHA-512/);
    expect(() =>
      load({
        listeners: 'PLAINTEXT://127.0.0.1:9092',
        'inter.broker.listener.name': 'PLAINTEXT',
        'security.inter.broker.protocol': 'PLAINTEXT',
      }),
    ).toThrow(/not both/);
  });
});

describe('SecuritySync (ACLs and SCRAM credentials between two nodes)', () => {
  const log = pino({ level: 'silent' });
  const node = () => {
    const dir = tempDir('kilgore-chainsec-');
    const acls = new AclStore(dir, log);
    const scram = new ScramCredentialStore(dir);
    const kicked: number[] = [];
    const sync = new SecuritySync(
      acls,
      scram,
      log,
      () => [2],
      (id) => kicked.push(id),
    );
    return { dir, acls, scram, sync, kicked };
  };
  const acl: AclBinding = {
    resourceType: 2,
    resourceName: 'orders',
    patternType: 3,
    principal: 'User:alice',
    host: '*',
    operation: 4,
    permission: 3,
  };

  it('sends each local change once acknowledged, applies it without echo, and a pull replaces the set', () => {
    const a = node();
    const b = node();
    a.acls.add([acl]);
    a.scram.apply([
      { user: 'alice', mechanism: 'SCRAM-SHA-256', credential: credentialFromPassword('SCRAM-SHA-256', 'x') },
    ]);
    expect(a.kicked).toEqual([2, 2]);
    const out = a.sync.pending(2);
    expect(out.count).toBe(2);
    b.sync.receive(out.payload, 1);
    a.sync.delivered(2, out.count);
    expect(a.sync.pending(2)).toEqual({ payload: null, count: 0 });
    expect(b.acls.list()).toEqual([acl]);
    expect(b.scram.get('alice', 'SCRAM-SHA-256')?.storedKey).toEqual(
      a.scram.get('alice', 'SCRAM-SHA-256')?.storedKey,
    );
    expect(b.kicked).toEqual([]); // applied from a peer: not sent back
    // Persisted: a fresh store on b's dir reads them.
    const reread = new AclStore(b.dir, log);
    reread.load();
    expect(reread.list()).toEqual([acl]);

    // A starting node with stale state takes the peer's whole set.
    const c = node();
    c.acls.add([{ ...acl, resourceName: 'stale' }]);
    c.scram.apply([
      { user: 'bob', mechanism: 'SCRAM-SHA-512', credential: credentialFromPassword('SCRAM-SHA-512', 'y') },
    ]);
    c.sync.receive(b.sync.snapshot(), 2);
    expect(c.acls.list()).toEqual([acl]);
    expect(c.scram.get('bob', 'SCRAM-SHA-512')).toBeUndefined();
    expect(c.scram.get('alice', 'SCRAM-SHA-256')).toBeDefined();

    // Deletions travel too; garbage is logged and ignored.
    a.acls.remove([{ ...acl }]);
    a.scram.apply([{ user: 'alice', mechanism: 'SCRAM-SHA-256', credential: null }]);
    b.sync.receive(a.sync.pending(2).payload, 1);
    expect(b.acls.list()).toEqual([]);
    expect(b.scram.get('alice', 'SCRAM-SHA-256')).toBeUndefined();
    expect(() => b.sync.receive('{not json', 1)).not.toThrow();
  });
});
