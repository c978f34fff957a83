/**
 * The consumer embedded protocol of classic groups (clients' ConsumerProtocolSubscription and
 * ConsumerProtocolAssignment, versions 0-3): the bytes a classic consumer puts in its JoinGroup
 * metadata and gets back from SyncGroup. A consumer group serving classic members reads the
 * subscription to learn their topics and owned partitions, and writes their assignment.
 * Non-flexible encodings: int16 version, then classic strings and int32-counted arrays.
 */
import { Reader, Writer } from '@kilgore/protocol';
import type { TopicPartitions } from './consumer-group.js';

export interface Subscription {
  version: number;
  topics: string[];
  /** v1+: what the member owns now (empty after an eager revoke). */
  ownedPartitions: TopicPartitions;
  /** v3+. */
  rackId: string | null;
}

function readTopicPartitions(r: Reader): TopicPartitions {
  const out: TopicPartitions = new Map();
  const n = r.readArrayLength(6);
  for (let i = 0; i < n; i++) {
    const topic = r.readString();
    const count = r.readArrayLength(4);
    const ps: number[] = [];
    for (let j = 0; j < count; j++) ps.push(r.readInt32());
    out.set(
      topic,
      [...(out.get(topic) ?? []), ...ps].sort((a, b) => a - b),
    );
  }
  return out;
}

/** Throws (DecodeError, RangeError) on bytes that are not a subscription: the caller answers with an error code. */
export function decodeSubscription(metadata: Buffer): Subscription {
  const r = new Reader(metadata);
  const version = r.readInt16();
  if (version < 0) throw new RangeError(`bad subscription version ${version}`);
  const topics: string[] = [];
  const n = r.readArrayLength(2);
  for (let i = 0; i < n; i++) topics.push(r.readString());
  r.readNullableBytes(); // user data
  // A later version only appends fields, so an unknown one is read as far as we know it.
  const ownedPartitions = version >= 1 && r.remaining > 0 ? readTopicPartitions(r) : new Map();
  if (version >= 2 && r.remaining > 0) r.readInt32(); // generation id
  const rackId = version >= 3 && r.remaining > 0 ? r.readNullableString() : null;
  return { version, topics, ownedPartitions, rackId };
}

/** The version of a subscription, which its assignment is answered in (capped at 3, the latest). */
export function subscriptionVersion(metadata: Buffer): number {
  return metadata.length >= 2 ? Math.min(Math.max(metadata.readInt16BE(0), 0), 3) : 0;
}

export function encodeAssignment(assigned: TopicPartitions, version: number): Buffer {
  const w = new Writer(64);
  w.writeInt16(version);
  const topics = [...assigned].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  w.writeInt32(topics.length);
  for (const [topic, ps] of topics) {
    w.writeString(topic);
    w.writeInt32(ps.length);
    for (const p of ps) w.writeInt32(p);
  }
  w.writeNullableBytes(null); // user data: the assignment is the coordinator's, it carries none
  return w.toBuffer();
}

/** A classic member's last assignment, as a conversion to a consumer group takes it over. */
export function decodeAssignment(buf: Buffer): TopicPartitions {
  if (buf.length === 0) return new Map();
  const r = new Reader(buf);
  r.readInt16();
  return readTopicPartitions(r);
}
