import { writeFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI_TEST_TIMEOUT_MS, collect, kilgore } from './support/cli.js';
import { tempDir } from './support/temp-dir.js';

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe('kilgore serve --chains', { timeout: CLI_TEST_TIMEOUT_MS }, () => {
  const dir = () => tempDir('kilgore-chains-cli-');

  it.each([
    [['--node-id', '9', '--chains', 'a=1@127.0.0.1:9092'], {}, /kilgore\.chains.*node 9 is in no chain/],
    [['--node-id', '1', '--chains', 'a=1@127.0.0.1'], {}, /kilgore\.chains.*nodeId@host:port/],
    [
      ['--node-id', '1'],
      { KILGORE_CHAINS: 'a=1@h:1;b=1@h:2' },
      /kilgore\.chains.*KILGORE_CHAINS.*node 1 is in chains a and b/,
    ],
    [['--node-id', '1', '--chains', 'a=1@h:1;a=2@h:2'], {}, /kilgore\.chains.*chain name a appears twice/],
  ])('exits 2 naming kilgore.chains: %j %j', async (args, env, message) => {
    const run = collect(kilgore(['serve', '--log-dir', dir(), ...args], env));
    expect(await run.exited).toBe(2);
    expect(run.out()).toMatch(message);
  });

  it('applies a changed kilgore.chains on SIGHUP, refuses a bad one, and says what needs a restart', async () => {
    const d = dir();
    const port = await freePort();
    const props = join(d, 'server.properties');
    const write = (chains: string, extra = '') =>
      writeFileSync(
        props,
        `node.id=1\nlisteners=PLAINTEXT://127.0.0.1:${port}\nlog.dirs=${join(d, 'data')}\nkilgore.chains=${chains}\n${extra}`,
      );
    write(`a=1@127.0.0.1:${port}`);
    const child = kilgore(['serve', '--config', props]);
    const run = collect(child);
    try {
      // Each step waits for the line that says the previous one took effect (no clock, no polling);
      // the first SIGHUP goes only once serve has installed its handler (before, SIGHUP ends it).
      await Promise.all([
        run.until('head opened a new chain epoch'),
        run.until('kilgore serve: signal handlers installed'),
      ]);
      write('a=1@127.0.0.1:1,1@127.0.0.1:2'); // malformed (node 1 twice): refused, old list kept
      let from = run.out().length;
      child.kill('SIGHUP');
      from = await run.until('SIGHUP: configuration refused', { from });
      expect(run.out()).toMatch(/node 1 appears twice/);
      write('a=2@127.0.0.2:1'); // removed from the cluster: taken, and the node leaves replication
      child.kill('SIGHUP');
      await run.until('SIGHUP: this node is in no chain now', { from });
      from = await run.until('this node is in no chain: it takes no writes and forwards nothing', { from });
      write(`a=1@127.0.0.1:${port},2@127.0.0.2:1`, 'num.partitions=4\n');
      child.kill('SIGHUP');
      await run.until('SIGHUP: membership changed', { from });
      expect(run.out().slice(from)).toMatch(/"setting":"num.partitions".*needs restart/);
      await run.until('"members":[1,2]', { from });
    } finally {
      child.kill('SIGTERM');
      await run.exited;
    }
  });
});
