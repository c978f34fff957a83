import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireTool } from '../support/tools.js';
import { makeTestCerts, type TestCerts } from './support/certs.js';
import { run } from './support/run.js';
import { type SecureBroker, startSecureBroker, USERS } from './support/secure-broker.js';

let certs: TestCerts;
let sb: SecureBroker;
beforeAll(async () => {
  certs = makeTestCerts();
  sb = await startSecureBroker(['SASL_SSL'], { 'ssl.keystore.location': certs.serverKeystorePath });
});
afterAll(async () => {
  await sb?.stop();
  if (certs) rmSync(certs.dir, { recursive: true, force: true });
});

function kcatArgs(mechanism: string, password: string): string[] {
  return [
    '-b',
    sb.address('SASL_SSL'),
    '-X',
    'security.protocol=SASL_SSL',
    '-X',
    `sasl.mechanisms=${mechanism}`,
    '-X',
    'sasl.username=alice',
    '-X',
    `sasl.password=${password}`,
    '-X',
    `ssl.ca.location=${certs.caPath}`,
  ];
}

describe.each(['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'])(
  'kcat (librdkafka 2.0) over SASL_SSL with %s',
  (mechanism) => {
    const topic = `kcat-${mechanism.toLowerCase()}`;

    it('produces and consumes', async () => {
      const kcat = requireTool('/usr/bin/kcat', 'kcat');
      const produced = await run(
        kcat,
        [...kcatArgs(mechanism, USERS.alice), '-P', '-t', topic],
        'one\ntwo\nthree\n',
      );
      expect(produced.stderr).toBe('');
      expect(produced.status).toBe(0);
      expect(sb.endOffset(topic)).toBe(3);
      const consumed = await run(kcat, [
        ...kcatArgs(mechanism, USERS.alice),
        '-C',
        '-t',
        topic,
        '-o',
        'beginning',
        '-e',
        '-q',
      ]);
      expect(consumed.status).toBe(0);
      expect(consumed.stdout.trim().split('\n')).toEqual(['one', 'two', 'three']);
    });

    it('with a wrong password is refused and produces nothing', async () => {
      const kcat = requireTool('/usr/bin/kcat', 'kcat');
      const before = sb.endOffset(topic);
      const refused = await run(kcat, [...kcatArgs(mechanism, 'wrong'), '-P', '-t', topic], 'intruder\n');
      expect(refused.status).not.toBe(0);
      expect(refused.stderr).toMatch(/Authentication failure/);
      expect(sb.endOffset(topic)).toBe(before);
    });
  },
);
