import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { JavaDriver, one } from '../support/java.js';
import { type ServeProcess, startServe } from '../support/serve.js';
import { tempDir } from '../support/temp-dir.js';

// KIP-848 group state across a kill -9 of the broker: two Java 4.1.1 members
// (group.protocol=consumer) consume and commit half the records; the `kilgore serve` process is
// killed with SIGKILL and started again on the same port and log dir; the second half follows.
// The group must come back from `__consumer_offsets` as it was: same member ids, same epochs,
// same partitions, no rebalance callback, and every record consumed exactly once.

let java: JavaDriver | undefined;
const servers: ServeProcess[] = [];
afterAll(async () => {
  for (const s of servers) s.child.kill('SIGKILL');
  await java?.stop();
});

async function until(check: () => boolean, what: string, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('KIP-848 group state survives kill -9 (Java client, group.protocol=consumer)', () => {
  it('members keep their ids, epochs and partitions; nothing lost, nothing twice', async () => {
    const logDir = tempDir('kilgore-cg-restart-');
    const handshake = tempDir('kilgore-cg-handshake-');
    const first = await startServe(['--log-dirs', logDir]);
    servers.push(first);
    java = JavaDriver.start('ConsumerProtocol');
    const scenario = java.run('restart', first.bootstrap, 'cg-restart', 'cg-restart-g', handshake, 2000);
    let failed: unknown;
    scenario.catch((err: unknown) => {
      failed = err;
    });
    await until(() => existsSync(join(handshake, 'phase1')) || failed !== undefined, 'phase 1', 90_000);
    if (failed) throw failed;

    first.child.kill('SIGKILL');
    await first.exited;
    const second = await startServe(['--log-dirs', logDir], { port: first.port });
    servers.push(second);
    writeFileSync(join(handshake, 'restarted'), '');

    const lines = await scenario;
    const before = one(lines, 'before').views as Record<string, string>;
    const after = one(lines, 'after').views as Record<string, string>;
    expect(Object.keys(before)).toEqual(['m0', 'm1']);
    // "<member id> epoch <n> owns [p, q]" for each member, unchanged by the restart.
    expect(after).toEqual(before);
    expect(second.out()).toMatch(/"consumerGroups":1/);
    expect(one(lines, 'restart')).toMatchObject({
      produced: 2000,
      distinct: 2000,
      missing: 0,
      duplicates: [],
      callbacksAfterPhase1: [],
      errors: [],
    });
  }, 240_000);
});
