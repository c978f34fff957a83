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
 * A chain cluster on SASL_SSL listeners (the harness's listener named PLAINTEXT mapped to
 * SASL_SSL): certificates made with openssl for 127.0.0.1-3, PLAIN and SCRAM-SHA-256 enabled,
 * nodes authenticating to each other as `node` with SCRAM, the authorizer on, `node` and `admin`
 * super users. `node` and `admin` are JAAS users, so they can log in (also with SCRAM) before any
 * credential is stored.
 */
export const NODE_USER = { user: 'node', password: 'node-secret' };
export const ADMIN_USER = { user: 'admin', password: 'admin-secret' };

export interface SecureClusterSetup {
  dir: string;
  ca: string;
  settings: Record<string, string>;
  /** A probe for ClusterOptions: the node's listener takes a SASL login. */
  probe: (address: Address) => Promise<unknown>;
}

export function secureClusterSetup(): SecureClusterSetup {
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
  key('node.key');
  run('req', '-new', '-key', p('node.key'), '-out', p('node.csr'), '-subj', '/CN=localhost');
  // One certificate for every node: the harness puts nodes on 127.0.0.1, .2 and .3.
  writeFileSync(
    p('node.ext'),
    'subjectAltName=DNS:localhost,IP:127.0.0.1,IP:127.0.0.2,IP:127.0.0.3\nextendedKeyUsage=serverAuth,clientAuth\n',
  );
  run(
    'x509',
    '-req',
    '-in',
    p('node.csr'),
    '-CA',
    p('ca.pem'),
    '-CAkey',
    p('ca.key'),
    '-CAcreateserial',
    '-out',
    p('node.pem'),
    '-days',
    '2',
    '-extfile',
    p('node.ext'),
  );
  writeFileSync(p('keystore.pem'), readFileSync(p('node.key'), 'utf8') + readFileSync(p('node.pem'), 'utf8'));
  const ca = readFileSync(p('ca.pem'), 'utf8');
  const settings: Record<string, string> = {
    'listener.security.protocol.map': 'PLAINTEXT:SASL_SSL',
    'ssl.keystore.location': p('keystore.pem'),
    'ssl.truststore.location': p('ca.pem'),
    'sasl.enabled.mechanisms': 'PLAIN,SCRAM-SHA-256',
    'sasl.mechanism.inter.broker.protocol': 'SCRAM-SHA-256',
    'listener.name.plaintext.plain.sasl.jaas.config': `org.apache.kafka.common.security.plain.PlainLoginModule required user_${NODE_USER.user}="${NODE_USER.password}" user_${ADMIN_USER.user}="${ADMIN_USER.password}";`,
    'listener.name.plaintext.scram-sha-256.sasl.jaas.config': `org.apache.kafka.common.security.scram.ScramLoginModule required username="${NODE_USER.user}" password="${NODE_USER.password}";`,
    'authorizer.class.name': 'org.apache.kafka.metadata.authorizer.StandardAuthorizer',
    'super.users': `User:${NODE_USER.user};User:${ADMIN_USER.user}`,
  };
  const probe = async (address: Address) => {
    const c = await SecureClient.open(address, ca, ADMIN_USER.user, ADMIN_USER.password, 'PLAIN');
    c.close();
  };
  return { dir, ca, settings, probe };
}

/** What the product's inter-broker dialer needs to log in as `user` over TLS. */
export function loginAs(ca: string, user: string, password: string, mechanism: string): InterBrokerSecurity {
  return {
    listener: 'PLAINTEXT',
    protocol: 'SASL_SSL',
    tls: {
      ca,
      minVersion: 'TLSv1.2',
      verifyHostname: true,
    },
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
    const dial = interBrokerDialer(loginAs(ca, user, password, mechanism));
    return new SecureClient(await dial(address.host, address.port, 5000));
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
  return PeerConnection.connect(
    address.host,
    address.port,
    5000,
    interBrokerDialer(loginAs(ca, user, password, mechanism)),
  );
}
