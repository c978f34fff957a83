import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { type Consumer, Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from './support/broker.js';

let tb: TestBroker;
beforeAll(async () => {
  tb = await startTestBroker({ 'group.initial.rebalance.delay.ms': '0' });
});
afterAll(async () => {
  await tb?.stop();
});

const TOPIC = 'orders';
const GROUP = 'kjs-group';
const TOTAL = 600;

function kafka(clientId: string): Kafka {
  return new Kafka({ clientId, brokers: [tb.bootstrap], logLevel: logLevel.NOTHING });
}

async function until(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 25_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('kafkajs 2.2.4 consumer group', () => {
  it('three consumers, a leave, a crash and a rejoin: nothing lost, commits reach the log end', async () => {
    const admin = kafka('admin').admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: 6 }] });
    const seen = new Set<string>();
    const inProcess: Consumer[] = [];
    const startConsumer = async (name: string): Promise<Consumer> => {
      const c = kafka(name).consumer({
        groupId: GROUP,
        sessionTimeout: 6000,
        heartbeatInterval: 500,
        rebalanceTimeout: 10000,
      });
      await c.connect();
      await c.subscribe({ topic: TOPIC, fromBeginning: true });
      await c.run({ eachMessage: async ({ message }) => void seen.add(message.value!.toString()) });
      inProcess.push(c);
      return c;
    };

    // The producer runs throughout.
    const producer = kafka('producer').producer();
    await producer.connect();
    let produced = 0;
    const producing = (async () => {
      while (produced < TOTAL) {
        const batch = Array.from({ length: 10 }, (_, i) => ({
          key: String(produced + i),
          value: String(produced + i),
        }));
        await producer.send({ topic: TOPIC, messages: batch });
        produced += batch.length;
        await new Promise((r) => setTimeout(r, 40));
      }
    })();

    const a = await startConsumer('consumer-a');
    await startConsumer('consumer-b');
    const script = fileURLToPath(new URL('./support/kafkajs-group-consumer.mjs', import.meta.url));
    const child: ChildProcess = spawn(process.execPath, [script, tb.bootstrap, GROUP, TOPIC], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let childJoined = false;
    let pending = '';
    child.stdout!.on('data', (d: Buffer) => {
      pending += d.toString();
      const lines = pending.split('\n');
      pending = lines.pop()!;
      for (const line of lines) {
        if (line === 'joined') childJoined = true;
        else if (line.startsWith('msg ')) seen.add(line.slice(4));
      }
    });
    await until('the child consumer to join', () => childJoined);
    const describe = async () => (await admin.describeGroups([GROUP])).groups[0]!;
    await until('three members', async () => {
      const g = await describe();
      return g.state === 'Stable' && g.members.length === 3;
    });

    // One leaves cleanly (LeaveGroup), one crashes (no LeaveGroup: the session timeout removes it).
    await a.disconnect();
    inProcess.splice(inProcess.indexOf(a), 1);
    child.kill('SIGKILL');
    await until('the crashed member to be expired', async () => {
      const g = await describe();
      return g.state === 'Stable' && g.members.length === 1;
    });
    // And one rejoins.
    await startConsumer('consumer-a-again');
    await producing;
    await until('every record consumed', () => seen.size === TOTAL);
    for (let i = 0; i < TOTAL; i++) expect(seen.has(String(i))).toBe(true);

    const ends = await admin.fetchTopicOffsets(TOPIC);
    await until('committed offsets at the log end', async () => {
      const committed = (await admin.fetchOffsets({ groupId: GROUP, topics: [TOPIC] }))[0]!.partitions;
      return ends.every((e) => committed.find((c) => c.partition === e.partition)?.offset === e.high);
    });
    for (const c of inProcess) await c.disconnect();
    await producer.disconnect();
    const after = await describe();
    expect(after.state).toBe('Empty');
    await admin.disconnect();
  }, 60_000);
});
