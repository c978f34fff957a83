import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from './support/broker.js';
import { requirePythonModule } from './support/tools.js';

const run = promisify(execFile);

let tb: TestBroker;
beforeAll(async () => {
  tb = await startTestBroker();
});
afterAll(async () => {
  await tb?.stop();
});

// kafka-python 2.0.2: producer, then a consumer with assign() (no group), reading from the start.
const kafkaPython = `
import sys, json
from kafka import KafkaProducer, KafkaConsumer, TopicPartition
bootstrap, topic, codec = sys.argv[1], sys.argv[2], sys.argv[3]
p = KafkaProducer(bootstrap_servers=bootstrap, acks='all', compression_type=None if codec == 'none' else codec)
for i in range(20):
    p.send(topic, key=b'k%d' % i, value=b'value %d' % i, partition=0)
p.flush(10)
p.close()
c = KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, consumer_timeout_ms=3000)
tp = TopicPartition(topic, 0)
c.assign([tp])
c.seek_to_beginning(tp)
got = [[m.offset, m.key.decode(), m.value.decode()] for m in c]
print(json.dumps({'got': got, 'end': c.end_offsets([tp])[tp]}))
c.close()
`;

// confluent-kafka 1.7 (librdkafka 2.0.2) idempotent producer with zstd; delivery reports carry the offsets.
const confluentProducer = `
import sys, json
from confluent_kafka import Producer
p = Producer({'bootstrap.servers': sys.argv[1], 'compression.type': 'zstd', 'enable.idempotence': True, 'linger.ms': 5})
offsets = []
def done(err, msg):
    if err: raise Exception(str(err))
    offsets.append(msg.offset())
for i in range(30):
    p.produce(sys.argv[2], value=b'z%d' % i, partition=0, on_delivery=done)
p.flush(15)
print(json.dumps(sorted(offsets)))
`;

describe('Python clients, produce and consume', () => {
  it.each(['none', 'gzip'])('kafka-python produces (%s) and consumes with assign()', async (codec) => {
    const python = requirePythonModule('kafka', 'python3-kafka');
    const topic = `kp-${codec}`;
    const { stdout } = await run(python, ['-c', kafkaPython, tb.bootstrap, topic, codec], {
      timeout: 40_000,
    });
    const out = JSON.parse(stdout) as { got: [number, string, string][]; end: number };
    expect(out.end).toBe(20);
    expect(out.got).toEqual(Array.from({ length: 20 }, (_, i) => [i, `k${i}`, `value ${i}`]));
  });

  it('confluent-kafka produces idempotently with zstd', async () => {
    const python = requirePythonModule('confluent_kafka', 'python3-confluent-kafka');
    const { stdout } = await run(python, ['-c', confluentProducer, tb.bootstrap, 'ck-zstd'], {
      timeout: 40_000,
    });
    expect(JSON.parse(stdout)).toEqual(Array.from({ length: 30 }, (_, i) => i));
  });
});
