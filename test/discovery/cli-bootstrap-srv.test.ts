import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../support/broker.js';
import { type Dnsmasq, startDnsmasq } from './support/dnsmasq.js';

const MAIN = fileURLToPath(new URL('../../apps/kilgore/dist/main.js', import.meta.url));
const SRV = '_kafka._tcp.single.kilgore.local';

/** Runs the built CLI; resolves with its exit code and output. */
function kilgore(
  args: string[],
  stdin = '',
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: build first (npx tsc -b)`);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [MAIN, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

describe('client commands find the cluster through --bootstrap-srv', () => {
  let broker: TestBroker;
  let dns: Dnsmasq;
  let srvArgs: string[];
  beforeAll(async () => {
    broker = await startTestBroker();
    const port = Number(broker.bootstrap.split(':')[1]);
    dns = await startDnsmasq({
      srv: [{ name: SRV, target: 'kilgore-1.single.kilgore.local', port }],
      hosts: { 'kilgore-1.single.kilgore.local': '127.0.0.1' },
    });
    srvArgs = ['--bootstrap-srv', SRV, '--dns-server', dns.server, '--srv-hosts', 'address'];
  });
  afterAll(async () => {
    await dns?.stop();
    await broker?.stop();
  });

  it('creates, lists, produces to and consumes from a topic', async () => {
    const created = await kilgore(['topics', 'create', 'srv-cli', '--partitions', '2', ...srvArgs]);
    expect(created.stderr).toBe('');
    expect(created.stdout).toBe('created srv-cli\n');
    const listed = await kilgore(['topics', 'list', ...srvArgs]);
    expect(listed.stdout.split('\n')).toContain('srv-cli');

    const produced = await kilgore(
      ['produce', '--topic', 'srv-cli', '--key-separator', ':', ...srvArgs],
      'k1:one\nk2:two\nk3:three\n',
    );
    expect(produced).toMatchObject({ code: 0, stderr: 'produced 3 record(s) to srv-cli\n' });
    const consumed = await kilgore([
      'consume',
      '--topic',
      'srv-cli',
      '--from-beginning',
      '-n',
      '3',
      '--print-key',
      ...srvArgs,
    ]);
    expect(consumed.code).toBe(0);
    expect(consumed.stdout.trim().split('\n').sort()).toEqual(['k1\tone', 'k2\ttwo', 'k3\tthree']);
  });

  it('also takes --bootstrap-server', async () => {
    const listed = await kilgore(['topics', 'list', '--bootstrap-server', broker.bootstrap]);
    expect(listed.code).toBe(0);
  });

  it('says what is wrong when the SRV name does not resolve, or no bootstrap is given', async () => {
    const missing = await kilgore([
      'topics',
      'list',
      '--bootstrap-srv',
      '_kafka._tcp.none.kilgore.local',
      '--dns-server',
      dns.server,
    ]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(
      /^kilgore: --bootstrap-srv _kafka._tcp.none.kilgore.local: DNS SRV .* nxdomain: no such name\n$/,
    );
    const none = await kilgore(['topics', 'list']);
    expect(none).toMatchObject({ code: 2, stderr: 'kilgore: give --bootstrap-server or --bootstrap-srv\n' });
  });
});
