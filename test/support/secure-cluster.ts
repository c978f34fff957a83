import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type InterBrokerSecurity, interBrokerDialer } from '@kilgore/broker';
import { PeerConnection } from '@kilgore/chain';
import { decodeResponse, encodeRequest, FrameSplitter } from '@kilgore/protocol';
import { requireTool } from './tools.js';
import type { Address } from './wire.js';

/**
 * A chain cluster on secured listeners (the harness's listener named PLAINTEXT mapped to SASL_SSL,
 * SASL_PLAINTEXT or SSL): certificates made with openssl for 127.0.0.1-3, the authorizer on. SASL:
 * PLAIN and SCRAM-SHA-256 enabled, nodes authenticating to each other as `node`, `node` and
 * `admin` super users; both are JAAS users, so they can log in (also with SCRAM) before any
 * credential is stored. SSL: client certificates required, the nodes' CN=localhost super user.
 */
export const NODE_USER = { user: 'node', password: 'node-secret' };
export const ADMIN_USER = { user: 'admin', password: 'admin-secret' };

export type ListenerProtocol = 'SASL_SSL' | 'SASL_PLAINTEXT' | 'SSL';

export interface SecureClusterSetup {
  dir: string;
  ca: string;
  /** PEM key + certificate of the nodes (CN=localhost) and of a client, CN=alice, same CA. */
  node: { key: string; cert: string };
  alice: { key: string; cert: string };
  settings: Record<string, string>;
  /** A probe for ClusterOptions: the node's listener takes a login. */
  probe: (address: Address) => Promise<unknown>;
  /** How to log in as someone on this cluster's listener (for SecureClient and chain connections). */
  as: (who: {
    user?: string;
    password?: string;
    mechanism?: string;
    tls?: { key: string; cert: string };
  }) => InterBrokerSecurity;
}

/**
 * `protocol` SASL_*: `interBroker` is the mechanism nodes use between them (SCRAM-SHA-256 by
 * default). SSL: client certificates required, nodes are `User:CN=localhost`.
 */
export function secureClusterSetup(
  protocol: ListenerProtocol = 'SASL_SSL',
  interBroker = 'SCRAM-SHA-256',
): SecureClusterSetup {
  const openssl = requireTool('/usr/bin/openssl', 'openssl');
  const dir = mkdtempSync(join(tmpdir(), 'kilgore-chain-certs-'));
  const p = (name: string) => join(dir, name);
  const run = (...args: string[]) => execFileSync(openssl, args, { cwd: dir, stdio: 'pipe' });
  const key = (name: string) =>
    run('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', p(name));
  key('ca.key');
  run(
    'req',
    '-x509',
    '-new',
    '-key',
    p('ca.key'),
    '-out',
    p('ca.pem'),
    '-days',
    '2',
    '-subj',
    '/CN=Chain Test CA',
  );
  const issue = (name: string, subject: string, ext: string) => {
    key(`${name}.key`);
    run('req', '-new', '-key', p(`${name}.key`), '-out', p(`${name}.csr`), '-subj', subject);
    writeFileSync(p(`${name}.ext`), ext);
    run(
      'x509',
      '-req',
      '-in',
      p(`${name}.csr`),
      '-CA',
      p('ca.pem'),
      '-CAkey',
      p('ca.key'),
      '-CAcreateserial',
      '-out',
      p(`${name}.pem`),
      '-days',
      '2',
      '-extfile',
      p(`${name}.ext`),
    );
    return { key: readFileSync(p(`${name}.key`), 'utf8'), cert: readFileSync(p(`${name}.pem`), 'utf8') };
  };
  // One certificate for every node: the harness puts nodes on 127.0.0.1, .2 and .3.
  const node = issue(
    'node',
    '/CN=localhost',
    'subjectAltName=DNS:localhost,IP:127.0.0.1,IP:127.0.0.2,IP:127.0.0.3\nextendedKeyUsage=serverAuth,clientAuth\n',
  );
  const alice = issue('alice', '/CN=alice', 'extendedKeyUsage=clientAuth\n');
  writeFileSync(p('keystore.pem'), node.key + node.cert);
  const ca = readFileSync(p('ca.pem'), 'utf8');
  const tls = protocol !== 'SASL_PLAINTEXT';
  const settings: Record<string, string> = {
    'listener.security.protocol.map': `PLAINTEXT:${protocol}`,
    'authorizer.class.name': 'org.apache.kafka.metadata.authorizer.StandardAuthorizer',
  };
  if (tls) {
    settings['ssl.keystore.location'] = p('keystore.pem');
    settings['ssl.truststore.location'] = p('ca.pem');
  }
  if (protocol === 'SSL') {
    settings['ssl.client.auth'] = 'required';
    settings['super.users'] = 'User:CN=localhost';
  } else {
    const mech = interBroker.toLowerCase();
    const module = mech === 'plain' ? 'plain.PlainLoginModule' : 'scram.ScramLoginModule';
    const users = `user_${NODE_USER.user}="${NODE_USER.password}" user_${ADMIN_USER.user}="${ADMIN_USER.password}"`;
    settings['sasl.enabled.mechanisms'] = 'PLAIN,SCRAM-SHA-256';
    settings['sasl.mechanism.inter.broker.protocol'] = interBroker;
    settings['super.users'] = `User:${NODE_USER.user};User:${ADMIN_USER.user}`;
    const own = `username="${NODE_USER.user}" password="${NODE_USER.password}"`;
    settings['listener.name.plaintext.plain.sasl.jaas.config'] =
      `org.apache.kafka.common.security.plain.PlainLoginModule required ${users}${mech === 'plain' ? ` ${own}` : ''};`;
    if (mech !== 'plain')
      settings[`listener.name.plaintext.${mech}.sasl.jaas.config`] =
        `org.apache.kafka.common.security.${module} required ${own};`;
  }
  const as: SecureClusterSetup['as'] = (who) => ({
    listener: 'PLAINTEXT',
    protocol,
    tls: tls ? { ca, ...(who.tls ?? {}), minVersion: 'TLSv1.2', verifyHostname: true } : undefined,
    sasl:
      protocol === 'SSL'
        ? undefined
        : { mechanism: who.mechanism ?? 'PLAIN', username: who.user ?? '', password: who.password ?? '' },
  });
  const probe = async (address: Address) => {
    const login = protocol === 'SSL' ? as({ tls: node }) : as({ ...ADMIN_USER, mechanism: 'PLAIN' });
    (await SecureClient.connect(address, login)).close();
  };
  return { dir, ca, node, alice, settings, probe, as };
}

/** What the product's inter-broker dialer needs to log in as `user` over TLS (SASL_SSL clusters). */
export function loginAs(ca: string, user: string, password: string, mechanism: string): InterBrokerSecurity {
  return {
    listener: 'PLAINTEXT',
    protocol: 'SASL_SSL',
    tls: { ca, minVersion: 'TLSv1.2', verifyHostname: true },
    sasl: { mechanism, username: user, password },
  };
}

/** A connection that has done TLS and SASL (with the broker's own client code), then raw requests. */
export class SecureClient {
  private readonly splitter = new FrameSplitter({ maxFrameSize: 64 * 1024 * 1024 });
  private readonly frames: Buffer[] = [];
  private wake: (() => void) | undefined;
  private ended = false;
  private id = 100;

  private constructor(private readonly socket: import('node:net').Socket) {
    socket.on('data', (chunk: Buffer) => {
      for (const f of this.splitter.push(chunk)) this.frames.push(f);
      this.wake?.();
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.ended = true;
      this.wake?.();
    });
  }

  static async open(
    address: Address,
    ca: string,
    user: string,
    password: string,
    mechanism: string,
  ): Promise<SecureClient> {
    return SecureClient.connect(address, loginAs(ca, user, password, mechanism));
  }

  /** Connects and logs in as `login` says (TLS and/or SASL). */
  static async connect(address: Address, login: InterBrokerSecurity): Promise<SecureClient> {
    return new SecureClient(await interBrokerDialer(login)(address.host, address.port, 5000));
  }

  /** Sends a request, decodes the answer; throws if the broker closes the connection instead. */
  async request<T>(apiKey: number, apiVersion: number, body: object): Promise<T> {
    const correlationId = this.id++;
    for (const b of encodeRequest({
      header: { apiKey, apiVersion, correlationId, clientId: 'secure-test' },
      body,
    }))
      this.socket.write(b);
    const deadline = Date.now() + 10_000;
    while (this.frames.length === 0) {
      if (this.ended) throw new Error(`the broker closed the connection instead of answering api ${apiKey}`);
      if (Date.now() > deadline) throw new Error(`no answer to api ${apiKey} in 10 s`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 50);
        this.wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
    }
    return decodeResponse<T & object>(apiKey, apiVersion, this.frames.shift()!).body as T;
  }

  close(): void {
    this.socket.destroy();
  }
}

/** A chain connection (the engine's own PeerConnection) logged in as `user`. */
export function chainConnectionAs(
  address: Address,
  ca: string,
  user: string,
  password: string,
  mechanism: string,
): Promise<PeerConnection> {
  return chainConnection(address, loginAs(ca, user, password, mechanism));
}

/** A chain connection (the engine's own PeerConnection) logged in as `login` says. */
export function chainConnection(address: Address, login: InterBrokerSecurity): Promise<PeerConnection> {
  return PeerConnection.connect(address.host, address.port, 5000, interBrokerDialer(login));
}
