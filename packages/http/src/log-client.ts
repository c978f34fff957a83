import type { Broker, LocalCaller } from '@kilgore/broker';
import {
  ApiKey,
  type DeleteRecordsResponse,
  ErrorCode,
  encodeRecordBatchSync,
  type FetchResponse,
  type ListOffsetsResponse,
  type MetadataResponse,
  type ProduceResponse,
  ZERO_UUID,
} from '@kilgore/protocol';
import { HttpError, kafkaError } from './errors.js';
import { type LogRecord, recordsOf } from './records.js';

/** What a put appends: one record's key and value (null: a tombstone). */
export interface PutRecord {
  key: Buffer | null;
  value: Buffer | null;
}

export interface FetchResult {
  records: LogRecord[];
  highWatermark: bigint;
  logStartOffset: bigint;
}

/** Versions every handler here serves (packages/broker/src/handlers): names, not topic ids. */
const PRODUCE_VERSION = 9;
const FETCH_VERSION = 12;
const LIST_OFFSETS_VERSION = 7;
const DELETE_RECORDS_VERSION = 2;
const METADATA_VERSION = 12;
const TIMEOUT_MS = 30_000;
const EARLIEST = -2n;
const LATEST = -1n;

/**
 * One topic-partition as the HTTP routes see it, reached only through Broker.request: every put,
 * get and archive is the Kafka request a client would send, so ACLs, replication (acks) and the
 * committed-only rule apply to HTTP exactly as to Kafka clients.
 */
export class LogClient {
  constructor(
    private readonly broker: Broker,
    private readonly caller: LocalCaller,
    private readonly acks: -1 | 1,
  ) {}

  /**
   * Appends the records as one batch and returns the offset of the first. An unknown topic is
   * created first when auto.create.topics.enable allows it, as a Kafka producer's Metadata does.
   */
  async put(topic: string, partition: number, records: PutRecord[]): Promise<bigint> {
    const batch = encodeRecordBatchSync({ records });
    let answer = await this.produce(topic, partition, batch);
    if (answer.errorCode === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION && (await this.autoCreate(topic))) {
      answer = await this.produce(topic, partition, batch);
    }
    if (answer.errorCode !== ErrorCode.NONE) {
      throw kafkaError(answer.errorCode, `${topic}-${partition}`, answer.errorMessage);
    }
    return answer.baseOffset;
  }

  /**
   * Records from `offset` on, at most about `maxBytes` of them (always at least one batch, as
   * Fetch does) and at most `limit`. readCommitted: only below the last stable offset, and no
   * record of an aborted transaction (isolation_level 1, as a read_committed consumer). With waitMs > 0 and nothing to read yet, waits for an append up to waitMs (the
   * Fetch handler parks on the log's event, so the put wakes it).
   */
  async fetch(
    topic: string,
    partition: number,
    offset: bigint,
    maxBytes: number,
    waitMs: number,
    limit?: number,
    readCommitted = false,
  ): Promise<FetchResult> {
    const res = await this.broker.request<FetchResponse>(
      ApiKey.Fetch,
      FETCH_VERSION,
      {
        clusterId: null,
        replicaId: -1,
        replicaState: { replicaId: -1, replicaEpoch: -1n },
        maxWaitMs: waitMs,
        minBytes: waitMs > 0 ? 1 : 0,
        maxBytes,
        isolationLevel: readCommitted ? 1 : 0,
        sessionId: 0,
        sessionEpoch: -1,
        topics: [
          {
            topic,
            topicId: ZERO_UUID,
            partitions: [
              {
                partition,
                currentLeaderEpoch: -1,
                fetchOffset: offset,
                lastFetchedEpoch: -1,
                logStartOffset: -1n,
                partitionMaxBytes: maxBytes,
                replicaDirectoryId: ZERO_UUID,
                highWatermark: -1n,
              },
            ],
          },
        ],
        forgottenTopicsData: [],
        rackId: '',
      },
      this.caller,
    );
    const p = res?.responses[0]?.partitions[0];
    if (p === undefined)
      throw new HttpError(500, 'no_answer', `the broker sent no fetch answer for ${topic}`);
    if (p.errorCode === ErrorCode.OFFSET_OUT_OF_RANGE) {
      // Tell the client where the log is now, so that it can go on from there.
      const [start, end] = await Promise.all([
        this.offset(topic, partition, EARLIEST),
        this.offset(topic, partition, LATEST),
      ]);
      throw kafkaError(p.errorCode, `${topic}-${partition} offset ${offset}`, undefined, {
        logStartOffset: Number(start),
        highWatermark: Number(end),
      });
    }
    if (p.errorCode !== ErrorCode.NONE) throw kafkaError(p.errorCode, `${topic}-${partition}`);
    return {
      records: await recordsOf(p.records ?? Buffer.alloc(0), offset, limit, p.abortedTransactions ?? []),
      highWatermark: p.highWatermark,
      logStartOffset: p.logStartOffset ?? -1n,
    };
  }

  /** The log start offset (which archive moves on). */
  earliest(topic: string, partition: number): Promise<bigint> {
    return this.offset(topic, partition, EARLIEST);
  }

  /** The high watermark: the offset the next committed record will get. */
  latest(topic: string, partition: number): Promise<bigint> {
    return this.offset(topic, partition, LATEST);
  }

  /** DeleteRecords: records before `upto` go; answers the new log start offset. */
  async archive(topic: string, partition: number, upto: bigint): Promise<bigint> {
    const res = await this.broker.request<DeleteRecordsResponse>(
      ApiKey.DeleteRecords,
      DELETE_RECORDS_VERSION,
      {
        topics: [{ name: topic, partitions: [{ partitionIndex: partition, offset: upto }] }],
        timeoutMs: TIMEOUT_MS,
      },
      this.caller,
    );
    const p = res?.topics[0]?.partitions[0];
    if (p === undefined)
      throw new HttpError(500, 'no_answer', `the broker sent no DeleteRecords answer for ${topic}`);
    if (p.errorCode !== ErrorCode.NONE) throw kafkaError(p.errorCode, `${topic}-${partition} up to ${upto}`);
    return p.lowWatermark;
  }

  private async offset(topic: string, partition: number, timestamp: bigint): Promise<bigint> {
    const res = await this.broker.request<ListOffsetsResponse>(
      ApiKey.ListOffsets,
      LIST_OFFSETS_VERSION,
      {
        replicaId: -1,
        isolationLevel: 0,
        topics: [
          {
            name: topic,
            partitions: [{ partitionIndex: partition, currentLeaderEpoch: -1, timestamp, maxNumOffsets: 1 }],
          },
        ],
        timeoutMs: TIMEOUT_MS,
      },
      this.caller,
    );
    const p = res?.topics[0]?.partitions[0];
    if (p === undefined)
      throw new HttpError(500, 'no_answer', `the broker sent no ListOffsets answer for ${topic}`);
    if (p.errorCode !== ErrorCode.NONE) throw kafkaError(p.errorCode, `${topic}-${partition}`);
    return p.offset ?? -1n;
  }

  private async produce(topic: string, partition: number, records: Buffer) {
    const res = await this.broker.request<ProduceResponse>(
      ApiKey.Produce,
      PRODUCE_VERSION,
      {
        transactionalId: null,
        acks: this.acks,
        timeoutMs: TIMEOUT_MS,
        topicData: [{ name: topic, topicId: ZERO_UUID, partitionData: [{ index: partition, records }] }],
      },
      this.caller,
    );
    const answer = res?.responses[0]?.partitionResponses[0];
    if (answer === undefined)
      throw new HttpError(500, 'no_answer', `the broker sent no produce answer for ${topic}`);
    return answer;
  }

  /** Metadata with auto-creation, as a producer asks; true when the topic exists afterwards. */
  private async autoCreate(topic: string): Promise<boolean> {
    const res = await this.broker.request<MetadataResponse>(
      ApiKey.Metadata,
      METADATA_VERSION,
      {
        topics: [{ topicId: ZERO_UUID, name: topic }],
        allowAutoTopicCreation: true,
        includeClusterAuthorizedOperations: false,
        includeTopicAuthorizedOperations: false,
      },
      this.caller,
    );
    const t = res?.topics[0];
    if (t?.errorCode === ErrorCode.TOPIC_AUTHORIZATION_FAILED)
      throw kafkaError(t.errorCode, `topic '${topic}'`);
    return t !== undefined && t.errorCode === ErrorCode.NONE && t.partitions.length > 0;
  }
}
