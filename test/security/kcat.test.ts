import { type ChildProcess, spawn } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
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

describe("kilgore serve with a server.properties in Kafka's words", () => {
  it('serves SASL_SSL to kcat with a JAAS user, and refuses a wrong password', async () => {
    const kcat = requireTool('/usr/bin/kcat', 'kcat');
    const props = join(certs.dir, 'server.properties');
    writeFileSync(
      props,
      [
        'listeners=EXTERNAL://127.0.0.1:0',
        'listener.security.protocol.map=EXTERNAL:SASL_SSL',
        `log.dirs=${join(certs.dir, 'cli-data')}`,
        'ssl.keystore.type=PEM',
        `ssl.keystore.location=${certs.serverKeystorePath}`,
        'sasl.enabled.mechanisms=PLAIN',
        'listener.name.external.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required \\',
        '  username="admin" password="admin-secret" user_carol="carol-secret";',
        '',
      ].join('\n'),
    );
    const main = fileURLToPath(new URL('../../apps/kilgore/src/main.ts', import.meta.url));
    const child: ChildProcess = spawn(
      process.execPath,
      ['--import', 'tsx', main, 'serve', '--config', props],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    try {
      const deadline = Date.now() + 20_000;
      while (!out.includes('kilgore broker started')) {
        if (Date.now() > deadline || child.exitCode !== null)
          throw new Error(`kilgore serve did not start:\n${out}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      const port = Number(/"port":(\d+)/.exec(out)?.[1]);
      const args = (password: string) => [
        '-b',
        `127.0.0.1:${port}`,
        '-X',
        'security.protocol=SASL_SSL',
        '-X',
        'sasl.mechanisms=PLAIN',
        '-X',
        'sasl.username=carol',
        '-X',
        `sasl.password=${password}`,
        '-X',
        `ssl.ca.location=${certs.caPath}`,
      ];
      const produced = await run(kcat, [...args('carol-secret'), '-P', '-t', 'cli'], 'a\nb\n');
      expect(produced.status).toBe(0);
      const refused = await run(kcat, [...args('wrong'), '-P', '-t', 'cli'], 'c\n');
      expect(refused.stderr).toMatch(/Authentication failure/);
      const consumed = await run(kcat, [
        ...args('carol-secret'),
        '-C',
        '-t',
        'cli',
        '-o',
        'beginning',
        '-e',
        '-q',
      ]);
      expect(consumed.stdout.trim().split('\n')).toEqual(['a', 'b']);
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => (child.exitCode !== null ? r(undefined) : child.once('exit', r)));
    }
  });
});
