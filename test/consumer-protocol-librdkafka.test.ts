import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from './support/broker.js';
import { pypiPython } from './support/pypi.js';

// KIP-848 with confluent-kafka 2.x from PyPI (its own librdkafka) and group.protocol=consumer:
// two members share a 4-partition topic, one leaves, the other takes over; each commits after
// every record, so every produced record is consumed exactly once.

const run = promisify(execFile);

const program = `
import json, sys, time
from confluent_kafka import Consumer, Producer
from confluent_kafka.admin import AdminClient, NewTopic
bootstrap, topic, group = sys.argv[1], sys.argv[2], sys.argv[3]
admin = AdminClient({'bootstrap.servers': bootstrap})
admin.create_topics([NewTopic(topic, 4, 1)])[topic].result()
p = Producer({'bootstrap.servers': bootstrap})
for i in range(400):
    p.produce(topic, value=str(i).encode(), partition=i % 4)
p.flush(30)
def consumer():
    c = Consumer({'bootstrap.servers': bootstrap, 'group.id': group, 'group.protocol': 'consumer',
                  'enable.auto.commit': False, 'auto.offset.reset': 'earliest'})
    c.subscribe([topic])
    return c
seen = {}
assigned = {}
def poll(c, name, seconds):
    end = time.time() + seconds
    while time.time() < end:
        m = c.poll(0.1)
        if m is None or m.error():
            continue
        k = '%d/%d' % (m.partition(), m.offset())
        seen[k] = seen.get(k, 0) + 1
        c.commit(message=m, asynchronous=False)
    assigned[name] = sorted(tp.partition for tp in c.assignment())
a = consumer(); b = consumer()
end = time.time() + 8
while time.time() < end and [len(assigned.get(n) or []) for n in 'ab'] != [2, 2]:
    poll(a, 'a', 0.2); poll(b, 'b', 0.2)
both = {'a': assigned.get('a'), 'b': assigned.get('b')}
b.close()
end = time.time() + 20
while time.time() < end and (len(seen) < 400 or len(assigned['a']) < 4):
    poll(a, 'a', 0.3)
a.close()
print(json.dumps({'distinct': len(seen), 'twice': sum(1 for v in seen.values() if v > 1), 'both': both, 'after': assigned['a']}))
`;

let tb: TestBroker;
beforeAll(async () => {
  tb = await startTestBroker();
});
afterAll(async () => {
  await tb?.stop();
});

describe('confluent-kafka 2.x with group.protocol=consumer', () => {
  it('two members split the partitions, one leaves, the other takes over: each record once', async () => {
    const { stdout } = await run(pypiPython(), ['-c', program, tb.bootstrap, 'rdk-cp', 'rdk-cp-g'], {
      timeout: 60_000,
    });
    const out = JSON.parse(stdout) as {
      distinct: number;
      twice: number;
      both: Record<string, number[]>;
      after: number[];
    };
    expect(out).toMatchObject({ distinct: 400, twice: 0, after: [0, 1, 2, 3] });
    expect([...out.both.a!, ...out.both.b!].sort()).toEqual([0, 1, 2, 3]);
    expect(out.both.a!.length).toBe(2);
  }, 90_000);
});
