import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requirePythonModule } from '../support/tools.js';
import { makeTestCerts, type TestCerts } from './support/certs.js';
import { run } from './support/run.js';
import { type SecureBroker, startSecureBroker, USERS } from './support/secure-broker.js';

let certs: TestCerts;
let sb: SecureBroker;
beforeAll(async () => {
  certs = makeTestCerts();
  sb = await startSecureBroker(['SASL_PLAINTEXT', 'SASL_SSL'], {
    'ssl.keystore.location': certs.serverKeystorePath,
  });
});
afterAll(async () => {
  await sb?.stop();
  if (certs) rmSync(certs.dir, { recursive: true, force: true });
});

// confluent-kafka 1.7 (librdkafka 2.0.2): produce three records, then read them back with assign().
const confluent = `
import sys, json
from confluent_kafka import Producer, Consumer, TopicPartition
bootstrap, mechanism, password, ca, topic = sys.argv[1:6]
conf = {'bootstrap.servers': bootstrap, 'security.protocol': 'SASL_SSL', 'sasl.mechanisms': mechanism,
        'sasl.username': 'alice', 'sasl.password': password, 'ssl.ca.location': ca}
errors = []
p = Producer(dict(conf, **{'message.timeout.ms': 2500, 'error_cb': lambda e: errors.append(e.str())}))
delivered = []
def done(err, msg):
    if err: errors.append(err.str())
    else: delivered.append(msg.offset())
for v in [b'one', b'two', b'three']:
    p.produce(topic, value=v, partition=0, on_delivery=done)
p.flush(10)
got = []
if delivered:
    c = Consumer(dict(conf, **{'group.id': 'py-' + topic, 'enable.auto.commit': False}))
    c.assign([TopicPartition(topic, 0, 0)])
    while len(got) < 3:
        m = c.poll(10)
        if m is None: break
        if m.error(): errors.append(m.error().str()); break
        got.append(m.value().decode())
    c.close()
print(json.dumps({'delivered': delivered, 'got': got, 'errors': errors}))
`;

// kafka-python 2.0.2 (SaslHandshake v0, raw tokens): produce three records, read them back.
const kafkaPython = `
import sys, json
from kafka import KafkaProducer, KafkaConsumer, TopicPartition
bootstrap, mechanism, user, password, topic = sys.argv[1:6]
conf = dict(bootstrap_servers=bootstrap, security_protocol='SASL_PLAINTEXT', sasl_mechanism=mechanism,
            sasl_plain_username=user, sasl_plain_password=password)
try:
    p = KafkaProducer(acks='all', **conf)
except Exception as e:
    print(json.dumps({'error': type(e).__name__ + ': ' + str(e)}))
    sys.exit(0)
for v in [b'one', b'two', b'three']:
    p.send(topic, value=v, partition=0)
p.flush(10)
p.close()
c = KafkaConsumer(enable_auto_commit=False, consumer_timeout_ms=3000, **conf)
tp = TopicPartition(topic, 0)
c.assign([tp])
c.seek_to_beginning(tp)
print(json.dumps({'got': [m.value.decode() for m in c]}))
c.close()
`;

describe.each(['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'])(
  'confluent-kafka over SASL_SSL with %s',
  (mechanism) => {
    const topic = `py-${mechanism.toLowerCase()}`;

    it('produces and consumes', async () => {
      const python = requirePythonModule('confluent_kafka', 'python3-confluent-kafka');
      const res = await run(python, [
        '-c',
        confluent,
        sb.address('SASL_SSL'),
        mechanism,
        USERS.alice,
        certs.caPath,
        topic,
      ]);
      expect(res.stderr).toBe('');
      const out = JSON.parse(res.stdout) as { delivered: number[]; got: string[]; errors: string[] };
      expect(out).toEqual({ delivered: [0, 1, 2], got: ['one', 'two', 'three'], errors: [] });
      expect(sb.endOffset(topic)).toBe(3);
    });

    it('with a wrong password is refused and produces nothing', async () => {
      const python = requirePythonModule('confluent_kafka', 'python3-confluent-kafka');
      const before = sb.endOffset(topic);
      const res = await run(python, [
        '-c',
        confluent,
        sb.address('SASL_SSL'),
        mechanism,
        'wrong',
        certs.caPath,
        topic,
      ]);
      const out = JSON.parse(res.stdout) as { delivered: number[]; errors: string[] };
      expect(out.delivered).toEqual([]);
      expect(out.errors.join('\n')).toMatch(/Authentication failed/);
      expect(sb.endOffset(topic)).toBe(before);
    });
  },
);

// PLAIN as bob (a JAAS user_ option); SCRAM-SHA-256 as alice (users file): multi-step raw frames.
describe.each([
  ['PLAIN', 'bob', USERS.bob],
  ['SCRAM-SHA-256', 'alice', USERS.alice],
])('kafka-python over SASL_PLAINTEXT with %s', (mechanism, user, password) => {
  const topic = `kp-${mechanism.toLowerCase()}`;

  it('produces and consumes', async () => {
    const python = requirePythonModule('kafka', 'python3-kafka');
    const res = await run(python, [
      '-c',
      kafkaPython,
      sb.address('SASL_PLAINTEXT'),
      mechanism,
      user,
      password,
      topic,
    ]);
    expect(JSON.parse(res.stdout)).toEqual({ got: ['one', 'two', 'three'] });
    expect(sb.endOffset(topic)).toBe(3);
  });

  it('with a wrong password is refused and produces nothing', async () => {
    const python = requirePythonModule('kafka', 'python3-kafka');
    const res = await run(python, [
      '-c',
      kafkaPython,
      sb.address('SASL_PLAINTEXT'),
      mechanism,
      user,
      'wrong',
      topic,
    ]);
    expect((JSON.parse(res.stdout) as { error?: string }).error).toMatch(/NoBrokersAvailable|Authentication/);
    expect(sb.endOffset(topic)).toBe(3);
  });
});
