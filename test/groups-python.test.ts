import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from './support/broker.js';
import { requirePythonModule } from './support/tools.js';

const run = promisify(execFile);

let tb: TestBroker;
beforeAll(async () => {
  tb = await startTestBroker({ 'group.initial.rebalance.delay.ms': '0' });
});
afterAll(async () => {
  await tb?.stop();
});

const RECORDS = 60;

async function produce(topic: string): Promise<void> {
  const kafka = new Kafka({ clientId: 'py-groups', brokers: [tb.bootstrap], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 3 }] });
  await admin.disconnect();
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({
    topic,
    messages: Array.from({ length: RECORDS }, (_, i) => ({ key: `k${i}`, value: `v${i}` })),
  });
  await producer.disconnect();
}

// confluent-kafka 1.7 (librdkafka 2.0.2), cooperative-sticky: consume everything, commit
// synchronously, close; a second consumer of the same group must get nothing back.
const confluent = `
import sys, json, time
from confluent_kafka import Consumer
bootstrap, topic, group, total = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
def consumer():
    c = Consumer({'bootstrap.servers': bootstrap, 'group.id': group, 'auto.offset.reset': 'earliest',
                  'enable.auto.commit': False, 'partition.assignment.strategy': 'cooperative-sticky',
                  'session.timeout.ms': 6000, 'heartbeat.interval.ms': 500})
    c.subscribe([topic])
    return c
c = consumer()
got = []
deadline = time.time() + 30
while len(got) < total and time.time() < deadline:
    m = c.poll(0.5)
    if m is None or m.error(): continue
    got.append(m.value().decode())
c.commit(asynchronous=False)
c.close()
c = consumer()
again = []
deadline = time.time() + 6
while time.time() < deadline:
    m = c.poll(0.5)
    if m is None or m.error(): continue
    again.append(m.value().decode())
assigned = len(c.assignment())
c.close()
print(json.dumps({'got': got, 'again': again, 'assigned': assigned}))
`;

// kafka-python 2.0.2 group consumer (JoinGroup v2, OffsetCommit v2, OffsetFetch v1).
const kafkaPython = `
import sys, json, time
from kafka import KafkaConsumer
bootstrap, topic, group, total = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
def consumer():
    return KafkaConsumer(topic, bootstrap_servers=bootstrap, group_id=group, auto_offset_reset='earliest',
                         enable_auto_commit=False, consumer_timeout_ms=4000)
c = consumer()
got = []
deadline = time.time() + 30
while len(got) < total and time.time() < deadline:
    for tp, msgs in c.poll(timeout_ms=500).items():
        got.extend(m.value.decode() for m in msgs)
c.commit()
c.close()
c = consumer()
again = [m.value.decode() for m in c]
assigned = len(c.assignment())
c.close()
print(json.dumps({'got': got, 'again': again, 'assigned': assigned}))
`;

const expected = Array.from({ length: RECORDS }, (_, i) => `v${i}`).sort();

describe('Python consumer groups: consume, commit, reopen, nothing redelivered', () => {
  it('confluent-kafka with cooperative-sticky', async () => {
    const python = requirePythonModule('confluent_kafka', 'python3-confluent-kafka');
    await produce('py-confluent');
    const { stdout } = await run(
      python,
      ['-c', confluent, tb.bootstrap, 'py-confluent', 'cg-confluent', String(RECORDS)],
      {
        timeout: 55_000,
      },
    );
    const out = JSON.parse(stdout) as { got: string[]; again: string[]; assigned: number };
    expect([...out.got].sort()).toEqual(expected);
    expect(out.assigned).toBe(3);
    expect(out.again).toEqual([]);
  }, 60_000);

  it('kafka-python', async () => {
    const python = requirePythonModule('kafka', 'python3-kafka');
    await produce('py-kafka-python');
    const { stdout } = await run(
      python,
      ['-c', kafkaPython, tb.bootstrap, 'py-kafka-python', 'cg-kp', String(RECORDS)],
      {
        timeout: 55_000,
      },
    );
    const out = JSON.parse(stdout) as { got: string[]; again: string[]; assigned: number };
    expect([...out.got].sort()).toEqual(expected);
    expect(out.assigned).toBe(3);
    expect(out.again).toEqual([]);
  }, 60_000);
});
