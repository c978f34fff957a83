/**
 * Chain metrics on a 3-node chain inside one process (127.0.0.1, .2, .3, same ports), each node
 * serving /metrics on its own address: per-member replication lag goes to 0 after acks=all
 * writes and shows what a stopped tail lacks; the forward round trips are counted. Every node
 * writes its stats record (every 300 ms) to the one stats topic, led by the head: read with kcat.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Broker } from '@kilgore/broker';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, waitFor } from '../../../test/support/cluster.js';
import { readStatsTopic, sample, scrape } from '../../../test/support/metrics.js';
import { startChainNode } from './chain-node.js';

describe('chain metrics on a 3-node chain', () => {
  const brokers = new Map<number, Broker>();
  const dirs = [1, 2, 3].map((n) => fs.mkdtempSync(path.join(os.tmpdir(), `kilgore-chain-metrics-${n}-`)));
  let port: number;
  let metricsPort: number;
  let kafka: Kafka;
  const metricsOf = (id: number) => scrape(`http://127.0.0.${id}:${metricsPort}/metrics`);
  const lag = (text: string, member: number) =>
    sample(text, 'kilgore_chain_replica_lag_records', {
      topic: 'replicated',
      partition: '0',
      member: String(member),
    });

  beforeAll(async () => {
    port = await freePort('127.0.0.1');
    metricsPort = await freePort('127.0.0.1');
    const chains = `a=1@127.0.0.1:${port},2@127.0.0.2:${port},3@127.0.0.3:${port}`;
    const started = await Promise.all(
      [1, 2, 3].map((id) =>
        startChainNode(id, port, chains, dirs[id - 1]!, {
          'kilgore.metrics.listener': `http://127.0.0.${id}:${metricsPort}`,
          // A middle answers its predecessor within this even when its successor is gone.
          'replica.lag.time.max.ms': '2000',
          'kilgore.stats.enable': 'true',
          'kilgore.stats.interval.ms': '300',
        }),
      ),
    );
    for (const [i, b] of started.entries()) brokers.set(i + 1, b);
    await brokers.get(1)!.context.chain!.replicator.whenOpen();
    kafka = new Kafka({ brokers: [`127.0.0.1:${port}`], logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'replicated', numPartitions: 1 }], waitForLeaders: true });
    await admin.disconnect();
  }, 60_000);

  afterAll(async () => {
    for (const b of brokers.values()) await b.stop().catch(() => {});
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  async function produce(count: number, acks: number): Promise<void> {
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic: 'replicated',
      acks,
      messages: Array.from({ length: count }, (_, i) => ({ value: `v${i}` })),
    });
    await producer.disconnect();
  }

  it('after acks=all writes no member lags, and forwarding is timed', async () => {
    await produce(20, -1);
    const head = await metricsOf(1);
    expect(
      sample(head, 'kafka_cluster_partition_highwatermark', { topic: 'replicated', partition: '0' }),
    ).toBe(20);
    expect(lag(head, 2)).toBe(0);
    expect(lag(head, 3)).toBe(0);
    expect(sample(head, 'kilgore_chain_forward_messages_total', { chain: 'a', member: '2' })).toBeGreaterThan(
      0,
    );
    expect(sample(head, 'kilgore_chain_forward_seconds_total', { chain: 'a', member: '2' })).toBeGreaterThan(
      0,
    );
    // The middle reports its own successor; the tail forwards nothing.
    const middle = await metricsOf(2);
    expect(lag(middle, 3)).toBe(0);
    expect(lag(middle, 2)).toBeUndefined();
    const tail = await metricsOf(3);
    expect(tail).not.toMatch(/^kilgore_chain_replica_lag_records\{/m);
  });

  it('group lag is reported by the coordinator (the head of the chain) only', async () => {
    const admin = kafka.admin();
    await admin.connect();
    await admin.setOffsets({
      groupId: 'chain-readers',
      topic: 'replicated',
      partitions: [{ partition: 0, offset: '15' }],
    });
    await admin.disconnect();
    const labels = { consumergroup: 'chain-readers', topic: 'replicated', partition: '0' };
    expect(sample(await metricsOf(1), 'kafka_consumergroup_lag', labels)).toBe(5);
    for (const id of [2, 3]) expect(await metricsOf(id)).not.toMatch(/^kafka_consumergroup_lag\{/m);
  }, 30_000);

  it('every node writes its stats record to the topic its head leads, readable with kcat', async () => {
    const latest = await waitFor('a stats record from each of the 3 nodes', async () => {
      // Any node: Metadata sends kcat to the head.
      const records = await readStatsTopic(`127.0.0.2:${port}`);
      const byNode = new Map(records.map((r) => [r.key, r.value]));
      return byNode.size === 3 ? byNode : undefined;
    });
    expect([...latest.keys()].sort()).toEqual(['1', '2', '3']);
    for (const [key, record] of latest) {
      expect(record.node).toBe(Number(key));
      // Each node reports its own replica of the partition: all 20 records there.
      expect(record.topics.replicated?.lastOffset).toEqual({ '0': 19 });
    }
    // Created once, by the head: one topic id on every node.
    const ids = [...brokers.values()].map((b) => b.context.topics.get('_kilgore_stats')?.id);
    expect(new Set(ids).size).toBe(1);
    expect(ids[0]).toBeDefined();
  }, 30_000);

  it('a stopped tail lags by the records written since, on the head and on the middle', async () => {
    await brokers.get(3)!.stop();
    brokers.delete(3);
    await produce(5, 1);
    // The head has 25; the tail keeps its 20. The middle gets the 5 and answers the head once
    // its wait for the tail's ack times out.
    const head = await waitFor('the head to show the tail 5 behind', async () => {
      const text = await metricsOf(1);
      return lag(text, 3) === 5 && lag(text, 2) === 0 ? text : undefined;
    });
    expect(sample(head, 'kafka_log_log_logendoffset', { topic: 'replicated', partition: '0' })).toBe(25);
    expect(lag(await metricsOf(2), 3)).toBe(5);
  }, 30_000);
});
