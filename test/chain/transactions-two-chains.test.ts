import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { chainFor } from '@kilgore/chain';
import { Kafka, logLevel } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { createTopic, onCluster, placementFrom } from '../support/chain-views.js';
import { type ChainCluster, waitFor } from '../support/cluster.js';
import { pypiPython } from '../support/pypi.js';

// Transactions whose partitions live on two chains. The coordinator (the head of
// __consumer_offsets-0's chain) writes each marker itself where it heads the partition and asks
// the other chain's head for the rest. kafkajs commits, aborts and commits consumer offsets in a
// transaction spanning both chains; then a librdkafka transactional producer runs transactions
// over every partition while the coordinator's node and a member of the other chain are killed
// with kill -9 and restarted. Under read_committed, every transaction the producer saw committed
// is whole, every aborted one absent, and each one cut off by a kill all-or-nothing.

const run = promisify(execFile);
const TOPIC = 'txn-spread';
const PARTITIONS = 6;
const CHAINS = [
  { name: 'a', nodes: [1, 2] },
  { name: 'b', nodes: [3, 4] },
];

// argv: bootstrap, topic, partitions. Transaction i holds t<i>-<p> on every partition p; every
// third one is aborted. Prints each outcome once EndTxn answered; a transaction that failed
// (a kill) is `unknown` and a new session of the same transactional.id takes over.
const producer = `
import sys
from confluent_kafka import Producer, KafkaException
boot, topic, parts = sys.argv[1], sys.argv[2], int(sys.argv[3])
def session():
    p = Producer({'bootstrap.servers': boot, 'transactional.id': 'spread', 'linger.ms': 2,
                  'transaction.timeout.ms': 10000})
    p.init_transactions(60)
    return p
p = session()
i = 0
while True:
    try:
        p.begin_transaction()
        for j in range(parts):
            p.produce(topic, value=('t%d-%d' % (i, j)).encode(), partition=j)
        if i % 3 == 2:
            p.abort_transaction(30); print('aborted', i, flush=True)
        else:
            p.commit_transaction(30); print('committed', i, flush=True)
    except KafkaException as e:
        print('unknown', i, e, flush=True)
        p = session()
    i += 1
`;

// argv: bootstrap, topic, partitions. A new session of the transactional.id (ending the one the
// producer was killed in), then every value read_committed from the start of each partition.
const reader = `
import sys, json
from confluent_kafka import Producer, Consumer, TopicPartition
boot, topic, parts = sys.argv[1], sys.argv[2], int(sys.argv[3])
p = Producer({'bootstrap.servers': boot, 'transactional.id': 'spread'})
p.init_transactions(60)
c = Consumer({'bootstrap.servers': boot, 'group.id': 'spread-reader', 'isolation.level': 'read_committed',
              'enable.partition.eof': True, 'enable.auto.commit': False})
c.assign([TopicPartition(topic, j, 0) for j in range(parts)])
got, ended = [], set()
while len(ended) < parts:
    m = c.poll(20)
    if m is None: raise SystemExit('no end of partitions %s; got %d' % (sorted(ended), len(got)))
    if m.error():
        if m.error().code() == -191: ended.add(m.partition()); continue
        raise SystemExit(str(m.error()))
    got.append([m.partition(), m.value().decode()])
c.close()
print(json.dumps(got))
`;

function coordinatorNode(cluster: ChainCluster): number {
  const membership = CHAINS.map((c) => ({
    name: c.name,
    members: c.nodes.map((id) => ({ nodeId: id, ...cluster.node(id).address })),
  }));
  return chainFor(membership, '__consumer_offsets', 0)!.members[0]!.nodeId;
}

/** kafkajs: a commit, an abort and a consume-transform-produce commit, each over both chains. */
async function kafkajsTransactions(cluster: ChainCluster): Promise<void> {
  const kafka = new Kafka({ brokers: cluster.bootstrap, logLevel: logLevel.NOTHING, retry: { retries: 8 } });
  const p = kafka.producer({ transactionalId: 'kafkajs-spread', idempotent: true, maxInFlightRequests: 1 });
  await p.connect();
  const every = (tag: string) =>
    Array.from({ length: PARTITIONS }, (_, partition) => ({ partition, value: `${tag}-${partition}` }));
  const one = await p.transaction();
  await one.send({ topic: TOPIC, messages: every('js-commit') });
  await one.commit();
  const two = await p.transaction();
  await two.send({ topic: TOPIC, messages: every('js-abort') });
  await two.abort();
  const three = await p.transaction();
  await three.send({ topic: TOPIC, messages: every('js-offsets') });
  await three.sendOffsets({
    consumerGroupId: 'spread-cp',
    topics: [{ topic: TOPIC, partitions: [{ partition: 0, offset: '42' }] }],
  });
  await three.commit();
  await p.disconnect();

  const admin = kafka.admin();
  await admin.connect();
  const offsets = await admin.fetchOffsets({ groupId: 'spread-cp', topics: [TOPIC] });
  await admin.disconnect();
  expect(offsets[0]!.partitions.find((x) => x.partition === 0)?.offset).toBe('42');

  const consumer = kafka.consumer({ groupId: 'spread-js-reader', maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
  const got: string[] = [];
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      const value = message.value!.toString();
      got.push(value);
      expect(value.endsWith(`-${partition}`), `${value} read from partition ${partition}`).toBe(true);
    },
  });
  try {
    await waitFor(`kafkajs to read ${2 * PARTITIONS} committed values (has ${got.length})`, () =>
      got.length >= 2 * PARTITIONS ? true : undefined,
    );
    await new Promise((r) => setTimeout(r, 500)); // anything aborted would show up by now
  } finally {
    await consumer.disconnect();
  }
  expect(got.sort()).toEqual([...every('js-commit'), ...every('js-offsets')].map((m) => m.value).sort());
}

describe('transactions over two chains', () => {
  it('are atomic across chains, through kill -9 of the coordinator and of another chain member', async () => {
    const python = pypiPython();
    await onCluster({ chains: CHAINS }, async (cluster) => {
      await createTopic(cluster, TOPIC, PARTITIONS);
      const leaders = new Set((await placementFrom(cluster, 1, TOPIC)).map((p) => p.leader));
      expect([...leaders].sort(), 'both chains head partitions of the topic').toEqual([1, 3]);
      const coordinator = coordinatorNode(cluster);
      await kafkajsTransactions(cluster);

      const writer = spawn(python, ['-c', producer, cluster.bootstrap.join(','), TOPIC, String(PARTITIONS)]);
      let out = '';
      writer.stdout.on('data', (d: Buffer) => (out += d.toString()));
      writer.stderr.on('data', (d: Buffer) => (out += d.toString()));
      const committedAtLeast = (n: number, what: string) =>
        waitFor(
          `${n} committed transactions ${what} (output: ${out.slice(-500)})`,
          () => ((out.match(/^committed /gm)?.length ?? 0) >= n ? true : undefined),
          60_000,
        );
      try {
        await committedAtLeast(10, 'before the kills');
        await cluster.kill(coordinator);
        await cluster.restart(coordinator);
        await committedAtLeast(20, 'after the coordinator came back');
        // The tail of the chain the coordinator is not on: its head cannot finish a marker (or
        // any acks=all write) until it is back.
        const other = CHAINS.find((c) => !c.nodes.includes(coordinator))!;
        const member = other.nodes[other.nodes.length - 1]!;
        await cluster.kill(member);
        await cluster.restart(member);
        await committedAtLeast(30, 'after the other chain member came back');
      } finally {
        writer.kill('SIGKILL');
      }
      const outcomes = new Map<number, string>();
      for (const m of out.matchAll(/^(committed|aborted|unknown) (\d+)/gm)) outcomes.set(Number(m[2]), m[1]!);

      const { stdout } = await run(
        python,
        ['-c', reader, cluster.bootstrap.join(','), TOPIC, String(PARTITIONS)],
        {
          timeout: 120_000,
        },
      );
      const byTxn = new Map<number, string[]>();
      for (const [partition, value] of JSON.parse(stdout) as [number, string][]) {
        const m = /^t(\d+)-(\d+)$/.exec(value);
        if (!m) continue; // the kafkajs phase's records
        expect(Number(m[2]), `${value} is in its own partition`).toBe(partition);
        byTxn.set(Number(m[1]), [...(byTxn.get(Number(m[1])) ?? []), value]);
      }
      const all = (txn: number) => Array.from({ length: PARTITIONS }, (_, j) => `t${txn}-${j}`);
      for (const [txn, values] of byTxn) {
        expect(values.sort(), `transaction ${txn}: whole, each record once`).toEqual(all(txn).sort());
        expect(outcomes.get(txn), `transaction ${txn} is visible`).not.toBe('aborted');
      }
      let committed = 0;
      for (const [txn, outcome] of outcomes) {
        if (outcome !== 'committed') continue;
        committed++;
        expect(byTxn.has(txn), `committed transaction ${txn} is visible`).toBe(true);
      }
      const aborted = [...outcomes.values()].filter((o) => o === 'aborted').length;
      const unknown = [...outcomes.values()].filter((o) => o === 'unknown').length;
      console.log(
        `transactions over two chains: ${committed} committed, ${aborted} aborted, ${unknown} cut off by a kill; ${byTxn.size} visible`,
      );
      expect(aborted).toBeGreaterThan(5);
    });
  }, 300_000);
});
