import {
  compressionOf,
  decodeRecordBatch,
  decodeRequest,
  encodeRequest,
  iterateBatches,
  type MessageData,
  requestHeaderVersion,
} from '@kilgore/protocol';
import { describe, expect, it } from 'vitest';
import { asGolden, bytesOf, CODEC_NUMBER, type GoldenEntry, requests } from './fixtures.js';

/**
 * Requests real clients sent (see fixtures/golden/README.md). Decoding then encoding must give
 * the captured bytes back exactly: any field read at the wrong version, any default written
 * where the client wrote something else, any compact/classic mix-up shows up as a byte diff.
 */

const CLIENT_ID: Record<string, string> = { kafkajs: 'kilgore-golden', kcat: 'rdkafka' };

function list(value: unknown): MessageData[] {
  expect(Array.isArray(value)).toBe(true);
  return value as MessageData[];
}

/** The topic and partition lists of a request, checked to name only golden/0. */
function onlyGoldenPartition(
  topics: unknown,
  topicKey: string,
  partitionsKey: string,
  indexKey: string,
): MessageData {
  const [topic, ...otherTopics] = list(topics);
  expect(otherTopics).toEqual([]);
  expect(topic?.[topicKey]).toBe('golden');
  const [partition, ...otherPartitions] = list(topic?.[partitionsKey]);
  expect(otherPartitions).toEqual([]);
  expect(partition?.[indexKey]).toBe(0);
  return partition!;
}

async function expectProduceRecords(entry: GoldenEntry, body: MessageData): Promise<void> {
  expect(body.acks).toBe(-1);
  const partition = onlyGoldenPartition(body.topicData, 'name', 'partitionData', 'index');
  const records = partition.records;
  if (!Buffer.isBuffer(records)) throw new Error('Produce records did not decode to a Buffer');
  // One batch per send: both clients put a partition's records of one send in one batch.
  const batches = [...iterateBatches(records)];
  expect(batches.map((b) => [b.position, b.size, b.magic])).toEqual([[0, records.length, 2]]);
  const batch = await decodeRecordBatch(records);
  expect(compressionOf(batch.header.attributes)).toBe(CODEC_NUMBER[entry.compression!]);
  // A producer sends baseOffset 0 and offset deltas 0..n-1. (Its partitionLeaderEpoch is not
  // checked: Java sends -1, but kafkajs and librdkafka both send 0.)
  expect(batch.header.baseOffset).toBe(0n);
  expect(batch.records.map((r) => r.offsetDelta)).toEqual(batch.records.map((_, i) => i));
  expect(batch.records.map(asGolden)).toEqual(entry.records);
}

function expectFetchFields(body: MessageData): void {
  expect(body.replicaId).toBe(-1);
  expect(body.maxBytes).toBeGreaterThan(0);
  const partition = onlyGoldenPartition(body.topics, 'topic', 'partitions', 'partition');
  expect(partition.fetchOffset).toBe(0n);
  expect(partition.partitionMaxBytes).toBeGreaterThan(0);
  expect(body.forgottenTopicsData).toEqual([]);
}

describe.each(requests.map((e) => [e.file, e] as const))('%s', (_file, entry) => {
  const bytes = bytesOf(entry);

  it('decodes with the header the manifest lists', () => {
    const { header } = decodeRequest(bytes);
    expect(header).toEqual({
      apiKey: entry.apiKey,
      apiVersion: entry.apiVersion,
      correlationId: entry.correlationId,
      clientId: CLIENT_ID[entry.client],
    });
    expect(requestHeaderVersion(entry.apiKey, entry.apiVersion)).toBe(entry.headerVersion);
  });

  it('re-encodes byte for byte', () => {
    const encoded = Buffer.concat(encodeRequest(decodeRequest(bytes)));
    expect(encoded.readInt32BE(0)).toBe(bytes.length);
    expect(encoded.subarray(4).toString('hex')).toBe(bytes.toString('hex'));
  });

  it('carries the fields the client meant', async () => {
    const { body } = decodeRequest(bytes);
    switch (entry.api) {
      case 'apiversions':
        if (entry.apiVersion >= 3) {
          expect(body.clientSoftwareName).toBe('librdkafka');
          expect(body.clientSoftwareVersion).toMatch(/^\d+\.\d+\.\d+/);
        }
        break;
      case 'metadata':
        // kcat -L asks for every topic (null in v1+); the kafkajs producer for its topic.
        if (entry.client === 'kcat') expect(body.topics).toBeNull();
        else expect(list(body.topics).map((t) => t.name)).toEqual(['golden']);
        break;
      case 'produce':
        await expectProduceRecords(entry, body);
        break;
      case 'fetch':
        expectFetchFields(body);
        break;
      case 'listoffsets':
        // -o beginning: the earliest offset (-2).
        expect(onlyGoldenPartition(body.topics, 'name', 'partitions', 'partitionIndex').timestamp).toBe(-2n);
        break;
      default:
        throw new Error(`no field checks for api ${entry.api}: add them`);
    }
  });
});
