import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Broker, LocalRequestError, loadConfig } from '@kilgore/broker';
import {
  ApiKey,
  decodeRecordBatchSync,
  ErrorCode,
  encodeRecordBatchSync,
  type ProduceResponse,
} from '@kilgore/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTopicsBody, fetchBody } from '../../../test/support/request-bodies.js';

let broker: Broker;
let logDir: string;

beforeAll(async () => {
  logDir = mkdtempSync(join(tmpdir(), 'kilgore-local-'));
  const { config } = loadConfig({
    flags: { listeners: 'PLAINTEXT://127.0.0.1:0', 'log.dirs': logDir, 'logger.level': 'silent' },
  });
  broker = await Broker.start({ config });
});
afterAll(async () => {
  await broker?.stop();
  rmSync(logDir, { recursive: true, force: true });
});

describe('Broker.request (in-process API calls)', () => {
  it('produces and fetches through the same handlers as a client', async () => {
    const created = await broker.request<{ topics: { errorCode: number }[] }>(
      ApiKey.CreateTopics,
      4,
      createTopicsBody('local', 1),
    );
    expect(created?.topics[0]?.errorCode).toBe(ErrorCode.NONE);
    const records = encodeRecordBatchSync({ records: [{ value: 'a' }, { value: 'b' }] });
    const produced = await broker.request<ProduceResponse>(ApiKey.Produce, 9, {
      transactionalId: null,
      acks: -1,
      timeoutMs: 1000,
      topicData: [{ name: 'local', partitionData: [{ index: 0, records }] }],
    });
    const answer = produced?.responses[0]?.partitionResponses[0];
    expect(answer?.errorCode).toBe(ErrorCode.NONE);
    expect(answer?.baseOffset).toBe(0n);

    const fetched = await broker.request<{ responses: { partitions: { records: Buffer | null }[] }[] }>(
      ApiKey.Fetch,
      11,
      fetchBody('local', [{ partition: 0 }]),
    );
    const bytes = fetched?.responses[0]?.partitions[0]?.records;
    expect(bytes).toBeInstanceOf(Buffer);
    const batch = decodeRecordBatchSync(bytes as Buffer);
    expect(batch.records.map((r) => r.value?.toString())).toEqual(['a', 'b']);
  });

  it('refuses an API version the broker does not serve', async () => {
    await expect(broker.request(ApiKey.Produce, 99, {})).rejects.toBeInstanceOf(LocalRequestError);
  });
});
