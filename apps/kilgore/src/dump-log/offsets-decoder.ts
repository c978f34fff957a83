import type { DecodedRecord } from '@kilgore/protocol';
import { decodeConsumerGroupRecord, isConsumerGroupRecordType } from './consumer-group-decoder.js';
import { json } from './jackson-json.js';

/**
 * Kafka's `__consumer_offsets` record formats (the group coordinator's OffsetCommitKey/Value
 * and GroupMetadataKey/Value; KIP-848 group records in consumer-group-decoder.ts), printed as DumpLogSegments' --offsets-decoder does: the key as
 * {"type":"<key version>","data":{...}}, the value as {"version":"<v>","data":{...}} with the
 * fields that version has, in schema order, or <DELETE> for a tombstone. A record that does
 * not parse prints Kafka's "Error at offset ..." line instead of stopping the dump.
 */
export function decodeOffsetsRecord(r: DecodedRecord): { key?: string; payload?: string } {
  if (r.key === null) {
    return { key: `Error at offset ${r.offset}, skipping. Failed to decode message: the key is missing` };
  }
  try {
    const key = new Reader(r.key);
    const type = key.int16();
    if (type === 0 || type === 1) {
      const data = { group: key.string(), topic: key.string(), partition: key.int32() };
      return {
        key: json({ type: String(type), data }),
        payload: r.value === null ? '<DELETE>' : offsetCommitValue(new Reader(r.value)),
      };
    }
    if (type === 2) {
      const data = { group: key.string() };
      return {
        key: json({ type: '2', data }),
        payload: r.value === null ? '<DELETE>' : groupMetadataValue(new Reader(r.value)),
      };
    }
    if (isConsumerGroupRecordType(type)) return decodeConsumerGroupRecord(r.key, r.value);
    return { key: `Unknown record type ${type} at offset ${r.offset}, skipping.` };
  } catch (err) {
    return { key: `Error at offset ${r.offset}, skipping. ${(err as Error).message}` };
  }
}

function offsetCommitValue(v: Reader): string {
  const version = v.int16();
  if (version < 0 || version > 3) throw new Error(`unsupported OffsetCommitValue version ${version}`);
  const data: Record<string, unknown> = { offset: v.int64() };
  if (version >= 3) data.leaderEpoch = v.int32();
  data.metadata = v.string();
  data.commitTimestamp = v.int64();
  if (version === 1) data.expireTimestamp = v.int64();
  return json({ version: String(version), data });
}

function groupMetadataValue(v: Reader): string {
  const version = v.int16();
  if (version < 0 || version > 3) throw new Error(`unsupported GroupMetadataValue version ${version}`);
  const data: Record<string, unknown> = {
    protocolType: v.string(),
    generation: v.int32(),
    protocol: v.nullableString(),
    leader: v.nullableString(),
  };
  if (version >= 2) data.currentStateTimestamp = v.int64();
  const members: Record<string, unknown>[] = [];
  const count = v.int32();
  for (let i = 0; i < count; i++) {
    const m: Record<string, unknown> = { memberId: v.string() };
    if (version >= 3) m.groupInstanceId = v.nullableString();
    m.clientId = v.string();
    m.clientHost = v.string();
    if (version >= 1) m.rebalanceTimeout = v.int32();
    m.sessionTimeout = v.int32();
    // For the consumer protocol Kafka decodes subscriptions and assignments; anything else (or
    // bytes that do not parse) stays base64, Jackson's form for bytes.
    const consumer = data.protocolType === 'consumer';
    m.subscription = embedded(v.bytes(), consumer, subscription);
    m.assignment = embedded(v.bytes(), consumer, assignment);
    members.push(m);
  }
  data.members = members;
  return json({ version: String(version), data });
}

function embedded(bytes: Buffer, consumer: boolean, decode: (r: Reader) => unknown): unknown {
  if (!consumer) return bytes.toString('base64');
  try {
    return decode(new Reader(bytes));
  } catch {
    return bytes.toString('base64');
  }
}

/** ConsumerProtocolSubscription v0-v3, the fields each version has. */
function subscription(r: Reader): Record<string, unknown> {
  const version = r.int16();
  const out: Record<string, unknown> = { topics: r.array(() => r.string()), userData: r.nullableBytes() };
  if (version >= 1)
    out.ownedPartitions = r.array(() => ({ topic: r.string(), partitions: r.array(() => r.int32()) }));
  if (version >= 2) out.generationId = r.int32();
  if (version >= 3) out.rackId = r.nullableString();
  return out;
}

/** ConsumerProtocolAssignment v0-v3. */
function assignment(r: Reader): Record<string, unknown> {
  r.int16();
  return {
    assignedPartitions: r.array(() => ({ topic: r.string(), partitions: r.array(() => r.int32()) })),
    userData: r.nullableBytes(),
  };
}

class Reader {
  #pos = 0;
  constructor(private readonly buf: Buffer) {}
  #need(n: number): void {
    if (this.#pos + n > this.buf.length) throw new Error('record truncated');
  }
  int16(): number {
    this.#need(2);
    const v = this.buf.readInt16BE(this.#pos);
    this.#pos += 2;
    return v;
  }
  int32(): number {
    this.#need(4);
    const v = this.buf.readInt32BE(this.#pos);
    this.#pos += 4;
    return v;
  }
  int64(): bigint {
    this.#need(8);
    const v = this.buf.readBigInt64BE(this.#pos);
    this.#pos += 8;
    return v;
  }
  nullableString(): string | null {
    const n = this.int16();
    if (n < 0) return null;
    this.#need(n);
    const s = this.buf.toString('utf8', this.#pos, this.#pos + n);
    this.#pos += n;
    return s;
  }
  string(): string {
    const s = this.nullableString();
    if (s === null) throw new Error('non-nullable string is null');
    return s;
  }
  array<T>(item: () => T): T[] {
    const n = this.int32();
    const out: T[] = [];
    for (let i = 0; i < n; i++) out.push(item());
    return out;
  }
  nullableBytes(): string | null {
    if (this.#pos + 4 <= this.buf.length && this.buf.readInt32BE(this.#pos) < 0) {
      this.#pos += 4;
      return null;
    }
    return this.bytes().toString('base64');
  }
  bytes(): Buffer {
    const n = this.int32();
    if (n < 0) return Buffer.alloc(0);
    this.#need(n);
    const b = this.buf.subarray(this.#pos, this.#pos + n);
    this.#pos += n;
    return b;
  }
}
