import { ApiKey, startBroker, type TestBroker } from '@kilgore/testing';
import {
  type DeliveryReport,
  KafkaConsumer,
  type Message,
  Producer,
  type TopicPartitionOffset,
} from 'node-rdkafka';
import { afterEach, describe, expect, it } from 'vitest';

// node-rdkafka 3.6 (librdkafka 2.12, built from source on install): produce with delivery
// reports, then consume in a group with manual commits. Only asynchronous node-rdkafka calls:
// the broker runs in this process, so a *Sync call would block the loop that has to answer it.
let broker: TestBroker;
const clients: { disconnect(cb: () => void): unknown; isConnected(): boolean }[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) {
    if (c.isConnected()) await new Promise<void>((r) => c.disconnect(() => r()));
  }
  await broker?.stop();
});

/** Rejects after `ms` with `what`; resolves (or rejects) with `p` otherwise. */
function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

const connect = <C extends Producer | KafkaConsumer>(client: C): Promise<C> => {
  clients.push(client);
  return within(
    new Promise<C>((resolve, reject) => {
      client.connect({ timeout: 10_000 }, (err) => (err ? reject(err) : resolve(client)));
    }),
    15_000,
    'connect',
  );
};

const disconnect = (client: Producer | KafkaConsumer) =>
  within(new Promise<void>((r) => client.disconnect(() => r())), 15_000, 'disconnect');

/** Produces `records` with delivery reports; resolves with the reports once all arrived. */
async function produce(topic: string, records: { key: string; value: string }[]) {
  const producer = await connect(
    new Producer({
      'client.id': 'rdk-producer',
      'metadata.broker.list': broker.bootstrapServers.join(','),
      dr_cb: true,
      'linger.ms': 5,
    }),
  );
  const reports: DeliveryReport[] = [];
  const delivered = new Promise<void>((resolve, reject) => {
    producer.on('delivery-report', (err, report) => {
      if (err) reject(err);
      reports.push(report);
      if (reports.length === records.length) resolve();
    });
  });
  producer.setPollInterval(20);
  for (const { key, value } of records) producer.produce(topic, null, Buffer.from(value), key);
  await within(delivered, 15_000, `${records.length} delivery reports`);
  await disconnect(producer);
  return reports;
}

function groupConsumer(groupId: string) {
  return new KafkaConsumer(
    {
      'client.id': 'rdk-consumer',
      'group.id': groupId,
      'metadata.broker.list': broker.bootstrapServers.join(','),
      'enable.auto.commit': false,
      'session.timeout.ms': 6000,
      'heartbeat.interval.ms': 500,
      'fetch.wait.max.ms': 100,
      offset_commit_cb: true,
    },
    { 'auto.offset.reset': 'earliest' },
  );
}

/** Polls `consumer` (non-flowing) until it has `count` messages. */
async function consumeN(consumer: KafkaConsumer, count: number) {
  const messages: Message[] = [];
  const loop = async () => {
    while (messages.length < count) {
      const batch = await new Promise<Message[]>((resolve, reject) =>
        consumer.consume(count - messages.length, (err, m) => (err ? reject(err) : resolve(m))),
      );
      messages.push(...batch);
    }
  };
  await within(loop(), 15_000, `${count} messages`);
  return messages;
}

const text = (m: Message) => `${m.key?.toString()}=${m.value?.toString()}`;

describe('node-rdkafka against startBroker()', { timeout: 30_000 }, () => {
  it('produces keyed records with delivery reports and consumes them once in a group with manual commits', async () => {
    broker = await startBroker({ inMemory: true });
    await broker.createTopic('rdk', { partitions: 2 });
    const records = Array.from({ length: 40 }, (_, i) => ({ key: `k${i}`, value: `v${i}` }));

    const reports = await produce('rdk', records);
    expect(reports).toHaveLength(records.length);
    expect(new Set(reports.map((r) => r.partition))).toEqual(new Set([0, 1])); // keys spread over both
    // Every report has its own (partition, offset), and the offsets of a partition are 0..n-1.
    const perPartition = [0, 1].map((p) =>
      reports
        .filter((r) => r.partition === p)
        .map((r) => r.offset)
        .sort((a, b) => a - b),
    );
    for (const offsets of perPartition) expect(offsets).toEqual(offsets.map((_, i) => i));

    const consumer = await connect(groupConsumer('rdk-group'));
    consumer.setDefaultConsumeTimeout(200);
    consumer.subscribe(['rdk']);
    const messages = await consumeN(consumer, records.length);
    // Every record exactly once, with its key.
    expect(messages.map(text).sort()).toEqual(records.map((r) => `${r.key}=${r.value}`).sort());
    // Each partition is read in offset order, every offset once.
    for (const p of [0, 1]) {
      const offs = messages.filter((m) => m.partition === p).map((m) => m.offset);
      expect(offs).toEqual(perPartition[p]);
    }

    // Commit the next offset of each partition, then read the commits back from the coordinator.
    const toCommit: TopicPartitionOffset[] = [0, 1].map((partition) => ({
      topic: 'rdk',
      partition,
      offset: perPartition[partition]!.length,
    }));
    // Asynchronous commit: commitSync (like every *Sync call) blocks the event loop, and the
    // broker runs on that same loop, so it could never answer.
    const commitDone = new Promise<TopicPartitionOffset[]>((resolve, reject) =>
      consumer.once('offset.commit', (err, tps) => (err ? reject(err) : resolve(tps))),
    );
    let committing = true;
    const stop = () => {
      committing = false;
    };
    commitDone.then(stop, stop);
    consumer.commit(toCommit);
    // The commit callback is served by the consumer's poll, so keep consuming until it fires;
    // nothing more may arrive meanwhile.
    const extra: Message[] = [];
    const poll = async () => {
      while (committing) {
        extra.push(
          ...(await new Promise<Message[]>((resolve, reject) =>
            consumer.consume(10, (err, m) => (err ? reject(err) : resolve(m))),
          )),
        );
      }
    };
    const [committedByCallback] = await within(Promise.all([commitDone, poll()]), 15_000, 'offset commit');
    expect(extra.map(text)).toEqual([]);
    expect(
      committedByCallback
        .map(({ partition, offset }) => ({ partition, offset }))
        .sort((a, b) => a.partition - b.partition),
    ).toEqual(toCommit.map(({ partition, offset }) => ({ partition, offset })));
    const committed = await within(
      new Promise<TopicPartitionOffset[]>((resolve, reject) =>
        consumer.committed(
          [0, 1].map((partition) => ({ topic: 'rdk', partition })),
          10_000,
          (err, tps) => (err ? reject(err) : resolve(tps)),
        ),
      ),
      15_000,
      'committed offsets',
    );
    expect(
      committed
        .map(({ partition, offset }) => ({ partition, offset }))
        .sort((a, b) => a.partition - b.partition),
    ).toEqual(toCommit.map(({ partition, offset }) => ({ partition, offset })));
    await disconnect(consumer);
    expect(broker.requests.some((r) => r.apiKey === ApiKey.JoinGroup)).toBe(true);
    expect(broker.requests.some((r) => r.apiKey === ApiKey.OffsetCommit)).toBe(true);

    // A second consumer in the group resumes at the commits: it gets only what is produced later.
    await produce('rdk', [{ key: 'late', value: 'after-commit' }]);
    const second = await connect(groupConsumer('rdk-group'));
    second.setDefaultConsumeTimeout(200);
    second.subscribe(['rdk']);
    expect((await consumeN(second, 1)).map(text)).toEqual(['late=after-commit']);
    await disconnect(second);
  });
});
