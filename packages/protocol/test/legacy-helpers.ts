import { crc32 } from 'node:zlib';

/** Hand-built legacy messages for tests: an independent writer, so the decoder is not checked against itself. */
export function legacyMessage(m: {
  magic: 0 | 1;
  offset: bigint;
  attributes?: number;
  timestamp?: bigint;
  key?: Buffer | null;
  value: Buffer | null;
}): Buffer {
  const key = m.key ?? null;
  const parts: Buffer[] = [Buffer.from([m.magic, m.attributes ?? 0])];
  if (m.magic === 1) {
    const ts = Buffer.alloc(8);
    ts.writeBigInt64BE(m.timestamp ?? -1n);
    parts.push(ts);
  }
  for (const b of [key, m.value]) {
    const len = Buffer.alloc(4);
    len.writeInt32BE(b === null ? -1 : b.length);
    parts.push(len);
    if (b !== null) parts.push(b);
  }
  const body = Buffer.concat(parts);
  const head = Buffer.alloc(16);
  head.writeBigInt64BE(m.offset, 0);
  head.writeInt32BE(body.length + 4, 8);
  head.writeUInt32BE(crc32(body) >>> 0, 12);
  return Buffer.concat([head, body]);
}

export function messageSet(messages: Buffer[]): Buffer {
  return Buffer.concat(messages);
}
