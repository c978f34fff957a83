/**
 * Captures RecordBatches that librdkafka (through kcat) writes with every codec, for the
 * records interop test. A tiny stand-in broker answers just ApiVersions, Metadata and Produce,
 * and keeps the `records` bytes of each Produce request; they land in
 * test/fixtures/batches/librdkafka-<codec>.bin, with librdkafka.json listing the records sent.
 *
 *   node --import tsx packages/protocol/scripts/capture-librdkafka-batches.ts [outDir]
 *
 * KCAT (environment) names the kcat binary; default "kcat" from PATH. The stand-in's responses
 * are hand-written here on purpose: this script must not depend on the codec it helps to test.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer, type Socket } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const TOPIC = 'kilgore-capture';
const CODECS = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;
const HEADERS = [
  ['trace-id', 'abc123'],
  ['content-type', 'text/plain'],
] as const;
const KCAT = process.env.KCAT ?? 'kcat';

const outDir = path.resolve(
  process.argv[2] ?? fileURLToPath(new URL('../test/fixtures/batches/', import.meta.url)),
);

/** Enough records, compressible enough, to span several 32 KiB snappy and 64 KiB lz4 blocks. */
function recordsToSend(): Array<{ key: string; value: string }> {
  return Array.from({ length: 300 }, (_, i) => ({
    key: `key-${i}`,
    value: `record ${i} `.repeat(5 + (i % 60)),
  }));
}

class Out {
  private parts: Buffer[] = [];
  i8(v: number) {
    const b = Buffer.alloc(1);
    b.writeInt8(v);
    return this.push(b);
  }
  i16(v: number) {
    const b = Buffer.alloc(2);
    b.writeInt16BE(v);
    return this.push(b);
  }
  i32(v: number) {
    const b = Buffer.alloc(4);
    b.writeInt32BE(v);
    return this.push(b);
  }
  i64(v: bigint) {
    const b = Buffer.alloc(8);
    b.writeBigInt64BE(v);
    return this.push(b);
  }
  uvarint(v: number) {
    const bytes: number[] = [];
    while (v >= 0x80) {
      bytes.push((v & 0x7f) | 0x80);
      v >>>= 7;
    }
    bytes.push(v);
    return this.push(Buffer.from(bytes));
  }
  str(s: string | null) {
    if (s === null) return this.i16(-1);
    const b = Buffer.from(s);
    return this.i16(b.length).push(b);
  }
  push(b: Buffer) {
    this.parts.push(b);
    return this;
  }
  frame(correlationId: number): Buffer {
    const body = Buffer.concat(this.parts);
    const head = Buffer.alloc(8);
    head.writeInt32BE(body.length + 4, 0);
    head.writeInt32BE(correlationId, 4);
    return Buffer.concat([head, body]);
  }
}

const SUPPORTED: Array<[number, number, number]> = [
  // Produce: v7 is the last non-flexible version, and zstd needs it. librdkafka always picks the
  // highest; the lower ones are listed because its feature map keys gzip/snappy/lz4 on old versions.
  [0, 0, 7],
  // Never called by a producer, but librdkafka only enables MsgVersion 2 (Produce v3 + Fetch v4)
  // and zstd (Produce v7 + Fetch v10) when both are advertised.
  [1, 0, 11],
  // Also never called; librdkafka's feature map enables LZ4 only when FindCoordinator v0 exists.
  [10, 0, 3],
  [3, 0, 4], // Metadata
  [18, 0, 3], // ApiVersions
];

function apiVersions(version: number): Out {
  const o = new Out().i16(0);
  if (version >= 3) {
    o.uvarint(SUPPORTED.length + 1);
    for (const [k, min, max] of SUPPORTED) o.i16(k).i16(min).i16(max).uvarint(0);
    return o.i32(0).uvarint(0);
  }
  o.i32(SUPPORTED.length);
  for (const [k, min, max] of SUPPORTED) o.i16(k).i16(min).i16(max);
  if (version >= 1) o.i32(0);
  return o;
}

function metadata(version: number, port: number): Out {
  const o = new Out();
  if (version >= 3) o.i32(0);
  o.i32(1).i32(1).str('127.0.0.1').i32(port);
  if (version >= 1) o.str(null);
  if (version >= 2) o.str('capture');
  if (version >= 1) o.i32(1);
  o.i32(1).i16(0).str(TOPIC);
  if (version >= 1) o.i8(0);
  return o.i32(1).i16(0).i32(0).i32(1).i32(1).i32(1).i32(1).i32(1);
}

/** Parses a Produce v3-v7 body, keeps partition 0's records, and writes the response. */
function produce(version: number, body: Buffer, captured: Buffer[]): Out {
  if (version < 3) throw new Error(`capture broker: Produce v${version}; expected v3+`);
  let pos = 0;
  const str = () => {
    const len = body.readInt16BE(pos);
    pos += 2;
    if (len < 0) return null;
    pos += len;
    return body.toString('utf8', pos - len, pos);
  };
  str(); // transactional_id
  pos += 6; // acks, timeout
  const topics = body.readInt32BE(pos);
  pos += 4;
  const o = new Out().i32(topics);
  for (let t = 0; t < topics; t++) {
    o.str(str());
    const parts = body.readInt32BE(pos);
    pos += 4;
    o.i32(parts);
    for (let p = 0; p < parts; p++) {
      const index = body.readInt32BE(pos);
      const size = body.readInt32BE(pos + 4);
      pos += 8;
      captured.push(Buffer.from(body.subarray(pos, pos + size)));
      pos += size;
      o.i32(index).i16(0).i64(0n).i64(-1n);
      if (version >= 5) o.i64(0n);
    }
  }
  return o.i32(0);
}

function serve(socket: Socket, port: number, captured: Buffer[]): void {
  let pending = Buffer.alloc(0);
  socket.on('data', (chunk) => {
    pending = Buffer.concat([pending, chunk]);
    while (pending.length >= 4 && pending.length >= 4 + pending.readInt32BE(0)) {
      const frame = pending.subarray(4, 4 + pending.readInt32BE(0));
      pending = pending.subarray(4 + frame.length);
      const apiKey = frame.readInt16BE(0);
      const version = frame.readInt16BE(2);
      const correlationId = frame.readInt32BE(4);
      if (process.env.CAPTURE_DEBUG) console.error(`capture broker: api ${apiKey} v${version}`);
      const clientIdLen = frame.readInt16BE(8);
      const bodyStart = 10 + Math.max(0, clientIdLen);
      let out: Out;
      if (apiKey === 18) out = apiVersions(version);
      else if (apiKey === 3) out = metadata(version, port);
      else if (apiKey === 0) out = produce(version, frame.subarray(bodyStart), captured);
      else throw new Error(`capture broker: unexpected api key ${apiKey} v${version}`);
      socket.write(out.frame(correlationId));
    }
  });
  socket.on('error', () => {});
}

async function capture(codec: (typeof CODECS)[number], records: Array<{ key: string; value: string }>) {
  const captured: Buffer[] = [];
  const server = createServer((s) => serve(s, port, captured));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const args = ['-P', '-b', `127.0.0.1:${port}`, '-t', TOPIC, '-p', '0', '-z', codec, '-K', '\t'];
  for (const [k, v] of HEADERS) args.push('-H', `${k}=${v}`);
  // One batch: let the whole input pile up before librdkafka sends.
  args.push('-X', 'linger.ms=200', '-X', 'batch.num.messages=100000', '-X', 'acks=all');
  if (process.env.CAPTURE_DEBUG) args.push('-d', 'protocol,broker,msg');
  const child = spawn(KCAT, args, { stdio: ['pipe', 'inherit', 'inherit'] });
  child.stdin.end(records.map((r) => `${r.key}\t${r.value}\n`).join(''));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', resolve);
  });
  server.close();
  if (code !== 0) throw new Error(`kcat exited with ${code} for codec ${codec}`);
  if (captured.length === 0) throw new Error(`no Produce request captured for codec ${codec}`);
  return Buffer.concat(captured);
}

const version = execFileSync(KCAT, ['-V'], { encoding: 'utf8' })
  .split('\n')
  .find((l) => l.includes('librdkafka'))
  ?.trim();
await mkdir(outDir, { recursive: true });
const records = recordsToSend();
const files: Record<string, string> = {};
for (const codec of CODECS) {
  const bytes = await capture(codec, records);
  files[codec] = `librdkafka-${codec}.bin`;
  await writeFile(path.join(outDir, files[codec]), bytes);
  console.log(`capture-librdkafka-batches: ${files[codec]} ${bytes.length} bytes`);
}
// One manifest for all codecs: the same records went out each time.
const manifest = {
  producer: `kcat (${version ?? 'unknown librdkafka'})`,
  note: 'Each .bin holds the records field of the Produce request: back-to-back RecordBatches.',
  files,
  headers: HEADERS.map(([key, value]) => ({ key, value })),
  records,
};
await writeFile(path.join(outDir, 'librdkafka.json'), `${JSON.stringify(manifest, null, 1)}\n`);
