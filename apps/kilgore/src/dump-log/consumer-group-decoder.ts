import { Reader } from '@kilgore/protocol';
import { json } from './jackson-json.js';

/**
 * KIP-848 group records in `__consumer_offsets` (key types 3-8), printed as Kafka 4.1's
 * DumpLogSegments --offsets-decoder prints them through its generated JSON converters: the key
 * as {"type":"<n>","data":{"groupId":...}}, the value as {"version":"<v>","data":{...}} with the
 * fields in schema order, tagged fields only when they differ from their default. The schemas
 * are data here (group-coordinator/src/main/resources/common/message/ConsumerGroup*.json), read
 * by one small interpreter: keys are not flexible, values (version 0) are.
 */

type Scalar = 'int8' | 'int32' | 'int64' | 'string' | 'nullableString' | 'uuid' | 'bytes';
type FieldType = Scalar | { array: FieldType } | { struct: Field[] } | { nullableStruct: Field[] };
interface Field {
  name: string;
  type: FieldType;
  /** A tagged field: written (and printed) only when it is not its default. */
  tag?: number;
  default?: unknown;
}

const topicPartitions: Field[] = [
  { name: 'topicId', type: 'uuid' },
  { name: 'partitions', type: { array: 'int32' } },
];

const VALUES: Record<number, Field[]> = {
  // ConsumerGroupMetadataValue
  3: [
    { name: 'epoch', type: 'int32' },
    { name: 'metadataHash', type: 'int64', tag: 0, default: 0n },
  ],
  // ConsumerGroupPartitionMetadataValue
  4: [
    {
      name: 'topics',
      type: {
        array: {
          struct: [
            { name: 'topicId', type: 'uuid' },
            { name: 'topicName', type: 'string' },
            { name: 'numPartitions', type: 'int32' },
            {
              name: 'partitionMetadata',
              type: {
                array: {
                  struct: [
                    { name: 'partition', type: 'int32' },
                    { name: 'racks', type: { array: 'string' } },
                  ],
                },
              },
            },
          ],
        },
      },
    },
  ],
  // ConsumerGroupMemberMetadataValue
  5: [
    { name: 'instanceId', type: 'nullableString' },
    { name: 'rackId', type: 'nullableString' },
    { name: 'clientId', type: 'string' },
    { name: 'clientHost', type: 'string' },
    { name: 'subscribedTopicNames', type: { array: 'string' } },
    { name: 'subscribedTopicRegex', type: 'nullableString' },
    { name: 'rebalanceTimeoutMs', type: 'int32' },
    { name: 'serverAssignor', type: 'nullableString' },
    {
      name: 'classicMemberMetadata',
      tag: 0,
      default: null,
      type: {
        nullableStruct: [
          { name: 'sessionTimeoutMs', type: 'int32' },
          {
            name: 'supportedProtocols',
            type: {
              array: {
                struct: [
                  { name: 'name', type: 'string' },
                  { name: 'metadata', type: 'bytes' },
                ],
              },
            },
          },
        ],
      },
    },
  ],
  // ConsumerGroupTargetAssignmentMetadataValue
  6: [{ name: 'assignmentEpoch', type: 'int32' }],
  // ConsumerGroupTargetAssignmentMemberValue
  7: [{ name: 'topicPartitions', type: { array: { struct: topicPartitions } } }],
  // ConsumerGroupCurrentMemberAssignmentValue
  8: [
    { name: 'memberEpoch', type: 'int32' },
    { name: 'previousMemberEpoch', type: 'int32' },
    { name: 'state', type: 'int8' },
    { name: 'assignedPartitions', type: { array: { struct: topicPartitions } } },
    { name: 'partitionsPendingRevocation', type: { array: { struct: topicPartitions } } },
  ],
};

/** Whether --offsets-decoder reads this key type here. */
export function isConsumerGroupRecordType(type: number): boolean {
  return type in VALUES;
}

/** The key's JSON and the value's, or <DELETE> for a tombstone. */
export function decodeConsumerGroupRecord(
  keyBytes: Buffer,
  value: Buffer | null,
): { key: string; payload: string } {
  const key = new Reader(keyBytes);
  const type = key.readInt16();
  const keyData: Record<string, unknown> = { groupId: key.readString() };
  if (type === 5 || type === 7 || type === 8) keyData.memberId = key.readString();
  const keyJson = JSON.stringify({ type: String(type), data: keyData });
  if (value === null) return { key: keyJson, payload: '<DELETE>' };
  const r = new Reader(value);
  const version = r.readInt16();
  if (version !== 0) throw new Error(`unsupported value version ${version} for record type ${type}`);
  return { key: keyJson, payload: json({ version: String(version), data: readStruct(r, VALUES[type]!) }) };
}

function readStruct(r: Reader, fields: readonly Field[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) if (f.tag === undefined) out[f.name] = read(r, f.type);
  // The tagged-field section: known tags are decoded, unknown ones skipped (a newer writer).
  const count = r.readUnsignedVarint();
  const tagged = new Map<number, unknown>();
  for (let i = 0; i < count; i++) {
    const tag = r.readUnsignedVarint();
    const size = r.readUnsignedVarint();
    const bytes = r.readRaw(size);
    const f = fields.find((x) => x.tag === tag);
    if (f) tagged.set(tag, read(new Reader(bytes), f.type));
  }
  for (const f of fields) {
    if (f.tag === undefined || !tagged.has(f.tag)) continue;
    const v = tagged.get(f.tag);
    if (v !== f.default) out[f.name] = v;
  }
  return out;
}

function read(r: Reader, t: FieldType): unknown {
  switch (t) {
    case 'int8':
      return r.readInt8();
    case 'int32':
      return r.readInt32();
    case 'int64':
      return r.readInt64();
    case 'string':
      return r.readCompactString();
    case 'nullableString':
      return r.readCompactNullableString();
    case 'uuid':
      return r.readUuid();
    case 'bytes':
      return r.readCompactBytes().toString('base64');
  }
  if ('array' in t) {
    const n = r.readCompactArrayLength();
    const items: unknown[] = [];
    for (let i = 0; i < n; i++) items.push(read(r, t.array));
    return items;
  }
  if ('struct' in t) return readStruct(r, t.struct);
  // A nullable struct: an int8 marker, -1 for null.
  return r.readInt8() < 0 ? null : readStruct(r, t.nullableStruct);
}
