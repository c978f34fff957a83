import { connect } from 'node:net';
import {
  BatchAttributes,
  decodeRecordBatchSync,
  decodeResponse,
  encodeRecordBatchSync,
  encodeRequest,
  type FetchResponse,
  FrameSplitter,
  iterateBatches,
  type MetadataResponse,
  type ProduceResponse,
} from '@kilgore/protocol';

/**
 * A few Kafka requests spoken directly, for tests that must ask one particular node (kafkajs
 * always goes to the leader it believes in): is it up, what does its Metadata say, what has it
 * committed. Missing request fields take the schema defaults.
 */

export interface Address {
  host: string;
  port: number;
}

/** Sends one request on its own connection and resolves the decoded response body. */
export function request<T extends object>(
  to: Address,
  apiKey: number,
  apiVersion: number,
  body: object,
  timeoutMs = 5000,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: to.host, port: to.port });
    const splitter = new FrameSplitter({ maxFrameSize: 256 * 1024 * 1024 });
    const fail = (err: Error) => {
      socket.destroy();
      reject(err);
    };
    socket.setTimeout(timeoutMs, () =>
      fail(new Error(`${to.host}:${to.port}: no answer to api ${apiKey} in ${timeoutMs} ms`)),
    );
    socket.once('error', fail);
    socket.once('close', () => reject(new Error(`${to.host}:${to.port}: closed before the answer`)));
    socket.on('data', (chunk: Buffer) => {
      for (const frame of splitter.push(chunk)) {
        socket.destroy();
        try {
          resolve(decodeResponse<T>(apiKey, apiVersion, frame).body);
        } catch (err) {
          reject(err as Error);
        }
        return;
      }
    });
    const header = { apiKey, apiVersion, correlationId: 1, clientId: 'kilgore-chain-test' };
    for (const b of encodeRequest({ header, body })) socket.write(b);
  });
}

/** Metadata v12 for the named topics (all topics when omitted), never creating any. */
export function metadata(to: Address, topics?: string[]): Promise<MetadataResponse> {
  return request<MetadataResponse>(to, 3, 12, {
    topics: topics === undefined ? null : topics.map((name) => ({ name })),
    allowAutoTopicCreation: false,
  });
}

/** One Produce v7 of these values to one partition; resolves the partition's error code. */
export async function produceOnce(
  to: Address,
  topic: string,
  partition: number,
  values: string[],
  acks: -1 | 0 | 1 = -1,
): Promise<number> {
  const records = encodeRecordBatchSync({ records: values.map((value) => ({ value })) });
  const body = await request<ProduceResponse>(to, 0, 7, {
    transactionalId: null,
    acks,
    timeoutMs: 5000,
    topicData: [{ name: topic, partitionData: [{ index: partition, records }] }],
  });
  const p = body.responses[0]?.partitionResponses[0];
  if (p === undefined) throw new Error(`produce ${topic}-${partition}: empty answer`);
  return p.errorCode;
}

export interface FetchedRecord {
  offset: number;
  value: string;
}

export interface FetchedPartition {
  errorCode: number;
  highWatermark: number;
  logStartOffset: number;
  records: FetchedRecord[];
}

/**
 * One Fetch v11 of a partition from `offset` (what a consumer is allowed to see). `rackId` is the
 * consumer's rack: a chain member whose node id it names serves the fetch itself (KIP-392).
 */
export async function fetchOnce(
  to: Address,
  topic: string,
  partition: number,
  offset: number,
  { maxBytes = 4 * 1024 * 1024, rackId = '' }: { maxBytes?: number; rackId?: string } = {},
): Promise<FetchedPartition> {
  const body = await request<FetchResponse>(to, 1, 11, {
    replicaId: -1,
    maxWaitMs: 0,
    minBytes: 0,
    maxBytes,
    isolationLevel: 0,
    sessionId: 0,
    sessionEpoch: -1,
    topics: [
      {
        topic,
        partitions: [
          {
            partition,
            currentLeaderEpoch: -1,
            fetchOffset: BigInt(offset),
            logStartOffset: -1n,
            partitionMaxBytes: maxBytes,
          },
        ],
      },
    ],
    forgottenTopicsData: [],
    rackId,
  });
  const p = body.responses[0]?.partitions[0];
  if (p === undefined) throw new Error(`fetch ${topic}-${partition}: empty answer`);
  return {
    errorCode: p.errorCode,
    highWatermark: Number(p.highWatermark),
    logStartOffset: Number(p.logStartOffset),
    records: p.records === null ? [] : recordsOf(p.records),
  };
}

/** Every record a consumer can read from the partition at this node, from offset 0 to the high watermark. */
export async function fetchAll(to: Address, topic: string, partition: number): Promise<FetchedRecord[]> {
  const out: FetchedRecord[] = [];
  let offset = 0;
  for (;;) {
    const r = await fetchOnce(to, topic, partition, offset);
    if (r.errorCode !== 0)
      throw new Error(
        `fetch ${topic}-${partition}@${offset} from ${to.host}:${to.port}: error ${r.errorCode}`,
      );
    for (const rec of r.records) if (rec.offset >= offset) out.push(rec);
    const last = out.at(-1);
    const next = last === undefined ? offset : last.offset + 1;
    if (next >= r.highWatermark) return out;
    if (next === offset)
      throw new Error(`fetch ${topic}-${partition}@${offset}: no progress below hw ${r.highWatermark}`);
    offset = next;
  }
}

/** The records of back-to-back v2 batches (a fetch answer or a .log file), offsets as numbers. */
export function recordsOf(bytes: Buffer): FetchedRecord[] {
  const out: FetchedRecord[] = [];
  for (const b of iterateBatches(bytes)) {
    const batch = decodeRecordBatchSync(bytes.subarray(b.position, b.position + b.size));
    // A control batch (transaction marker) holds an offset but no value of ours.
    const control = (batch.header.attributes & BatchAttributes.control) !== 0;
    for (const r of batch.records)
      out.push({ offset: Number(r.offset), value: control ? '<control>' : (r.value?.toString() ?? '') });
  }
  return out;
}
