import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Broker, loadConfig } from '@kilgore/broker';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requirePythonModule } from './support/tools.js';

const run = promisify(execFile);

let logDir: string;
let broker: Broker;

async function start(): Promise<Broker> {
  const { config } = loadConfig({
    flags: {
      listeners: 'PLAINTEXT://127.0.0.1:0',
      'log.dirs': logDir,
      'logger.level': process.env.KILGORE_TEST_LOG ?? 'silent',
      'group.initial.rebalance.delay.ms': '0',
    },
  });
  return Broker.start({ config });
}

beforeAll(async () => {
  logDir = mkdtempSync(join(tmpdir(), 'kilgore-groups-it-'));
  broker = await start();
});
afterAll(async () => {
  await broker?.stop();
  rmSync(logDir, { recursive: true, force: true });
});

function kafka(): Kafka {
  return new Kafka({ clientId: 'restart', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
}

// One incarnation of a static member (group.instance.id): consume until assigned, then close.
// librdkafka sends no LeaveGroup for a static member, so the group keeps its slot.
const staticMember = `
import sys, json, time
from confluent_kafka import Consumer
bootstrap, topic, group = sys.argv[1], sys.argv[2], sys.argv[3]
c = Consumer({'bootstrap.servers': bootstrap, 'group.id': group, 'group.instance.id': 'static-1',
              'auto.offset.reset': 'earliest', 'session.timeout.ms': 20000, 'heartbeat.interval.ms': 500})
c.subscribe([topic])
deadline = time.time() + 20
while not c.assignment() and time.time() < deadline:
    c.poll(0.2)
print(json.dumps({'assigned': len(c.assignment())}))
c.close()
`;

describe('consumer groups across restarts', () => {
  it('static membership: a restarted member with the same instance id causes no rebalance', async () => {
    const python = requirePythonModule('confluent_kafka', 'python3-confluent-kafka');
    broker.context.createTopic('static-t', 2);
    const args = ['-c', staticMember, broker.bootstrap, 'static-t', 'static-group'];
    const first = JSON.parse((await run(python, args, { timeout: 40_000 })).stdout) as { assigned: number };
    expect(first.assigned).toBe(2);
    const admin = kafka().admin();
    await admin.connect();
    const before = broker.context.groups.coordinator.get('static-group')!;
    const generation = before.generationId;
    const [described] = (await admin.describeGroups(['static-group'])).groups;
    expect(described).toMatchObject({ state: 'Stable' });
    expect(described!.members.map((m) => m.memberId)).toHaveLength(1);
    const second = JSON.parse((await run(python, args, { timeout: 40_000 })).stdout) as { assigned: number };
    expect(second.assigned).toBe(2);
    const after = broker.context.groups.coordinator.get('static-group')!;
    expect(after.generationId).toBe(generation);
    expect(after.state).toBe('Stable');
    const [again] = (await admin.describeGroups(['static-group'])).groups;
    expect(again!.members).toHaveLength(1);
    expect(again!.members[0]!.memberId).not.toBe(described!.members[0]!.memberId);
    await admin.disconnect();
  }, 60_000);

  it('kafkajs: offsets committed before a broker restart are where the group resumes', async () => {
    broker.context.createTopic('restart-t', 2);
    const producer = kafka().producer();
    await producer.connect();
    const send = (from: number, via = producer) =>
      via.send({
        topic: 'restart-t',
        messages: Array.from({ length: 20 }, (_, i) => ({ key: `k${from + i}`, value: String(from + i) })),
      });
    await send(0);
    await producer.disconnect();
    const consume = async (want: number): Promise<string[]> => {
      const seen: string[] = [];
      const consumer = kafka().consumer({
        groupId: 'restart-group',
        sessionTimeout: 6000,
        heartbeatInterval: 500,
      });
      await consumer.connect();
      await consumer.subscribe({ topic: 'restart-t', fromBeginning: true });
      await consumer.run({ eachMessage: async ({ message }) => void seen.push(message.value!.toString()) });
      const deadline = Date.now() + 20_000;
      while (seen.length < want && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      await consumer.disconnect(); // commits what it consumed
      return seen;
    };
    expect((await consume(20)).sort()).toEqual(Array.from({ length: 20 }, (_, i) => String(i)).sort());
    await broker.stop();
    broker = await start();
    const admin = kafka().admin();
    await admin.connect();
    const committed = (await admin.fetchOffsets({ groupId: 'restart-group', topics: ['restart-t'] }))[0]!
      .partitions;
    expect(committed.reduce((n, p) => n + Number(p.offset), 0)).toBe(20);
    await admin.disconnect();
    const p2 = kafka().producer();
    await p2.connect();
    await send(20, p2);
    await p2.disconnect();
    // Only the new records: nothing before the restart is delivered again.
    expect((await consume(20)).sort()).toEqual(Array.from({ length: 20 }, (_, i) => String(20 + i)).sort());
  }, 60_000);
});
