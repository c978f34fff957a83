/**
 * KIP-392 under chain replication: a librdkafka consumer (kcat) with client.rack = a member's
 * node id is sent by the head to that member, which serves the records (below its own high
 * watermark); Fetch elsewhere off the head is NOT_LEADER_OR_FOLLOWER.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Broker, RequestInterceptor } from '@kilgore/broker';
import { ErrorCode, type FetchResponse } from '@kilgore/protocol';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../test/support/cluster.js';
import { startChainNode } from './chain-node.js';

const KCAT = '/usr/bin/kcat';

function kcat(args: string[]): Promise<string> {
  if (!existsSync(KCAT)) throw new Error(`${KCAT} is missing: install the Debian package kcat`);
  return new Promise((resolve, reject) => {
    const child = spawn(KCAT, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`kcat exited ${code}: ${err}`));
    });
  });
}

describe('fetch from a follower (KIP-392)', () => {
  const brokers: Broker[] = [];
  const dirs = [1, 2, 3].map((n) => mkdtempSync(path.join(os.tmpdir(), `kilgore-kip392-${n}-`)));
  afterAll(async () => {
    for (const b of brokers) await b.stop().catch(() => {});
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('sends a consumer whose client.rack names the tail there, and the tail serves it', async () => {
    const port = await freePort('127.0.0.1');
    const chains = `a=1@127.0.0.1:${port},2@127.0.0.2:${port},3@127.0.0.3:${port}`;
    let recordsFromTail = 0;
    let preferredFromHead = 0;
    const watch =
      (id: number): RequestInterceptor =>
      async (req, next) => {
        const res = await next(req.body);
        if (req.apiKey === 1 && res) {
          for (const t of (res as FetchResponse).responses) {
            for (const p of t.partitions) {
              if (id === 3 && p.records && p.records.length > 0) recordsFromTail++;
              if (id === 1 && p.preferredReadReplica === 3) preferredFromHead++;
            }
          }
        }
        return res;
      };
    brokers.push(
      ...(await Promise.all(
        [1, 2, 3].map((id) => startChainNode(id, port, chains, dirs[id - 1]!, {}, watch(id))),
      )),
    );
    await brokers[0]!.context.chain!.replicator.whenOpen();
    const kafka = new Kafka({
      clientId: 'kip392',
      brokers: [`127.0.0.1:${port}`],
      logLevel: logLevel.NOTHING,
    });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'near', numPartitions: 1 }], waitForLeaders: true });
    await admin.disconnect();
    const producer = kafka.producer();
    await producer.connect();
    const values = Array.from({ length: 50 }, (_, i) => `v${i}`);
    await producer.send({ topic: 'near', acks: -1, messages: values.map((value) => ({ value })) });
    await producer.disconnect();

    const out = await kcat([
      '-C',
      '-b',
      `127.0.0.1:${port}`,
      '-t',
      'near',
      '-p',
      '0',
      '-o',
      'beginning',
      '-e',
      '-q',
      '-X',
      'client.rack=3',
      '-f',
      '%s\\n',
    ]);
    expect(out.trim().split('\n')).toEqual(values);
    expect(preferredFromHead).toBeGreaterThan(0);
    expect(recordsFromTail).toBeGreaterThan(0);
  }, 60_000);

  it('refuses fetches off the head without a matching rack', async () => {
    const b2 = brokers[1]!;
    const log = b2.context.logs.get('near', 0)!;
    expect(log.highWatermark).toBe(50);
    expect(b2.context.chain!.fetchRoute('near', 0, '')).toEqual({
      code: ErrorCode.NOT_LEADER_OR_FOLLOWER,
      preferred: -1,
    });
    expect(b2.context.chain!.fetchRoute('near', 0, '2')).toEqual({ code: ErrorCode.NONE, preferred: -1 });
    expect(brokers[0]!.context.chain!.fetchRoute('near', 0, '2')).toEqual({
      code: ErrorCode.NONE,
      preferred: 2,
    });
    expect(brokers[0]!.context.chain!.fetchRoute('near', 0, 'eu-west')).toEqual({
      code: ErrorCode.NONE,
      preferred: -1,
    });
  });
});
