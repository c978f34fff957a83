import { ApiKey, ErrorCode, startBroker, type TestBroker } from '@kilgore/testing';
import { Kafka, logLevel } from 'kafkajs';
import { afterEach, describe, expect, it } from 'vitest';
import { runKcat } from './kcat.js';

let broker: TestBroker;
afterEach(async () => {
  await broker?.stop();
});

const kafka = () =>
  new Kafka({
    clientId: 'faults-test',
    brokers: broker.brokers,
    logLevel: logLevel.NOTHING,
    retry: { retries: 5, initialRetryTime: 20 },
  });

async function offsets(topic: string) {
  const admin = kafka().admin();
  await admin.connect();
  const o = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  return o.sort((a, b) => a.partition - b.partition);
}

// kcat runs as a process and the clients retry with backoff: more than 5 s on a loaded 2-core machine.
describe('fault injection with real clients', { timeout: 30_000 }, () => {
  it('one NOT_LEADER_OR_FOLLOWER on Produce: kafkajs retries and the record lands once', async () => {
    broker = await startBroker();
    await broker.createTopic('nl', { partitions: 1 });
    const fault = broker.intercept(
      { apiKey: ApiKey.Produce, topic: 'nl' },
      { error: ErrorCode.NOT_LEADER_OR_FOLLOWER },
    );
    const producer = kafka().producer();
    await producer.connect();
    const [res] = await producer.send({ topic: 'nl', messages: [{ key: 'k', value: 'once' }] });
    await producer.disconnect();
    expect(res).toMatchObject({ errorCode: 0, baseOffset: '0' });
    await fault.done;
    expect(fault.hits).toHaveLength(1);
    // Two Produce requests reached the broker (the failed one, the retry), one record was stored.
    expect(broker.requests.filter((r) => r.apiKey === ApiKey.Produce)).toHaveLength(2);
    expect(await offsets('nl')).toEqual([{ partition: 0, offset: '1', high: '1', low: '0' }]);
    const out = await runKcat([
      '-b',
      broker.bootstrapServers[0]!,
      '-C',
      '-t',
      'nl',
      '-o',
      'beginning',
      '-e',
      '-q',
      '-f',
      '%k=%s\n',
    ]);
    expect(out).toBe('k=once\n');
  });

  it('fails only the matched partition of a Produce; the others are written', async () => {
    broker = await startBroker();
    await broker.createTopic('two', { partitions: 2 });
    const fault = broker.intercept(
      { apiKey: ApiKey.Produce, topic: 'two', partition: 1, times: Number.POSITIVE_INFINITY },
      { error: ErrorCode.INVALID_REQUIRED_ACKS },
    );
    const producer = kafka().producer();
    await producer.connect();
    await expect(
      producer.send({
        topic: 'two',
        messages: [
          { partition: 0, value: 'a' },
          { partition: 1, value: 'b' },
        ],
      }),
    ).rejects.toThrow();
    fault.remove();
    await producer.disconnect();
    expect(await offsets('two')).toEqual([
      { partition: 0, offset: '1', high: '1', low: '0' },
      { partition: 1, offset: '0', high: '0', low: '0' },
    ]);
  });

  it('a dropped Fetch connection: kcat reconnects and consumes everything exactly once', async () => {
    broker = await startBroker();
    await broker.createTopic('drop', { partitions: 1 });
    const bootstrap = broker.bootstrapServers[0]!;
    await runKcat(['-b', bootstrap, '-P', '-t', 'drop', '-p', '0'], 'a\nb\nc\n');
    // Drop the first two Fetch connections, after the broker served them (the answer is lost).
    const drop = broker.intercept({ apiKey: ApiKey.Fetch, topic: 'drop', times: 2 }, { drop: 'after' });
    // librdkafka ends kcat when all its brokers are down at once; a second bootstrap name for the same
    // broker keeps one handle that is not down, so kcat reconnects as a long-lived consumer would.
    const consumed = runKcat([
      '-b',
      `${bootstrap},localhost:${broker.port}`,
      '-C',
      '-t',
      'drop',
      '-o',
      'beginning',
      '-c',
      '6',
      '-q',
    ]);
    await drop.done;
    await runKcat(['-b', bootstrap, '-P', '-t', 'drop', '-p', '0'], 'd\ne\nf\n');
    expect((await consumed).split('\n').filter(Boolean)).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    expect(drop.hits).toHaveLength(2);
  });

  it('delays, observes, and decides per request', async () => {
    broker = await startBroker();
    await broker.createTopic('obs', { partitions: 1 });
    const seen = broker.intercept({ apiKey: ApiKey.Produce });
    broker.intercept({ apiKey: ApiKey.Produce }, { delayMs: 20 });
    let decided = 0;
    const decider = broker.intercept({ apiKey: ApiKey.ListOffsets, times: 1 }, (req) => {
      decided++;
      return req.clientId === 'faults-test' ? { error: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION } : undefined;
    });
    const producer = kafka().producer();
    await producer.connect();
    await producer.send({ topic: 'obs', messages: [{ value: 'x' }] });
    await producer.send({ topic: 'obs', messages: [{ value: 'y' }] });
    await producer.disconnect();
    expect(seen.hits.map((h) => h.topics)).toEqual([
      [{ name: 'obs', partitions: [0] }],
      [{ name: 'obs', partitions: [0] }],
    ]);
    // The ListOffsets fault fires once; kafkajs' admin retries and gets the real answer.
    expect(await offsets('obs')).toEqual([{ partition: 0, offset: '2', high: '2', low: '0' }]);
    expect(decider.hits).toHaveLength(1);
    expect(decided).toBe(1);
  });

  it('answers Metadata with an error for one topic', async () => {
    broker = await startBroker({ config: { 'auto.create.topics.enable': false } });
    await broker.createTopic('meta', { partitions: 1 });
    broker.intercept(
      { apiKey: ApiKey.Metadata, topic: 'meta', times: 2 },
      { error: ErrorCode.LEADER_NOT_AVAILABLE },
    );
    const admin = kafka().admin();
    await admin.connect();
    // kafkajs treats LEADER_NOT_AVAILABLE as retriable and gets the topic on a later try.
    const md = await admin.fetchTopicMetadata({ topics: ['meta'] });
    expect(md.topics[0]).toMatchObject({ name: 'meta' });
    await admin.disconnect();
  });

  it('answers a custom body, and clearFaults removes everything', async () => {
    broker = await startBroker();
    const f = broker.intercept(
      { apiKey: ApiKey.Produce, times: Number.POSITIVE_INFINITY },
      { error: ErrorCode.NOT_LEADER_OR_FOLLOWER },
    );
    broker.clearFaults();
    await f.done;
    const producer = kafka().producer();
    await producer.connect();
    await producer.send({ topic: 'cleared', messages: [{ value: 'v' }] });
    await producer.disconnect();
    expect(f.hits).toHaveLength(0);
  });
});
