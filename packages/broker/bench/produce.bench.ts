/**
 * Produce throughput and latency against an in-process broker, from a lean load generator that
 * speaks the protocol itself: one pre-encoded Produce frame (a 16 KiB batch of 100-byte records)
 * sent over several connections with several requests in flight. Prints records/s, MB/s and
 * latency percentiles for acks=1 and acks=-1, and beside them the raw append speed: the same
 * frames over the same kind of socket, appended to a file with writeSync by a minimal loop.
 *
 *   pnpm bench:produce            (env: SECONDS=5 CONNECTIONS=4 INFLIGHT=8 BATCH=16384)
 */
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { Broker, loadConfig } from '@kilgore/broker';
import { encodeRecordBatchSync, encodeRequest, FrameSplitter } from '@kilgore/protocol';

const seconds = Number(process.env.SECONDS ?? 5);
const connections = Number(process.env.CONNECTIONS ?? 4);
const inflight = Number(process.env.INFLIGHT ?? 8);
const batchBytes = Number(process.env.BATCH ?? 16384);
const recordSize = 100;

const perBatch = Math.max(1, Math.floor(batchBytes / (recordSize + 10)));
const value = Buffer.alloc(recordSize, 'x');
const batch = encodeRecordBatchSync({ records: Array.from({ length: perBatch }, () => ({ value })) });

function produceFrame(acks: number, correlationId: number): Buffer {
  return Buffer.concat(
    encodeRequest({
      header: { apiKey: 0, apiVersion: 7, correlationId, clientId: 'bench' },
      body: {
        transactionalId: null,
        acks,
        timeoutMs: 30000,
        topicData: [{ name: 'bench', partitionData: [{ index: 0, records: Buffer.from(batch) }] }],
      },
    }),
  );
}

interface Result {
  requests: number;
  latencies: number[];
  elapsed: number;
}

/**
 * Runs the load generator in a worker thread, so it does not share the broker's event loop (the
 * broker under test gets one core, the generator the other, as with a separate client process).
 */
function load(port: number, frame: Buffer): Promise<Result> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./load-generator.mjs', import.meta.url), {
      workerData: { port, frame, seconds, connections, inflight },
    });
    worker.once('message', resolve);
    worker.once('error', reject);
  });
}

/** The baseline: read the same frames from a socket and append them to a file with writeSync. */
async function rawAppendServer(dir: string): Promise<{ port: number; close: () => void }> {
  const fd = openSync(join(dir, 'raw.log'), 'a');
  const ack = Buffer.alloc(8);
  ack.writeInt32BE(4, 0);
  const server = createServer((socket) => {
    const splitter = new FrameSplitter({ maxFrameSize: 1 << 30 });
    socket.on('data', (chunk: Buffer) => {
      const frames = splitter.push(chunk);
      for (const f of frames) writeSync(fd, f);
      for (let i = 0; i < frames.length; i++) socket.write(ack);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    close: () => {
      server.close();
      closeSync(fd);
    },
  };
}

function pct(sorted: number[], p: number): string {
  return (sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0).toFixed(2);
}

function report(name: string, r: Result): number {
  const records = (r.requests * perBatch) / r.elapsed;
  const mb = (r.requests * batch.length) / r.elapsed / 1e6;
  const sorted = r.latencies.sort((a, b) => a - b);
  console.log(
    `${name.padEnd(22)} ${Math.round(records).toLocaleString().padStart(12)} records/s ${mb.toFixed(0).padStart(6)} MB/s` +
      `   p50 ${pct(sorted, 0.5)} ms  p99 ${pct(sorted, 0.99)} ms  p999 ${pct(sorted, 0.999)} ms`,
  );
  return mb;
}

await main();

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'kilgore-bench-'));
  try {
    console.log(
      `produce: ${perBatch} records of ${recordSize} B per batch (${batch.length} B), ${connections} connections x ${inflight} in flight, ${seconds} s each`,
    );
    const raw = await rawAppendServer(dir);
    const rawMb = report('raw append (baseline)', await load(raw.port, produceFrame(1, 1)));
    raw.close();

    const { config } = loadConfig({
      flags: { listeners: 'PLAINTEXT://127.0.0.1:0', 'log.dirs': join(dir, 'data'), 'logger.level': 'warn' },
    });
    const broker = await Broker.start({ config });
    broker.context.createTopic('bench', 1);
    const port = broker.listeners[0]!.boundPort;
    const acks1 = report('kilgore acks=1', await load(port, produceFrame(1, 1)));
    report('kilgore acks=all', await load(port, produceFrame(-1, 1)));
    console.log(`ratio acks=1 / raw append: ${(acks1 / rawMb).toFixed(2)} (goal >= 0.7)`);
    await broker.stop();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
