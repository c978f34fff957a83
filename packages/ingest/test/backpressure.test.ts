import { connect } from 'node:net';
import { join } from 'node:path';
import { Broker, loadConfig } from '@kilgore/broker';
import { encodeFrame, IngestServer, ingestConfigFrom } from '@kilgore/ingest';
import { ApiKey, decodeRecordBatchSync } from '@kilgore/protocol';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from './temp-dir.js';

/**
 * In-process broker and ingest over a real unix socket: with a 4 KiB buffer the ingest stops
 * reading its sockets almost at once, and every message of 20 fast writers still arrives, in
 * each writer's order, one record batch per Produce.
 */
let broker: Broker;
let ingest: IngestServer;
let socket: string;

beforeAll(async () => {
  const dir = tempDir('kilgore-ingest-bp-');
  socket = join(dir, 'i.sock');
  const { config } = loadConfig({
    flags: {
      listeners: 'PLAINTEXT://127.0.0.1:0',
      'log.dirs': join(dir, 'data'),
      'logger.level': 'silent',
      'kilgore.ingest.socket': socket,
      'kilgore.ingest.buffer.bytes': '4096',
      'kilgore.ingest.batch.records': '50',
    },
  });
  broker = await Broker.start({ config });
  const ingestConfig = ingestConfigFrom(config);
  if (ingestConfig === null) throw new Error('ingest config missing');
  ingest = await IngestServer.start(broker, ingestConfig, pino({ level: 'silent' }));
});
afterAll(async () => {
  await ingest?.stop();
  await broker?.stop();
});

function write(w: number, n: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const c = connect(socket);
    let answer = '';
    c.on('connect', () => {
      const frames: Buffer[] = [];
      for (let i = 0; i < n; i++) frames.push(encodeFrame('bp', null, `${w}:${i}`));
      c.end(Buffer.concat(frames)); // all at once: far more than the buffer
    });
    c.on('data', (d) => {
      answer += d.toString();
    });
    c.on('close', () => resolve(answer));
    c.on('error', reject);
  });
}

describe('ingest backpressure', () => {
  it('pauses reading when the buffer is full and loses nothing', async () => {
    const answers = await Promise.all([...Array(20).keys()].map((w) => write(w, 1000)));
    expect(answers).toEqual(Array(20).fill('OK 1000\n'));
    expect(ingest.stats).toMatchObject({ received: 20_000, appended: 20_000, dropped: 0 });
    expect(ingest.pendingBytes).toBe(0);
    expect(ingest.stats.pauses).toBeGreaterThan(0);

    const fetched = await broker.request<{ responses: { partitions: { records: Buffer | null }[] }[] }>(
      ApiKey.Fetch,
      11,
      {
        replicaId: -1,
        maxWaitMs: 0,
        minBytes: 1,
        maxBytes: 64 << 20,
        isolationLevel: 0,
        sessionId: 0,
        sessionEpoch: -1,
        topics: [
          {
            topic: 'bp',
            partitions: [
              {
                partition: 0,
                currentLeaderEpoch: -1,
                fetchOffset: 0n,
                logStartOffset: -1n,
                partitionMaxBytes: 64 << 20,
              },
            ],
          },
        ],
        forgottenTopicsData: [],
        rackId: '',
      },
    );
    let bytes = fetched?.responses[0]?.partitions[0]?.records ?? Buffer.alloc(0);
    const last = new Map<number, number>();
    let records = 0;
    while (bytes.length > 0) {
      const size = 12 + bytes.readInt32BE(8);
      for (const r of decodeRecordBatchSync(bytes.subarray(0, size)).records) {
        const [w, i] = (r.value?.toString() ?? '').split(':').map(Number) as [number, number];
        expect(i).toBe((last.get(w) ?? -1) + 1);
        last.set(w, i);
        records++;
      }
      bytes = bytes.subarray(size);
    }
    expect(records).toBe(20_000);
  });
});
