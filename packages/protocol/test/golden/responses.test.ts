import {
  decodeRecordBatch,
  decodeResponse,
  encodeResponse,
  iterateBatches,
  type MessageData,
  responseHeaderVersion,
} from '@kilgore/protocol';
import { describe, expect, it } from 'vitest';
import { asGolden, bytesOf, type GoldenRecord, responses } from './fixtures.js';

/**
 * Responses Kilgore's encoder wrote during the capture and the real client accepted: the client
 * went on to finish (and read back its records). Decoding and re-encoding them must be exact,
 * and their content must be what a one-node broker with topic "golden" says.
 */

function list(value: unknown): MessageData[] {
  expect(Array.isArray(value)).toBe(true);
  return value as MessageData[];
}

function only(value: unknown): MessageData {
  const items = list(value);
  expect(items).toHaveLength(1);
  return items[0]!;
}

async function recordsIn(records: unknown): Promise<GoldenRecord[]> {
  if (!Buffer.isBuffer(records)) throw new Error('Fetch records did not decode to a Buffer');
  const out: GoldenRecord[] = [];
  let end = 0;
  for (const { position, size } of iterateBatches(records)) {
    const batch = await decodeRecordBatch(records.subarray(position, position + size));
    out.push(...batch.records.map(asGolden));
    end = position + size;
  }
  // The broker served whole batches only: nothing may trail the last one.
  expect(end).toBe(records.length);
  return out;
}

describe.each(responses.map((e) => [e.file, e] as const))('%s', (_file, entry) => {
  const bytes = bytesOf(entry);

  it('decodes with the correlation id the manifest lists', () => {
    expect(responseHeaderVersion(entry.apiKey, entry.apiVersion)).toBe(entry.headerVersion);
    expect(decodeResponse(entry.apiKey, entry.apiVersion, bytes).correlationId).toBe(entry.correlationId);
  });

  it('re-encodes byte for byte', () => {
    const { correlationId, body } = decodeResponse(entry.apiKey, entry.apiVersion, bytes);
    const encoded = Buffer.concat(encodeResponse(entry.apiKey, entry.apiVersion, correlationId, body));
    expect(encoded.readInt32BE(0)).toBe(bytes.length);
    expect(encoded.subarray(4).toString('hex')).toBe(bytes.toString('hex'));
  });

  it('says what a one-node broker with topic "golden" says', async () => {
    const { body } = decodeResponse(entry.apiKey, entry.apiVersion, bytes);
    switch (entry.api) {
      case 'apiversions': {
        expect(body.errorCode).toBe(0);
        const keys = list(body.apiKeys).map((k) => [k.apiKey, k.minVersion, k.maxVersion]);
        expect(keys).toContainEqual([18, 0, 3]);
        expect(keys).toContainEqual([0, 0, 9]);
        break;
      }
      case 'metadata': {
        expect(list(body.brokers).map((b) => [b.nodeId, b.host])).toEqual([[1, '127.0.0.1']]);
        const topic = only(body.topics);
        expect([topic.name, topic.errorCode]).toEqual(['golden', 0]);
        const partition = only(topic.partitions);
        expect([partition.partitionIndex, partition.leaderId, partition.replicaNodes]).toEqual([0, 1, [1]]);
        break;
      }
      case 'produce': {
        const partition = only(only(body.responses).partitionResponses);
        expect(partition.errorCode).toBe(0);
        expect(typeof partition.baseOffset).toBe('bigint');
        break;
      }
      case 'fetch': {
        const partition = only(only(body.responses).partitions);
        expect(partition.errorCode).toBe(0);
        const records = await recordsIn(partition.records);
        expect(records).toEqual(entry.records);
        expect(partition.highWatermark).toBe(BigInt(records.length));
        break;
      }
      case 'listoffsets':
        expect(only(only(body.topics).partitions).offset).toBe(0n);
        break;
      default:
        throw new Error(`no content checks for api ${entry.api}: add them`);
    }
  });
});
