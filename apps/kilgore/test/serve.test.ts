import { readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI_TEST_TIMEOUT_MS, collect, kilgore } from './support/cli.js';
import { tempDir } from './support/temp-dir.js';

describe('kilgore serve', { timeout: CLI_TEST_TIMEOUT_MS }, () => {
  it.each([
    [['serve', '--num-partitions', '0'], {}, 'num.partitions'],
    [['serve', '--listeners', 'nonsense'], {}, 'listeners'],
    [['serve'], { KILGORE_LOG_SEGMENT_BYTES: 'big' }, 'log.segment.bytes'],
  ])('exits non-zero naming the bad setting: %j %j', async (args, env, setting) => {
    const run = collect(kilgore(args, env));
    expect(await run.exited).toBe(2);
    expect(run.out()).toContain(setting);
  });

  it('reads server.properties, serves, and shuts down cleanly on SIGTERM', async () => {
    const dir = tempDir('kilgore-cli-');
    const props = join(dir, 'server.properties');
    writeFileSync(
      props,
      `node.id=7\nlisteners=PLAINTEXT://127.0.0.1:0\nlog.dirs=${join(dir, 'data')}\nzookeeper.connect=x\n`,
    );
    const child = kilgore(['serve', '--config', props], { KILGORE_NUM_PARTITIONS: '3' });
    const run = collect(child);
    await run.until('kilgore serve: signal handlers installed');
    expect(run.out()).toContain('zookeeper.connect');
    const port = Number(/"port":(\d+)/.exec(run.out())?.[1]);
    // A client is connected while the broker stops.
    const socket = connect({ port, host: '127.0.0.1' });
    await new Promise((r) => socket.once('connect', r));
    const closed = new Promise((r) => socket.once('close', r));
    socket.on('error', () => {});
    child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    await closed;
    expect(run.out()).toContain('kilgore broker stopped');
    expect(readFileSync(join(dir, 'data', 'meta.properties'), 'utf8')).toContain('node.id=7');
  });

  it('refuses a log dir that belongs to another node.id', async () => {
    const dir = tempDir('kilgore-cli-');
    writeFileSync(join(dir, 'meta.properties'), 'version=1\nnode.id=3\ncluster.id=AAAAAAAAAAAAAAAAAAAAAA\n');
    const run = collect(kilgore(['serve', '--log-dir', dir, '--listeners', 'PLAINTEXT://127.0.0.1:0']));
    expect(await run.exited).toBe(1);
    expect(run.out()).toContain('node.id');
  });
});
