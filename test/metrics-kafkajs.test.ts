import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ApiKey, encodeRecordBatchSync, type ProduceResponse } from '@kilgore/protocol';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from './support/broker.js';
import { freePort } from './support/cluster.js';
import { readStatsTopic, sample } from './support/metrics.js';
import { requireTool } from './support/tools.js';

/**
 * /metrics (kilgore.metrics.listener) read with curl after real kafkajs traffic: request counts
 * by API and version, latency histograms, bytes and records in/out per topic, failed requests,
 * partition offsets and sizes, connections, Node's GC and event-loop metrics. The stats topic
 * (kilgore.stats.enable, a 300 ms interval) read back with kcat: per-topic puts, gets and last
 * offsets that add up to the traffic.
 */

// Never execFileSync: the broker runs in this process, and a blocked loop cannot answer curl.
async function run(file: string, args: string[]): Promise<string> {
  const pending = promisify(execFile)(file, args, { timeout: 20_000 });
  pending.child.stdin?.end();
  return (await pending).stdout;
}

describe('metrics endpoint and stats topic', () => {
  let b: TestBroker;
  let url: string;
  let scrape: string;
  const curl = requireTool('/usr/bin/curl', 'curl');

  beforeAll(async () => {
    const port = await freePort('127.0.0.1');
    url = `http://127.0.0.1:${port}/metrics`;
    b = await startTestBroker({
      'kilgore.metrics.listener': `http://127.0.0.1:${port}`,
      'kilgore.stats.enable': 'true',
      'kilgore.stats.interval.ms': '300',
    });
    const kafka = new Kafka({ brokers: [b.bootstrap], logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'metered', numPartitions: 2 }], waitForLeaders: true });
    await admin.disconnect();
    const producer = kafka.producer();
    await producer.connect();
    for (let i = 0; i < 10; i++) {
      await producer.send({
        topic: 'metered',
        messages: Array.from({ length: 5 }, (_, j) => ({
          key: `k${i}`,
          value: `value-${i}-${j}`,
          partition: i % 2,
        })),
      });
    }
    await producer.disconnect();
    const consumer = kafka.consumer({ groupId: 'metered-readers' });
    await consumer.connect();
    await consumer.subscribe({ topic: 'metered', fromBeginning: true });
    let seen = 0;
    await new Promise<void>((resolve, reject) => {
      consumer
        .run({
          eachMessage: async () => {
            if (++seen === 50) resolve();
          },
        })
        .catch(reject);
    });
    await consumer.disconnect();
    scrape = await run(curl, ['-sf', url]);
  }, 60_000);

  afterAll(async () => {
    await b?.stop();
  });

  it('counts requests by API and version, with latency histograms', () => {
    expect(sample(scrape, 'kafka_network_requestmetrics_requests_total', { request: 'Produce' })).toBe(10);
    expect(
      sample(scrape, 'kafka_network_requestmetrics_requests_total', { request: 'Fetch' }),
    ).toBeGreaterThan(0);
    expect(
      sample(scrape, 'kafka_network_requestmetrics_requests_total', { request: 'ApiVersions' }),
    ).toBeGreaterThan(0);
    expect(scrape).toMatch(
      /kafka_network_requestmetrics_requests_total\{request="Produce",version="\d+"\} 10/,
    );
    expect(
      sample(scrape, 'kafka_network_requestmetrics_totaltime_seconds_count', { request: 'Produce' }),
    ).toBe(10);
    expect(
      sample(scrape, 'kafka_network_requestmetrics_totaltime_seconds_bucket', {
        request: 'Produce',
        le: '+Inf',
      }),
    ).toBe(10);
    expect(
      sample(scrape, 'kafka_network_requestmetrics_totaltime_seconds_sum', { request: 'Produce' }),
    ).toBeGreaterThan(0);
  });

  it('counts bytes and records in and out per topic, and partition offsets', () => {
    expect(sample(scrape, 'kafka_server_brokertopicmetrics_messagesin_total', { topic: 'metered' })).toBe(50);
    expect(sample(scrape, 'kilgore_server_brokertopicmetrics_messagesout_total', { topic: 'metered' })).toBe(
      50,
    );
    const bytesIn =
      sample(scrape, 'kafka_server_brokertopicmetrics_bytesin_total', { topic: 'metered' }) ?? 0;
    const bytesOut =
      sample(scrape, 'kafka_server_brokertopicmetrics_bytesout_total', { topic: 'metered' }) ?? 0;
    expect(bytesIn).toBeGreaterThan(50 * 10);
    expect(bytesOut).toBe(bytesIn); // every batch read back once, as written
    for (const partition of ['0', '1']) {
      expect(sample(scrape, 'kafka_log_log_logendoffset', { topic: 'metered', partition })).toBe(25);
      expect(sample(scrape, 'kafka_cluster_partition_highwatermark', { topic: 'metered', partition })).toBe(
        25,
      );
      expect(sample(scrape, 'kafka_log_log_size', { topic: 'metered', partition })).toBeGreaterThan(0);
    }
  });

  it('has connections and Node runtime metrics (GC, event-loop delay)', () => {
    expect(sample(scrape, 'kafka_server_socketservermetrics_connection_count')).toBeGreaterThanOrEqual(0);
    expect(sample(scrape, 'kilgore_nodejs_eventloop_lag_p99_seconds')).toBeGreaterThanOrEqual(0);
    expect(scrape).toMatch(/^# TYPE kilgore_nodejs_gc_duration_seconds histogram$/m);
    expect(scrape).toMatch(/^kilgore_process_resident_memory_bytes \d+/m);
  });

  it('counts a refused produce as failed, and answers 404 off /metrics', async () => {
    // A batch whose CRC is wrong: Kafka answers CORRUPT_MESSAGE, and the partition counts as failed.
    const records = encodeRecordBatchSync({ records: [{ value: 'x' }] });
    records.writeUInt32BE((records.readUInt32BE(17) ^ 1) >>> 0, 17);
    const res = await b.broker.request<ProduceResponse>(ApiKey.Produce, 9, {
      transactionalId: null,
      acks: 1,
      timeoutMs: 1000,
      topicData: [{ name: 'metered', partitionData: [{ index: 0, records }] }],
    });
    expect(res?.responses[0]?.partitionResponses[0]?.errorCode).not.toBe(0);
    const after = await run(curl, ['-sf', url]);
    expect(
      sample(after, 'kafka_server_brokertopicmetrics_failedproducerequests_total', { topic: 'metered' }),
    ).toBe(1);
    expect(sample(after, 'kafka_server_brokertopicmetrics_messagesin_total', { topic: 'metered' })).toBe(50);
    const code = await run(curl, [
      '-s',
      '-o',
      '/dev/null',
      '-w',
      '%{http_code}',
      url.replace('/metrics', '/nope'),
    ]);
    expect(code).toBe('404');
  });

  it('writes stats records readable with kcat: puts, gets and last offsets per topic', async () => {
    await new Promise((r) => setTimeout(r, 1300));
    // From the live broker, while records keep arriving every 300 ms.
    const records = await readStatsTopic(b.bootstrap);
    expect(records.length).toBeGreaterThanOrEqual(2);
    expect(records.every((r) => r.key === '1' && r.value.node === 1)).toBe(true);
    const puts = records.reduce((n, r) => n + (r.value.topics.metered?.puts ?? 0), 0);
    const gets = records.reduce((n, r) => n + (r.value.topics.metered?.gets ?? 0), 0);
    const errors = records.reduce((n, r) => n + (r.value.topics.metered?.errors ?? 0), 0);
    expect(puts).toBe(50);
    expect(gets).toBe(50);
    expect(errors).toBe(1); // the corrupt batch above
    expect(records.at(-1)?.value.topics.metered?.lastOffset).toEqual({ '0': 24, '1': 24 });
    expect(records.at(-1)?.value.topics._kilgore_stats).toBeUndefined();
  });
});
