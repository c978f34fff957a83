/**
 * The `__consumer_offsets` records of KIP-848 consumer groups, in the group coordinator's formats
 * (group-coordinator/src/main/resources/common/message/ConsumerGroup*.json). A key starts with an
 * int16 that says which record it is (3..8 below); its fields are classic (not flexible). A value
 * starts with its int16 version (0 for all of these) and is flexible: compact strings and arrays,
 * and a tagged-field section after each struct, which the reader skips so that fields a later
 * Kafka adds as tags (4.1's metadata hash, a classic member's protocols) do not stop a load.
 */
import { Reader, Writer } from '@kilgore/protocol';

export const CONSUMER_GROUP_METADATA_KEY = 3;
export const CONSUMER_GROUP_PARTITION_METADATA_KEY = 4;
export const CONSUMER_GROUP_MEMBER_METADATA_KEY = 5;
export const CONSUMER_GROUP_TARGET_ASSIGNMENT_METADATA_KEY = 6;
export const CONSUMER_GROUP_TARGET_ASSIGNMENT_MEMBER_KEY = 7;
export const CONSUMER_GROUP_CURRENT_MEMBER_ASSIGNMENT_KEY = 8;
const VALUE_VERSION = 0;

/** Kafka's MemberState values as stored in the current assignment record. */
export const MemberStateValue = { STABLE: 0, UNREVOKED_PARTITIONS: 1, UNRELEASED_PARTITIONS: 2 } as const;

export interface TopicIdPartitions {
  topicId: string;
  partitions: number[];
}

export type ConsumerGroupKey =
  | { type: 3 | 4 | 6; groupId: string }
  | { type: 5 | 7 | 8; groupId: string; memberId: string };

export interface TopicMetadataRecord {
  topicId: string;
  topicName: string;
  numPartitions: number;
}

export interface MemberMetadataRecord {
  instanceId: string | null;
  rackId: string | null;
  clientId: string;
  clientHost: string;
  subscribedTopicNames: string[];
  subscribedTopicRegex: string | null;
  rebalanceTimeoutMs: number;
  serverAssignor: string | null;
  /** Tagged field 0: set for a member that speaks the classic protocol. */
  classic: ClassicMemberRecord | null;
}

export interface ClassicMemberRecord {
  sessionTimeoutMs: number;
  supportedProtocols: { name: string; metadata: Buffer }[];
}

const CLASSIC_MEMBER_METADATA_TAG = 0;

export interface CurrentAssignmentRecord {
  memberEpoch: number;
  previousMemberEpoch: number;
  state: number;
  assigned: TopicIdPartitions[];
  pendingRevocation: TopicIdPartitions[];
}

/** True for the key types this module reads (the key's leading int16). */
export function isConsumerGroupKey(version: number): boolean {
  return version >= CONSUMER_GROUP_METADATA_KEY && version <= CONSUMER_GROUP_CURRENT_MEMBER_ASSIGNMENT_KEY;
}

export function encodeConsumerGroupKey(k: ConsumerGroupKey): Buffer {
  const w = new Writer(64);
  w.writeInt16(k.type);
  w.writeString(k.groupId);
  if ('memberId' in k) w.writeString(k.memberId);
  return w.toBuffer();
}

export function decodeConsumerGroupKey(buf: Buffer): ConsumerGroupKey {
  const r = new Reader(buf);
  const type = r.readInt16();
  const groupId = r.readString();
  if (type === 3 || type === 4 || type === 6) return { type, groupId };
  if (type === 5 || type === 7 || type === 8) return { type, groupId, memberId: r.readString() };
  throw new RangeError(`not a consumer group record key: type ${type}`);
}

function valueWriter(): Writer {
  const w = new Writer(64);
  w.writeInt16(VALUE_VERSION);
  return w;
}

function valueReader(buf: Buffer, what: string): Reader {
  const r = new Reader(buf);
  const version = r.readInt16();
  // Later versions of these values only ever add tagged fields; refuse anything else loudly.
  if (version !== VALUE_VERSION) throw new RangeError(`unsupported ${what} value version ${version}`);
  return r;
}

function writeStrings(w: Writer, list: readonly string[]): void {
  w.writeCompactArrayLength(list.length);
  for (const s of list) w.writeCompactString(s);
}

function readStrings(r: Reader): string[] {
  const n = r.readCompactArrayLength();
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(r.readCompactString());
  return out;
}

function writeTopicPartitions(w: Writer, list: readonly TopicIdPartitions[]): void {
  w.writeCompactArrayLength(list.length);
  for (const t of list) {
    w.writeUuid(t.topicId);
    w.writeCompactArrayLength(t.partitions.length);
    for (const p of t.partitions) w.writeInt32(p);
    w.writeUnsignedVarint(0);
  }
}

function readTopicPartitions(r: Reader): TopicIdPartitions[] {
  const n = r.readCompactArrayLength(18);
  const out: TopicIdPartitions[] = [];
  for (let i = 0; i < n; i++) {
    const topicId = r.readUuid();
    const count = r.readCompactArrayLength(4);
    const partitions: number[] = [];
    for (let j = 0; j < count; j++) partitions.push(r.readInt32());
    r.skipTaggedFields();
    out.push({ topicId, partitions });
  }
  return out;
}

/** ConsumerGroupMetadataValue (group epoch) and ConsumerGroupTargetAssignmentMetadataValue (assignment epoch). */
export function encodeEpochValue(epoch: number): Buffer {
  const w = valueWriter();
  w.writeInt32(epoch);
  w.writeUnsignedVarint(0);
  return w.toBuffer();
}

export function decodeEpochValue(buf: Buffer): number {
  const r = valueReader(buf, 'consumer group epoch');
  return r.readInt32();
}

/** ConsumerGroupPartitionMetadataValue: the topics the target assignment was computed from. */
export function encodePartitionMetadataValue(topics: readonly TopicMetadataRecord[]): Buffer {
  const w = valueWriter();
  w.writeCompactArrayLength(topics.length);
  for (const t of topics) {
    w.writeUuid(t.topicId);
    w.writeCompactString(t.topicName);
    w.writeInt32(t.numPartitions);
    w.writeCompactArrayLength(0); // PartitionMetadata (racks): unused since Kafka 4.0
    w.writeUnsignedVarint(0);
  }
  w.writeUnsignedVarint(0);
  return w.toBuffer();
}

export function decodePartitionMetadataValue(buf: Buffer): TopicMetadataRecord[] {
  const r = valueReader(buf, 'ConsumerGroupPartitionMetadata');
  const n = r.readCompactArrayLength(18);
  const out: TopicMetadataRecord[] = [];
  for (let i = 0; i < n; i++) {
    const topicId = r.readUuid();
    const topicName = r.readCompactString();
    const numPartitions = r.readInt32();
    const racks = r.readCompactArrayLength();
    for (let j = 0; j < racks; j++) {
      r.readInt32();
      readStrings(r);
      r.skipTaggedFields();
    }
    r.skipTaggedFields();
    out.push({ topicId, topicName, numPartitions });
  }
  return out;
}

export function encodeMemberMetadataValue(m: MemberMetadataRecord): Buffer {
  const w = valueWriter();
  w.writeCompactNullableString(m.instanceId);
  w.writeCompactNullableString(m.rackId);
  w.writeCompactString(m.clientId);
  w.writeCompactString(m.clientHost);
  writeStrings(w, m.subscribedTopicNames);
  w.writeCompactNullableString(m.subscribedTopicRegex);
  w.writeInt32(m.rebalanceTimeoutMs);
  w.writeCompactNullableString(m.serverAssignor);
  if (m.classic === null) {
    w.writeUnsignedVarint(0); // no ClassicMemberMetadata: the member speaks the consumer protocol
  } else {
    const field = encodeClassicMember(m.classic);
    w.writeUnsignedVarint(1);
    w.writeUnsignedVarint(CLASSIC_MEMBER_METADATA_TAG);
    w.writeUnsignedVarint(field.length);
    w.writeRaw(field);
  }
  return w.toBuffer();
}

/** A nullable struct: a presence byte (1), its fields, its own (empty) tagged fields. */
function encodeClassicMember(c: ClassicMemberRecord): Buffer {
  const w = new Writer(64);
  w.writeInt8(1);
  w.writeInt32(c.sessionTimeoutMs);
  w.writeCompactArrayLength(c.supportedProtocols.length);
  for (const p of c.supportedProtocols) {
    w.writeCompactString(p.name);
    w.writeCompactBytes(p.metadata);
    w.writeUnsignedVarint(0);
  }
  w.writeUnsignedVarint(0);
  return w.toBuffer();
}

function decodeClassicMember(buf: Buffer): ClassicMemberRecord | null {
  const r = new Reader(buf);
  if (r.readInt8() < 0) return null;
  const sessionTimeoutMs = r.readInt32();
  const n = r.readCompactArrayLength(3);
  const supportedProtocols: ClassicMemberRecord['supportedProtocols'] = [];
  for (let i = 0; i < n; i++) {
    const name = r.readCompactString();
    // Copied: the record's buffer belongs to the log reader.
    const metadata = Buffer.from(r.readCompactBytes());
    r.skipTaggedFields();
    supportedProtocols.push({ name, metadata });
  }
  return { sessionTimeoutMs, supportedProtocols };
}

export function decodeMemberMetadataValue(buf: Buffer): MemberMetadataRecord {
  const r = valueReader(buf, 'ConsumerGroupMemberMetadata');
  return {
    instanceId: r.readCompactNullableString(),
    rackId: r.readCompactNullableString(),
    clientId: r.readCompactString(),
    clientHost: r.readCompactString(),
    subscribedTopicNames: readStrings(r),
    subscribedTopicRegex: r.readCompactNullableString(),
    rebalanceTimeoutMs: r.readInt32(),
    serverAssignor: r.readCompactNullableString(),
    classic: r.remaining > 0 ? classicTag(r) : null,
  };
}

function classicTag(r: Reader): ClassicMemberRecord | null {
  let classic: ClassicMemberRecord | null = null;
  for (const f of r.readRawTaggedFields()) {
    if (f.tag === CLASSIC_MEMBER_METADATA_TAG) classic = decodeClassicMember(f.data);
  }
  return classic;
}

/** ConsumerGroupTargetAssignmentMemberValue: one member's target partitions. */
export function encodeTargetMemberValue(partitions: readonly TopicIdPartitions[]): Buffer {
  const w = valueWriter();
  writeTopicPartitions(w, partitions);
  w.writeUnsignedVarint(0);
  return w.toBuffer();
}

export function decodeTargetMemberValue(buf: Buffer): TopicIdPartitions[] {
  return readTopicPartitions(valueReader(buf, 'ConsumerGroupTargetAssignmentMember'));
}

export function encodeCurrentAssignmentValue(v: CurrentAssignmentRecord): Buffer {
  const w = valueWriter();
  w.writeInt32(v.memberEpoch);
  w.writeInt32(v.previousMemberEpoch);
  w.writeInt8(v.state);
  writeTopicPartitions(w, v.assigned);
  writeTopicPartitions(w, v.pendingRevocation);
  w.writeUnsignedVarint(0);
  return w.toBuffer();
}

export function decodeCurrentAssignmentValue(buf: Buffer): CurrentAssignmentRecord {
  const r = valueReader(buf, 'ConsumerGroupCurrentMemberAssignment');
  return {
    memberEpoch: r.readInt32(),
    previousMemberEpoch: r.readInt32(),
    state: r.readInt8(),
    assigned: readTopicPartitions(r),
    pendingRevocation: readTopicPartitions(r),
  };
}
