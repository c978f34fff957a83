import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireTool } from '../../support/tools.js';

/** PEM files made for one test run: a CA, a server identity for 127.0.0.1/localhost, client identities. */
export interface TestCerts {
  dir: string;
  /** CA certificate (PEM path and text). */
  caPath: string;
  ca: string;
  /** Server key + certificate in one PEM file (ssl.keystore.location). */
  serverKeystorePath: string;
  /** A client certificate signed by the CA: subject C=US, O=Acme, OU=eng, CN=alice. */
  clientCertPath: string;
  clientKeyPath: string;
  /** The same subject, signed by a CA the broker does not trust. */
  rogueCertPath: string;
  rogueKeyPath: string;
}

/** Generates the certificates with the openssl CLI into a fresh temp dir (EC P-256 keys: fast). */
export function makeTestCerts(): TestCerts {
  const openssl = requireTool('/usr/bin/openssl', 'openssl');
  const dir = mkdtempSync(join(tmpdir(), 'kilgore-certs-'));
  const p = (name: string) => join(dir, name);
  const run = (...args: string[]) => execFileSync(openssl, args, { cwd: dir, stdio: 'pipe' });
  const key = (name: string) =>
    run('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', p(name));
  const ca = (name: string, subject: string) => {
    key(`${name}.key`);
    run(
      'req',
      '-x509',
      '-new',
      '-key',
      p(`${name}.key`),
      '-out',
      p(`${name}.pem`),
      '-days',
      '2',
      '-subj',
      subject,
    );
  };
  const issue = (name: string, subject: string, caName: string, ext: string) => {
    key(`${name}.key`);
    run('req', '-new', '-key', p(`${name}.key`), '-out', p(`${name}.csr`), '-subj', subject);
    writeFileSync(p(`${name}.ext`), ext);
    run(
      'x509',
      '-req',
      '-in',
      p(`${name}.csr`),
      '-CA',
      p(`${caName}.pem`),
      '-CAkey',
      p(`${caName}.key`),
      '-CAcreateserial',
      '-out',
      p(`${name}.pem`),
      '-days',
      '2',
      '-extfile',
      p(`${name}.ext`),
    );
  };
  ca('ca', '/CN=Kilgore Test CA');
  ca('rogue-ca', '/CN=Someone Else CA');
  issue(
    'server',
    '/CN=localhost',
    'ca',
    'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n',
  );
  issue('client', '/C=US/O=Acme/OU=eng/CN=alice', 'ca', 'extendedKeyUsage=clientAuth\n');
  issue('rogue', '/C=US/O=Acme/OU=eng/CN=alice', 'rogue-ca', 'extendedKeyUsage=clientAuth\n');
  writeFileSync(
    p('server-keystore.pem'),
    readFileSync(p('server.key'), 'utf8') + readFileSync(p('server.pem'), 'utf8'),
  );
  return {
    dir,
    caPath: p('ca.pem'),
    ca: readFileSync(p('ca.pem'), 'utf8'),
    serverKeystorePath: p('server-keystore.pem'),
    clientCertPath: p('client.pem'),
    clientKeyPath: p('client.key'),
    rogueCertPath: p('rogue.pem'),
    rogueKeyPath: p('rogue.key'),
  };
}
