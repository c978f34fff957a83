/**
 * Writes v2 records with explicit offset deltas. The protocol's batch encoder numbers records
 * 0..n-1; compaction must keep the original offsets (and so the gaps), so it writes its own.
 */
export interface RecordToKeep {
  attributes: number;
  timestampDelta: number;
  offsetDelta: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: ReadonlyArray<{ key: string; value: Buffer | null }>;
}

function zigzagSize(n: number): number {
  let v = n >= 0 ? n * 2 : -n * 2 - 1;
  let size = 1;
  while (v >= 128) {
    v = Math.floor(v / 128);
    size++;
  }
  return size;
}

function writeZigzag(buf: Buffer, pos: number, n: number): number {
  let v = n >= 0 ? n * 2 : -n * 2 - 1;
  while (v >= 128) {
    buf[pos++] = (v % 128) | 0x80;
    v = Math.floor(v / 128);
  }
  buf[pos++] = v;
  return pos;
}

const bytesSize = (b: Buffer | null) => (b === null ? zigzagSize(-1) : zigzagSize(b.length) + b.length);

function writeBytes(buf: Buffer, pos: number, b: Buffer | null): number {
  if (b === null) return writeZigzag(buf, pos, -1);
  pos = writeZigzag(buf, pos, b.length);
  b.copy(buf, pos);
  return pos + b.length;
}

/** The records, each as `length varint` + body, back to back (uncompressed). */
export function writeRecords(records: readonly RecordToKeep[]): Buffer {
  const bodies: number[] = [];
  const headerKeys: Buffer[][] = [];
  let total = 0;
  for (const r of records) {
    const keys = r.headers.map((h) => Buffer.from(h.key, 'utf8'));
    headerKeys.push(keys);
    let body =
      1 + zigzagSize(r.timestampDelta) + zigzagSize(r.offsetDelta) + bytesSize(r.key) + bytesSize(r.value);
    body += zigzagSize(r.headers.length);
    r.headers.forEach((h, i) => {
      body += bytesSize(keys[i]!) + bytesSize(h.value);
    });
    bodies.push(body);
    total += zigzagSize(body) + body;
  }
  const buf = Buffer.allocUnsafe(total);
  let pos = 0;
  records.forEach((r, i) => {
    pos = writeZigzag(buf, pos, bodies[i]!);
    buf[pos++] = r.attributes;
    pos = writeZigzag(buf, pos, r.timestampDelta);
    pos = writeZigzag(buf, pos, r.offsetDelta);
    pos = writeBytes(buf, pos, r.key);
    pos = writeBytes(buf, pos, r.value);
    pos = writeZigzag(buf, pos, r.headers.length);
    r.headers.forEach((h, j) => {
      pos = writeBytes(buf, pos, headerKeys[i]![j]!);
      pos = writeBytes(buf, pos, h.value);
    });
  });
  return buf;
}
