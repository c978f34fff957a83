import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from './support/broker.js';
import { type Acked, type Consumed, codecsOnDisk, produceConsumeResume, runJson } from './support/resume.js';

// The current Go clients from the Go module proxy: franz-go (kgo, and kadm as the admin client),
// IBM/sarama and segmentio/kafka-go, as one program with a subcommand per client
// (test/clients/go). Each produces, consumes in a group, commits and resumes.

const root = fileURLToPath(new URL('..', import.meta.url));
const moduleDir = join(root, 'test/clients/go');

function goTool(): string {
  for (const dir of (process.env.PATH ?? '').split(':').filter(Boolean)) {
    if (existsSync(join(dir, 'go'))) return join(dir, 'go');
  }
  if (existsSync('/usr/local/go/bin/go')) return '/usr/local/go/bin/go';
  throw new Error(
    'Go is missing: install Go 1.26 (e.g. /usr/local/go), then run bash scripts/install-test-tools.sh',
  );
}

/**
 * Builds the program with the module cache as it is (no download, go.mod and go.sum read-only)
 * into the directory scripts/fetch-go-clients.sh names after the hash of go.mod and go.sum.
 */
async function buildClients(): Promise<string> {
  const go = goTool();
  const hash = createHash('sha256')
    .update(readFileSync(join(moduleDir, 'go.mod')))
    .update(readFileSync(join(moduleDir, 'go.sum')))
    .digest('hex')
    .slice(0, 12);
  const bin = join(
    process.env.KILGORE_CACHE ?? join(homedir(), '.cache/kilgore'),
    `go-clients-${hash}`,
    'kilgore-go-clients',
  );
  try {
    await promisify(execFile)(go, ['build', '-o', bin, '.'], {
      cwd: moduleDir,
      timeout: 100_000,
      env: { ...process.env, GOFLAGS: '-mod=readonly -buildvcs=false', GOPROXY: 'off', GOTOOLCHAIN: 'local' },
    });
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr ?? '';
    throw new Error(
      `go build of test/clients/go failed (are its modules downloaded? run bash scripts/install-test-tools.sh, which calls scripts/fetch-go-clients.sh):\n${stderr || String(err)}`,
    );
  }
  return bin;
}

let tb: TestBroker;
let bin: string;
beforeAll(async () => {
  [bin, tb] = await Promise.all([
    buildClients(),
    startTestBroker({ 'group.initial.rebalance.delay.ms': '0' }),
  ]);
}, 110_000);
afterAll(async () => {
  await tb?.stop();
});

const PARTITIONS = 3;
const RECORDS = 30;

interface DescribedGroup {
  state: string;
  protocolType: string;
  protocol: string;
  members: number;
  assigned: number[];
}
interface ConsumeOutput {
  records: Consumed[];
  assigned: number;
  described?: DescribedGroup;
}

const go = <T>(args: string[], env: NodeJS.ProcessEnv = {}) =>
  runJson<T>(bin, args, { env: { ...process.env, ...env } });

/** kadm: CreateTopic, then ListTopics (Metadata) sees it with the same topic id. */
async function kadmCreate(topic: string): Promise<void> {
  const created = await go<{
    created: string;
    id: string;
    listedId: string;
    partitions: number;
    replication: number;
  }>(['kadm', 'create', tb.bootstrap, topic, `${PARTITIONS}`]);
  expect(created).toMatchObject({ created: topic, partitions: PARTITIONS, replication: 1 });
  expect(created.id).not.toBe('AAAAAAAAAAAAAAAAAAAAAA==');
  expect(created.listedId).toBe(created.id);
}

/** kadm after the runs: offsets listed and committed, zero lag, the group empty and listed. */
async function kadmInspect(topic: string, group: string): Promise<void> {
  const seen = await go<{
    start: Record<string, number>;
    end: Record<string, number>;
    committed: Record<string, number>;
    lag: number;
    group: DescribedGroup;
    listed: string[];
  }>(['kadm', 'inspect', tb.bootstrap, topic, group]);
  expect(seen.start).toEqual({ 0: 0, 1: 0, 2: 0 });
  expect(Object.values(seen.end).reduce((a, b) => a + b, 0)).toBe(2 * RECORDS);
  expect(seen.committed).toEqual(seen.end);
  expect(seen.lag).toBe(0);
  expect(seen.group).toEqual({
    state: 'Empty',
    protocolType: 'consumer',
    protocol: '',
    members: 0,
    assigned: [],
  });
  expect(seen.listed).toContain(group);
}

// The second batch of each goes compressed with the codec named here.
const clients: [name: string, codec: string, client: string, env: NodeJS.ProcessEnv][] = [
  ['franz-go (kgo)', 'zstd', 'franz', {}],
  ['sarama, default config (Kafka 2.8 API versions)', 'snappy', 'sarama', {}],
  ['sarama, Version 4.1.0', 'zstd', 'sarama', { SARAMA_KAFKA_VERSION: '4.1.0' }],
  ['segmentio/kafka-go', 'lz4', 'kafka-go', {}],
];

describe('Go clients: produce, consume in a group, commit, resume; kadm to create and inspect', () => {
  it.each(clients)('%s (then %s)', async (_name, codec, client, env) => {
    const topic = `go-${client}-${env.SARAMA_KAFKA_VERSION ?? 'default'}`;
    const group = `${topic}-group`;
    await kadmCreate(topic);
    const consumes: ConsumeOutput[] = [];
    await produceConsumeResume(
      {
        produce: async (from, count, packWith) => {
          const args = [
            client,
            'produce',
            tb.bootstrap,
            topic,
            `${from}`,
            `${count}`,
            ...(packWith ? [packWith] : []),
          ];
          return (await go<{ acked: Acked[] }>(args, env)).acked;
        },
        consume: async (g, count) => {
          const out = await go<ConsumeOutput>([client, 'consume', tb.bootstrap, topic, g, `${count}`], env);
          consumes.push(out);
          return out;
        },
      },
      { bootstrap: tb.bootstrap, topic, group, partitions: PARTITIONS, records: RECORDS, codec },
    );
    expect(codecsOnDisk(tb.logDir, topic)).toEqual(new Set(['none', codec]));
    if (client === 'franz') {
      // DescribeGroups through kadm while the franz-go consumer still held the partitions.
      expect(consumes.map((c) => c.described)).toEqual(
        consumes.map(() => ({
          state: 'Stable',
          protocolType: 'consumer',
          protocol: 'cooperative-sticky',
          members: 1,
          assigned: [0, 1, 2],
        })),
      );
    }
    await kadmInspect(topic, group);
  });
});
