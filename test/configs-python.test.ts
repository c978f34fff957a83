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

// python3-confluent-kafka 1.7 (librdkafka 2.0.2): DescribeConfigs v1, AlterConfigs v0. Version 1.7
// has no incremental_alter_configs; alter_configs replaces the topic's whole set.
const script = `
import sys, json
from confluent_kafka.admin import AdminClient, NewTopic, ConfigResource
a = AdminClient({'bootstrap.servers': sys.argv[1]})
for f in a.create_topics([NewTopic('py-cfg', 1, 1, config={'retention.ms': '90000'})], operation_timeout=5).values():
    f.result(10)
def describe():
    out = {}
    for r, f in a.describe_configs([ConfigResource('topic', 'py-cfg'), ConfigResource('broker', '1')]).items():
        out[r.name] = {k: [e.value, e.source, e.is_read_only] for k, e in f.result(10).items()}
    return out
before = describe()
for f in a.alter_configs([ConfigResource('topic', 'py-cfg', set_config={'segment.bytes': '2097152'})]).values():
    f.result(10)
bad = None
try:
    for f in a.alter_configs([ConfigResource('topic', 'py-cfg', set_config={'segment.bytes': 'huge'})]).values():
        f.result(10)
except Exception as e:
    bad = str(e)
print(json.dumps({'before': before, 'after': describe(), 'bad': bad}))
`;

describe('confluent-kafka (Python) topic configs', () => {
  it('creates with a config, describes topic and broker, alters and is refused a bad value', async () => {
    const python = requirePythonModule('confluent_kafka', 'python3-confluent-kafka');
    const { stdout } = await run(python, ['-c', script, tb.bootstrap], { timeout: 30_000 });
    const out = JSON.parse(stdout) as {
      before: Record<string, Record<string, [string | null, number, boolean]>>;
      after: Record<string, Record<string, [string | null, number, boolean]>>;
      bad: string | null;
    };
    // Sources: 1 = topic override, 5 = default (librdkafka's ConfigSource numbering).
    expect(out.before['py-cfg']!['retention.ms']).toEqual(['90000', 1, false]);
    expect(out.before['py-cfg']!['segment.bytes']).toEqual(['1073741824', 5, false]);
    expect(out.before['1']!['log.dirs']).toEqual([tb.logDir, 4, true]);
    // AlterConfigs replaced the whole set: retention.ms is back to the broker's value.
    expect(out.after['py-cfg']!['segment.bytes']).toEqual(['2097152', 1, false]);
    expect(out.after['py-cfg']!['retention.ms']).toEqual(['604800000', 5, false]);
    expect(out.bad).toContain('segment.bytes');
  });
});
