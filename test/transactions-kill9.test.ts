import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { KILGORE_MAIN } from './support/cluster.js';
import { pypiPython } from './support/pypi.js';
import { tempDir } from './support/temp-dir.js';

// Transactions across a kill -9 of the broker: a librdkafka transactional producer (PyPI
// confluent-kafka) commits and aborts transactions of 5 records in a loop; the broker process is
// killed mid-run and restarted on the same log dir. Afterwards, under read_committed, every
// transaction the producer saw committed is visible whole, every aborted one never, and the one
// in flight at the kill is all-or-nothing.

const run = promisify(execFile);
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

function launch(cmd: string, args: string[]) {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const until = async (check: (out: string) => boolean, ms = 30_000) => {
    const deadline = Date.now() + ms;
    while (!check(out)) {
      if (Date.now() > deadline || child.exitCode !== null)
        throw new Error(`gave up waiting; output:\n${out}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  return { child, out: () => out, until, exited };
}

const serve = (port: number, logDir: string) =>
  launch(process.execPath, [
    KILGORE_MAIN,
    'serve',
    '--listeners',
    `PLAINTEXT://127.0.0.1:${port}`,
    '--log-dirs',
    logDir,
  ]);

// argv: bootstrap. Transaction i holds t<i>-0..4; every third one is aborted. Prints the outcome
// of each transaction once the broker answered its EndTxn.
const producer = `
import sys
from confluent_kafka import Producer
p = Producer({'bootstrap.servers': sys.argv[1], 'transactional.id': 'kill9', 'linger.ms': 2,
              'transaction.timeout.ms': 60000})
p.init_transactions(20)
for i in range(100000):
    p.begin_transaction()
    for j in range(5):
        p.produce('k9', value=('t%d-%d' % (i, j)).encode(), partition=0)
    p.flush(20)
    if i % 3 == 2:
        p.abort_transaction(20); print('aborted', i, flush=True)
    else:
        p.commit_transaction(20); print('committed', i, flush=True)
`;

// argv: bootstrap. A new session of the same transactional.id (which ends the one cut off by the
// kill), then every value read_committed from the start.
const reader = `
import sys, json
from confluent_kafka import Producer, Consumer, TopicPartition
p = Producer({'bootstrap.servers': sys.argv[1], 'transactional.id': 'kill9'})
p.init_transactions(30)
c = Consumer({'bootstrap.servers': sys.argv[1], 'group.id': 'k9-reader', 'isolation.level': 'read_committed',
              'enable.partition.eof': True, 'enable.auto.commit': False})
c.assign([TopicPartition('k9', 0, 0)])
got = []
while True:
    m = c.poll(15)
    if m is None: raise SystemExit('no end of partition; got %d' % len(got))
    if m.error():
        if m.error().code() == -191: break
        raise SystemExit(str(m.error()))
    got.append(m.value().decode())
c.close()
print(json.dumps(got))
`;

describe('transactions across a kill -9', () => {
  it('committed transactions are whole, aborted ones absent, the interrupted one all-or-nothing', async () => {
    const python = pypiPython();
    const logDir = tempDir('kilgore-txn-kill9-');
    const port = await freePort();
    const bootstrap = `127.0.0.1:${port}`;
    const first = serve(port, logDir);
    await first.until((o) => o.includes('kilgore broker started'));
    const writer = launch(python, ['-c', producer, bootstrap]);
    await writer.until((o) => (o.match(/^committed /gm)?.length ?? 0) >= 12);
    first.child.kill('SIGKILL');
    await first.exited;
    writer.child.kill('SIGKILL');
    await writer.exited;
    const outcomes = new Map<number, string>();
    for (const m of writer.out().matchAll(/^(committed|aborted) (\d+)$/gm)) outcomes.set(Number(m[2]), m[1]!);

    const second = serve(port, logDir);
    await second.until((o) => o.includes('kilgore broker started'));
    const { stdout } = await run(python, ['-c', reader, bootstrap], { timeout: 60_000 });
    second.child.kill('SIGTERM');
    await second.exited;

    const byTxn = new Map<number, string[]>();
    for (const v of JSON.parse(stdout) as string[]) {
      const txn = Number(/^t(\d+)-/.exec(v)![1]);
      byTxn.set(txn, [...(byTxn.get(txn) ?? []), v]);
    }
    for (const [txn, values] of byTxn) {
      // All or nothing, in order, once each.
      expect(values, `transaction ${txn}`).toEqual([0, 1, 2, 3, 4].map((j) => `t${txn}-${j}`));
      expect(outcomes.get(txn), `transaction ${txn} is visible`).not.toBe('aborted');
    }
    for (const [txn, outcome] of outcomes) {
      if (outcome === 'committed') expect(byTxn.has(txn), `committed transaction ${txn}`).toBe(true);
    }
    expect([...outcomes.values()].filter((o) => o === 'aborted').length).toBeGreaterThan(2);
  });
});
