/**
 * Drives kafkajs 2.2.4 against the capture broker: a producer sends one batch uncompressed and
 * one gzip'd, then a Fetch from offset 0 reads them back.
 *
 * The Fetch goes through kafkajs's own Cluster and Broker objects rather than a consumer: a
 * consumer needs a whole group protocol (FindCoordinator, JoinGroup, SyncGroup, ...) that has
 * nothing to do with the bytes of a Fetch, and kafkajs's consumer sends the very same
 * `broker.fetch` request.
 */
import { CompressionTypes, Kafka, logLevel } from 'kafkajs';
import { TOPIC } from './handlers.js';
import type { GoldenRecord } from './records.js';
import { KAFKAJS_BATCHES } from './records.js';

/** The slice of kafkajs's internal Cluster and Broker that a Fetch needs. */
interface FetchedMessage {
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, Buffer | Buffer[] | undefined>;
}
interface FetchResponse {
  responses: Array<{
    topicName: string;
    partitions: Array<{ errorCode: number; messages: FetchedMessage[] }>;
  }>;
}
interface InternalBroker {
  fetch(request: {
    replicaId: number;
    isolationLevel: number;
    maxWaitTime: number;
    minBytes: number;
    maxBytes: number;
    topics: Array<{
      topic: string;
      partitions: Array<{ partition: number; fetchOffset: string; maxBytes: number }>;
    }>;
  }): Promise<FetchResponse>;
}
interface InternalCluster {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  addTargetTopic(topic: string): Promise<void>;
  findBroker(args: { nodeId: number }): Promise<InternalBroker>;
}

/** kafkajs keeps its cluster factory behind a private symbol; this is the one way in. */
function createCluster(kafka: Kafka): InternalCluster {
  const symbol = Object.getOwnPropertySymbols(kafka).find(
    (s) => s.description === 'private:Kafka:createCluster',
  );
  if (symbol === undefined)
    throw new Error('kafkajs: private cluster factory not found (kafkajs version changed?)');
  const factory = (kafka as unknown as Record<symbol, (options: object) => InternalCluster>)[symbol];
  if (factory === undefined) throw new Error('kafkajs: private cluster factory missing');
  return factory({});
}

function toRecord(message: FetchedMessage): GoldenRecord {
  return {
    key: message.key === null ? null : message.key.toString(),
    value: message.value === null ? null : message.value.toString(),
    headers: Object.entries(message.headers).map(([key, value]) => ({
      key,
      value: value === undefined ? null : Buffer.isBuffer(value) ? value.toString() : String(value),
    })),
  };
}

export interface KafkajsRun {
  /** What kafkajs returned from its Fetch, to compare with what was produced. */
  fetched: GoldenRecord[];
}

/** `step` is called before each phase so the broker can label the frames it captures. */
export async function runKafkajs(port: number, step: (name: string) => void): Promise<KafkajsRun> {
  const kafka = new Kafka({
    clientId: 'kilgore-golden',
    brokers: [`127.0.0.1:${port}`],
    logLevel: logLevel.NOTHING,
    retry: { retries: 0 },
  });
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  step('produce-none');
  await producer.connect();
  for (const batch of KAFKAJS_BATCHES) {
    step(`produce-${batch.compression}`);
    await producer.send({
      topic: TOPIC,
      acks: -1,
      compression: batch.compression === 'gzip' ? CompressionTypes.GZIP : CompressionTypes.None,
      messages: batch.records.map((record) => ({
        key: record.key,
        value: record.value,
        partition: 0,
        // Fixed timestamps make the produced batches identical on every capture.
        timestamp: batch.timestamp,
        headers: Object.fromEntries(record.headers.map((h) => [h.key, h.value ?? ''])),
      })),
    });
  }
  await producer.disconnect();

  step('fetch');
  const cluster = createCluster(kafka);
  await cluster.connect();
  try {
    await cluster.addTargetTopic(TOPIC);
    const broker = await cluster.findBroker({ nodeId: 1 });
    const response = await broker.fetch({
      replicaId: -1,
      isolationLevel: 1,
      maxWaitTime: 100,
      minBytes: 1,
      maxBytes: 1 << 20,
      topics: [{ topic: TOPIC, partitions: [{ partition: 0, fetchOffset: '0', maxBytes: 1 << 20 }] }],
    });
    const partition = response.responses[0]?.partitions[0];
    if (partition === undefined) throw new Error('kafkajs fetch: no partition in the response');
    if (partition.errorCode !== 0) throw new Error(`kafkajs fetch: error code ${partition.errorCode}`);
    return { fetched: partition.messages.map(toRecord) };
  } finally {
    await cluster.disconnect();
  }
}
