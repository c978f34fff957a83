/**
 * The records of `__transaction_state` in Kafka's formats (TransactionLogKey and
 * TransactionLogValue v0 in transaction-coordinator/src/main/resources/common/message), so that
 * Kafka's tools can read Kilgore's coordinator log: key = int16 record type 0 + transactional id;
 * value = int16 version 0 + producer id, epoch, timeout, status, partitions, timestamps.
 */

/** Kafka's TransactionState, by the id it stores. */
export const TxnStatus = {
  Empty: 0,
  Ongoing: 1,
  PrepareCommit: 2,
  PrepareAbort: 3,
  CompleteCommit: 4,
  CompleteAbort: 5,
  Dead: 6,
  PrepareEpochFence: 7,
} as const;
export type TxnStatus = (typeof TxnStatus)[keyof typeof TxnStatus];

export const TXN_STATUS_NAMES: Record<number, string> = Object.fromEntries(
  Object.entries(TxnStatus).map(([name, id]) => [id, name]),
);

export interface TxnMetadata {
  transactionalId: string;
  producerId: bigint;
  producerEpoch: number;
  timeoutMs: number;
  status: TxnStatus;
  /** Topic -> partitions in the open transaction. */
  partitions: Map<string, Set<number>>;
  lastUpdateMs: number;
  /** When the open transaction began; -1 when there is none. */
  startMs: number;
}

export function encodeTxnKey(transactionalId: string): Buffer {
  const id = Buffer.from(transactionalId);
  const b = Buffer.alloc(4 + id.length);
  b.writeInt16BE(0, 0);
  b.writeInt16BE(id.length, 2);
  id.copy(b, 4);
  return b;
}

export function decodeTxnKey(b: Buffer): string | undefined {
  if (b.length < 4 || b.readInt16BE(0) !== 0) return undefined;
  const len = b.readInt16BE(2);
  if (len < 0 || 4 + len > b.length) return undefined;
  return b.toString('utf8', 4, 4 + len);
}

export function encodeTxnValue(m: TxnMetadata): Buffer {
  const parts: Buffer[] = [];
  const head = Buffer.alloc(2 + 8 + 2 + 4 + 1);
  head.writeInt16BE(0, 0);
  head.writeBigInt64BE(m.producerId, 2);
  head.writeInt16BE(m.producerEpoch, 10);
  head.writeInt32BE(m.timeoutMs, 12);
  head.writeInt8(m.status, 16);
  parts.push(head);
  const count = Buffer.alloc(4);
  count.writeInt32BE(m.partitions.size);
  parts.push(count);
  for (const [topic, ids] of m.partitions) {
    const name = Buffer.from(topic);
    const t = Buffer.alloc(2 + name.length + 4 + 4 * ids.size);
    t.writeInt16BE(name.length, 0);
    name.copy(t, 2);
    t.writeInt32BE(ids.size, 2 + name.length);
    let at = 6 + name.length;
    for (const id of ids) {
      t.writeInt32BE(id, at);
      at += 4;
    }
    parts.push(t);
  }
  const tail = Buffer.alloc(16);
  tail.writeBigInt64BE(BigInt(m.lastUpdateMs), 0);
  tail.writeBigInt64BE(BigInt(m.startMs), 8);
  parts.push(tail);
  return Buffer.concat(parts);
}

/** Decodes a v0 or v1 value (v1's tagged fields after the fixed ones are skipped). */
export function decodeTxnValue(transactionalId: string, b: Buffer): TxnMetadata {
  const version = b.readInt16BE(0);
  if (version !== 0 && version !== 1) throw new RangeError(`TransactionLogValue version ${version}`);
  let at = 2;
  const producerId = b.readBigInt64BE(at);
  at += 8;
  const producerEpoch = b.readInt16BE(at);
  at += 2;
  const timeoutMs = b.readInt32BE(at);
  at += 4;
  const status = b.readInt8(at) as TxnStatus;
  at += 1;
  const partitions = new Map<string, Set<number>>();
  // v1 is flexible: compact arrays and strings (length + 1 as unsigned varints).
  const flexible = version === 1;
  const readLength = (): number => {
    if (!flexible) {
      const n = b.readInt32BE(at);
      at += 4;
      return n;
    }
    let n = 0;
    let shift = 0;
    for (;;) {
      const byte = b[at++]!;
      n |= (byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) break;
      shift += 7;
    }
    return n - 1;
  };
  const topics = readLength();
  for (let i = 0; i < topics; i++) {
    let nameLength: number;
    if (flexible) nameLength = readLength();
    else {
      nameLength = b.readInt16BE(at);
      at += 2;
    }
    const topic = b.toString('utf8', at, at + nameLength);
    at += nameLength;
    const n = readLength();
    const ids = new Set<number>();
    for (let j = 0; j < n; j++) {
      ids.add(b.readInt32BE(at));
      at += 4;
    }
    if (flexible) at += 1; // the topic entry's empty tagged fields
    partitions.set(topic, ids);
  }
  const lastUpdateMs = Number(b.readBigInt64BE(at));
  const startMs = Number(b.readBigInt64BE(at + 8));
  return { transactionalId, producerId, producerEpoch, timeoutMs, status, partitions, lastUpdateMs, startMs };
}
