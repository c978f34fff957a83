import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runKafkaClass } from '../support/apache-kafka.js';
import { waitFor } from '../support/cluster.js';
import { JavaDriver, one } from '../support/java.js';
import { type ServeProcess, startServe } from '../support/serve.js';
import { tempDir } from '../support/temp-dir.js';

// A migration in progress across a kill -9 of the broker: two Java 4.1.1 members on
// group.protocol=classic and one on =consumer share a group (upgraded to a consumer group when
// the third joined). The `kilgore serve` process is killed with SIGKILL and started again on the
// same port and log dir. The group must come back from `__consumer_offsets` as a consumer group
// holding the same members: the classic ones restored with their classic metadata, so their
// heartbeats at their generation are accepted; same member ids, same generations, same
// partitions, no rebalance callback, and every record consumed exactly once.

let java: JavaDriver | undefined;
const servers: ServeProcess[] = [];
afterAll(async () => {
  for (const s of servers) s.child.kill('SIGKILL');
  await java?.stop();
});

describe('a group mid-migration survives kill -9 (Java 4.1.1, classic and consumer members)', () => {
  it('comes back as the same consumer group with the same members; nothing lost, nothing twice', async () => {
    const logDir = tempDir('kilgore-mig-restart-');
    const handshake = tempDir('kilgore-mig-handshake-');
    const flags = ['--log-dirs', logDir, '--group-consumer-heartbeat-interval-ms', '1000'];
    const first = await startServe(flags);
    servers.push(first);
    java = JavaDriver.start('Migration');
    const scenario = java.run('restart', first.bootstrap, 'mig-restart', handshake, 2000);
    let failed: unknown;
    scenario.catch((err: unknown) => {
      failed = err;
    });
    await waitFor(
      'phase 1',
      () => (existsSync(join(handshake, 'phase1')) || failed !== undefined ? true : undefined),
      120_000,
      50,
    );
    if (failed) throw failed;

    first.child.kill('SIGKILL');
    await first.exited;
    const second = await startServe(flags, { port: first.port });
    servers.push(second);
    writeFileSync(join(handshake, 'restarted'), '');

    const lines = await scenario;
    const before = one(lines, 'before');
    const after = one(lines, 'after');
    expect(before.type).toBe('Consumer');
    expect(after.type).toBe('Consumer');
    const views = before.views as Record<string, string>;
    expect(Object.keys(views)).toEqual(['m0', 'm1', 'm2']);
    // "<member id> generation <n> owns [p, q]" for each member, unchanged by the restart.
    expect(after.views).toEqual(views);
    expect(second.out()).toMatch(/"consumerGroups":1/);
    expect(one(lines, 'restart')).toMatchObject({
      produced: 2000,
      distinct: 2000,
      missing: 0,
      duplicates: [],
      callbacksAfterPhase1: [],
      errors: [],
    });

    // Kafka's own reader of `__consumer_offsets` (kafka-dump-log.sh --offsets-decoder) reads the
    // classic members' ClassicMemberMetadata as Kilgore wrote it.
    const dump = await runKafkaClass('kafka.tools.DumpLogSegments', [
      '--offsets-decoder',
      '--files',
      join(logDir, '__consumer_offsets-0', '00000000000000000000.log'),
    ]);
    expect(dump.code, dump.stderr).toBe(0);
    const classicMembers = dump.stdout.match(/"classicMemberMetadata":\{"sessionTimeoutMs":10000,/g) ?? [];
    expect(classicMembers.length).toBeGreaterThanOrEqual(2);
    expect(dump.stdout).not.toMatch(/Error|Unknown|Exception/);
  }, 240_000);
});
