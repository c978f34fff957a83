import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from './support/broker.js';
import { pypiPython } from './support/pypi.js';
import { requirePythonModule } from './support/tools.js';

// librdkafka's transactional producer (confluent-kafka 2.x from PyPI, and the Debian 2.0.2 one)
// and a read_committed consumer: committed transactions are seen whole, aborted ones never.

const run = promisify(execFile);

// argv: bootstrap topic transactional.id. Three transactions: commit 10, abort 5, commit 3;
// then a read_committed and a read_uncommitted consumer read the partition from the start.
const program = `
import sys, json
from confluent_kafka import Producer, Consumer, TopicPartition
bootstrap, topic, tid = sys.argv[1:4]
p = Producer({'bootstrap.servers': bootstrap, 'transactional.id': tid, 'linger.ms': 5})
p.init_transactions(15)
for prefix, n, commit in (('c', 10, True), ('a', 5, False), ('d', 3, True)):
    p.begin_transaction()
    for i in range(n):
        p.produce(topic, key=b'k', value=('%s%d' % (prefix, i)).encode(), partition=0)
    if commit: p.commit_transaction(15)
    else:
        p.flush(15)  # abort_transaction would purge what is still queued: send it first
        p.abort_transaction(15)
def read(isolation):
    c = Consumer({'bootstrap.servers': bootstrap, 'group.id': 'g-' + isolation, 'isolation.level': isolation,
                  'enable.auto.commit': False, 'enable.partition.eof': True})
    c.assign([TopicPartition(topic, 0, 0)])
    got = []
    while True:
        m = c.poll(10)
        if m is None: raise SystemExit('no end of partition within 10 s; got %r' % got)
        if m.error():
            if m.error().code() == -191: break  # _PARTITION_EOF
            raise SystemExit(str(m.error()))
        got.append(m.value().decode())
    c.close()
    return got
print(json.dumps({'committed': read('read_committed'), 'uncommitted': read('read_uncommitted')}))
`;

let tb: TestBroker;
beforeAll(async () => {
  tb = await startTestBroker();
});
afterAll(async () => {
  await tb?.stop();
});

const committed = [
  ...Array.from({ length: 10 }, (_, i) => `c${i}`),
  ...Array.from({ length: 3 }, (_, i) => `d${i}`),
];
const aborted = Array.from({ length: 5 }, (_, i) => `a${i}`);

describe('transactions with librdkafka', () => {
  it.each([
    ['confluent-kafka 2.x (PyPI)', () => pypiPython()],
    [
      'confluent-kafka with librdkafka 2.0.2 (Debian)',
      () => requirePythonModule('confluent_kafka', 'python3-confluent-kafka'),
    ],
  ])('%s: commit, abort, commit; read_committed sees only the committed records', async (name, python) => {
    const topic = `rdk-txn-${name.length}`;
    const { stdout } = await run(python(), ['-c', program, tb.bootstrap, topic, `tid-${name.length}`], {
      timeout: 50_000,
    });
    const out = JSON.parse(stdout) as { committed: string[]; uncommitted: string[] };
    expect(out.committed).toEqual(committed);
    expect(out.uncommitted).toEqual([...committed.slice(0, 10), ...aborted, ...committed.slice(10)]);
    const log = tb.broker.context.logs.get(topic, 0)!;
    expect(log.lastStableOffset).toBe(log.logEndOffset);
  });
});
