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

// python3-confluent-kafka 1.7 (librdkafka) through its AdminClient.
const confluentAdmin = `
import sys, json
from confluent_kafka.admin import AdminClient, NewTopic
a = AdminClient({'bootstrap.servers': sys.argv[1]})
for f in a.create_topics([NewTopic('py-a', 3, 1)], operation_timeout=5).values():
    f.result(10)
md = a.list_topics(timeout=10)
print(json.dumps({'brokers': [[b.id, b.host, b.port] for b in md.brokers.values()],
                  'topics': {t: len(m.partitions) for t, m in md.topics.items()}}))
`;

// python3-kafka (kafka-python 2.0.2): it pipelines ApiVersions v0 and Metadata v0 and guesses the
// broker version from the advertised ranges.
const kafkaPythonAdmin = `
import sys, json
from kafka.admin import KafkaAdminClient, NewTopic
a = KafkaAdminClient(bootstrap_servers=sys.argv[1], request_timeout_ms=10000)
a.create_topics([NewTopic('kp-a', 2, 1)])
print(json.dumps(sorted(a.list_topics())))
a.close()
`;

describe('Python clients, admin', () => {
  it('confluent-kafka creates a topic and lists metadata', async () => {
    const python = requirePythonModule('confluent_kafka', 'python3-confluent-kafka');
    const { stdout } = await run(python, ['-c', confluentAdmin, tb.bootstrap], { timeout: 30_000 });
    const out = JSON.parse(stdout) as { brokers: [number, string, number][]; topics: Record<string, number> };
    expect(out.brokers).toEqual([[1, '127.0.0.1', Number(tb.bootstrap.split(':')[1])]]);
    expect(out.topics['py-a']).toBe(3);
  });

  it('kafka-python creates and lists topics', async () => {
    const python = requirePythonModule('kafka', 'python3-kafka');
    const { stdout } = await run(python, ['-c', kafkaPythonAdmin, tb.bootstrap], { timeout: 30_000 });
    expect(JSON.parse(stdout)).toContain('kp-a');
  });
});
