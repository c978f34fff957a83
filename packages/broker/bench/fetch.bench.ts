/**
 * Fetch throughput from the page cache against an in-process broker: one partition preloaded
 * with 100-byte records in 16 KiB batches, read by a lean Fetch v11 client (a worker thread)
 * over several connections with several requests in flight, each request up to 1 MiB. Printed
 * beside a raw baseline from the same run: readSync of the same segment file in 1 MiB reads.
 *
 *   pnpm bench:fetch   (env: SECONDS=4 ROUNDS=3 CONNECTIONS=2 STREAMS=8 MB=256 FETCH_BYTES=1048576)
 */
import { closeSync, fstatSync, mkdtempSync, openSync, readdirSync, readSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { Broker, loadConfig } from '@kilgore/broker';
import { encodeRecordBatchSync, encodeRequest } from '@kilgore/protocol';

const seconds = Number(process.env.SECONDS ?? 4);
const rounds = Number(process.env.ROUNDS ?? 3);
const connections = Number(process.env.CONNECTIONS ?? 2);
const streams = Number(process.env.STREAMS ?? 8);
const totalMb = Number(process.env.MB ?? 256);
const fetchBytes = Number(process.env.FETCH_BYTES ?? 1 << 20);
const recordSize = 100;

const perBatch = Math.floor(16384 / (recordSize + 10));
const value = Buffer.alloc(recordSize, 'x');
const batch = encodeRecordBatchSync({ records: Array.from({ length: perBatch }, () => ({ value })) });
const batches = Math.ceil((totalMb * 1e6) / batch.length);

const MARK = 0x0123456789abcdefn;
/** A Fetch v11 request for one partition, with a marker where the fetch offset goes. */
function template(): { frame: Buffer; offsetAt: number } {
  const frame = Buffer.concat(
    encodeRequest({
      header: { apiKey: 1, apiVersion: 11, correlationId: 0, clientId: 'bench' },
      body: {
        replicaId: -1,
        maxWaitMs: 500,
        minBytes: 1,
        maxBytes: fetchBytes,
        isolationLevel: 0,
        sessionId: 0,
        sessionEpoch: -1,
        topics: [
          {
            topic: 'bench',
            partitions: [
              {
                partition: 0,
                currentLeaderEpoch: -1,
                fetchOffset: MARK,
                logStartOffset: -1n,
                partitionMaxBytes: fetchBytes,
              },
            ],
          },
        ],
        forgottenTopicsData: [],
        rackId: '',
      },
    } as Parameters<typeof encodeRequest>[0]),
  );
  const m = Buffer.alloc(8);
  m.writeBigInt64BE(MARK);
  const offsetAt = frame.indexOf(m);
  if (offsetAt < 0) throw new Error('fetch offset marker not found in the encoded request');
  return { frame, offsetAt };
}

interface Result {
  bytes: number;
  records: number;
  fetches: number;
  errors: number;
  elapsed: number;
}

function fetchLoad(port: number, logEnd: number): Promise<Result> {
  const { frame, offsetAt } = template();
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./fetch-client.mjs', import.meta.url), {
      workerData: { port, template: frame, offsetAt, seconds, connections, streams, logEnd },
    });
    worker.once('message', resolve);
    worker.once('error', reject);
  });
}

/** The baseline: readSync of the same file, 1 MiB at a time, for about `seconds`. */
function rawRead(file: string): { bytes: number; elapsed: number } {
  const fd = openSync(file, 'r');
  const size = fstatSync(fd).size;
  const t = performance.now();
  const stop = t + seconds * 1000;
  let bytes = 0;
  while (performance.now() < stop) {
    for (let pos = 0; pos < size; pos += fetchBytes) {
      bytes += readSync(fd, Buffer.allocUnsafe(fetchBytes), 0, fetchBytes, pos);
    }
  }
  const elapsed = (performance.now() - t) / 1000;
  closeSync(fd);
  return { bytes, elapsed };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (name: string, mbps: number, rps?: number) =>
  `${name.padEnd(30)} ${mbps.toFixed(0).padStart(6)} MB/s${rps === undefined ? '' : `${Math.round(rps).toLocaleString().padStart(14)} records/s`}`;

await main();

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'kilgore-bench-'));
  const { config } = loadConfig({
    flags: { listeners: 'PLAINTEXT://127.0.0.1:0', 'log.dirs': dir, 'logger.level': 'error' },
  });
  const broker = await Broker.start({ config });
  try {
    broker.context.createTopic('bench', 1);
    const log = broker.context.logs.get('bench', 0)!;
    for (let i = 0; i < batches; i++) await log.append(Buffer.from(batch));
    const logEnd = log.logEndOffset;
    const partDir = join(dir, 'bench-0');
    const segment = readdirSync(partDir).find((f) => f.endsWith('.log'))!;
    console.log(
      `fetch: ${logEnd.toLocaleString()} records of ${recordSize} B in ${batches} batches of ${batch.length} B (${((batches * batch.length) / 1e6).toFixed(0)} MB, page cache); ` +
        `${connections} connections, ${streams} requests in flight, ${fetchBytes} B per fetch, ${seconds} s per run, ${rounds} rounds (medians)`,
    );
    const raw: number[] = [];
    const mbs: number[] = [];
    const rps: number[] = [];
    const ratios: number[] = [];
    for (let r = 0; r < rounds; r++) {
      const rr = rawRead(join(partDir, segment));
      raw.push(rr.bytes / rr.elapsed / 1e6);
      const k = await fetchLoad(broker.listeners[0]!.boundPort, logEnd);
      if (k.errors > 0) console.log(`  round ${r + 1}: ${k.errors} fetches returned an error or nothing`);
      mbs.push(k.bytes / k.elapsed / 1e6);
      rps.push(k.records / k.elapsed);
      ratios.push(mbs[r]! / raw[r]!);
      console.log(
        `  round ${r + 1}: readSync ${raw[r]!.toFixed(0)} MB/s, kilgore ${mbs[r]!.toFixed(0)} MB/s (${Math.round(k.fetches / k.elapsed).toLocaleString()} fetches/s)`,
      );
    }
    console.log(fmt('raw readSync 1 MiB loop', median(raw)));
    console.log(fmt('kilgore fetch', median(mbs), median(rps)));
    console.log(
      `ratio fetch / readSync: ${median(ratios).toFixed(2)}   goal: fetch from page cache >= 1000 MB/s (issue 4)`,
    );
  } finally {
    await broker.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
