import { Broker, loadConfig } from '@kilgore/broker';
import {
  CompressionCodec,
  type DescribeConfigsResponse,
  decodeResponse,
  encodeRecordBatch,
  encodeRecordBatchSync,
  encodeRequest,
  type FetchResponse,
  type IncrementalAlterConfigsResponse,
  type ListOffsetsResponse,
} from '@kilgore/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchBody } from '../../../test/support/request-bodies.js';
import { RawClient } from './helpers.js';
import { tempDir } from './temp-dir.js';

let broker: Broker;
let client: RawClient;
let correlation = 0;

beforeAll(async () => {
  const logDir = tempDir('kilgore-cfg-');
  const { config } = loadConfig({
    flags: { listeners: 'PLAINTEXT://127.0.0.1:0', 'log.dirs': logDir, 'logger.level': 'silent' },
  });
  broker = await Broker.start({ config });
  client = await RawClient.connect(broker.listeners[0]!.boundPort);
});
afterAll(async () => {
  client?.close();
  await broker?.stop();
});

async function call<T>(apiKey: number, apiVersion: number, body: object): Promise<T> {
  const correlationId = ++correlation;
  client.send(
    Buffer.concat(
      encodeRequest({ header: { apiKey, apiVersion, correlationId, clientId: 'cfg' }, body }),
    ).subarray(4),
  );
  return decodeResponse<T>(apiKey, apiVersion, (await client.read())!).body;
}

function fetchAt(version: number, topic: string) {
  return call<FetchResponse>(1, version, fetchBody(topic, [{ partition: 0 }]));
}

function listOffsets(version: number, topic: string, timestamp: bigint) {
  return call<ListOffsetsResponse>(2, version, {
    replicaId: -1,
    isolationLevel: 0,
    topics: [
      {
        name: topic,
        partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp, maxNumOffsets: 1 }],
      },
    ],
  });
}

function incremental(
  topic: string,
  configs: { name: string; configOperation: number; value: string | null }[],
) {
  return call<IncrementalAlterConfigsResponse>(44, 1, {
    resources: [{ resourceType: 2, resourceName: topic, configs }],
    validateOnly: false,
  });
}

describe('Fetch and ListOffsets extras', () => {
  it('refuses zstd batches to Fetch before v10 and serves them from v10', async () => {
    broker.context.createTopic('z', 1);
    const log = broker.context.logs.get('z', 0)!;
    await log.append(encodeRecordBatchSync({ records: [{ value: 'plain', timestamp: 1 }] }));
    await log.append(
      await encodeRecordBatch({
        records: [{ value: 'squeezed', timestamp: 2 }],
        compression: CompressionCodec.zstd,
      }),
    );
    const old = (await fetchAt(9, 'z')).responses[0]!.partitions[0]!;
    expect(old.errorCode).toBe(76);
    expect(old.records?.length ?? 0).toBe(0);
    const v10 = (await fetchAt(10, 'z')).responses[0]!.partitions[0]!;
    expect(v10.errorCode).toBe(0);
    expect(v10.records!.length).toBeGreaterThan(0);
  });

  it('ListOffsets v7 finds the record with the largest timestamp (-3)', async () => {
    broker.context.createTopic('ts', 1);
    const log = broker.context.logs.get('ts', 0)!;
    await log.append(encodeRecordBatchSync({ records: [{ value: 'a', timestamp: 1000 }] }));
    await log.append(
      encodeRecordBatchSync({
        records: [
          { value: 'b', timestamp: 2000 },
          { value: 'c', timestamp: 5000 },
          { value: 'd', timestamp: 3000 },
        ],
      }),
    );
    await log.append(encodeRecordBatchSync({ records: [{ value: 'e', timestamp: 4000 }] }));
    const p = (await listOffsets(7, 'ts', -3n)).topics[0]!.partitions[0]!;
    expect([p.errorCode, p.offset, p.timestamp]).toEqual([0, 2n, 5000n]);
    // Before v7 -3 means nothing.
    expect((await listOffsets(6, 'ts', -3n)).topics[0]!.partitions[0]!.errorCode).toBe(35);
  });
});

describe('IncrementalAlterConfigs and DescribeConfigs', () => {
  it('SETs, APPENDs, SUBTRACTs and DELETEs, refusing what Kafka refuses', async () => {
    broker.context.createTopic('inc', 1);
    const ok = await incremental('inc', [
      { name: 'retention.ms', configOperation: 0, value: '60000' },
      { name: 'cleanup.policy', configOperation: 2, value: 'compact' },
    ]);
    expect(ok.responses[0]!.errorCode).toBe(0);
    expect(Object.fromEntries(broker.context.topicConfigs.get('inc'))).toEqual({
      'retention.ms': '60000',
      'cleanup.policy': 'delete,compact',
    });
    await incremental('inc', [
      { name: 'cleanup.policy', configOperation: 3, value: 'delete' },
      { name: 'retention.ms', configOperation: 1, value: null },
    ]);
    expect(Object.fromEntries(broker.context.topicConfigs.get('inc'))).toEqual({
      'cleanup.policy': 'compact',
    });

    const refusals: IncrementalAlterConfigsResponse[] = [];
    // One at a time: the raw client matches answers to requests by order.
    const cases: [string, { name: string; configOperation: number; value: string | null }[]][] = [
      ['inc', [{ name: 'retention.ms', configOperation: 2, value: '1' }]],
      ['inc', [{ name: 'no.such.config', configOperation: 0, value: '1' }]],
      ['inc', [{ name: 'retention.ms', configOperation: 0, value: null }]],
      ['inc', [{ name: 'compression.gzip.level', configOperation: 0, value: '0' }]],
      ['inc', [{ name: 'compression.zstd.level', configOperation: 0, value: '23' }]],
      ['nope', [{ name: 'retention.ms', configOperation: 0, value: '1' }]],
    ];
    for (const [topic, ops] of cases) refusals.push(await incremental(topic, ops));
    expect(refusals.map((r) => r.responses[0]!.errorCode)).toEqual([40, 40, 42, 40, 40, 3]);
    expect(refusals[0]!.responses[0]!.errorMessage).toContain('append is not allowed');
    expect(Object.fromEntries(broker.context.topicConfigs.get('inc'))).toEqual({
      'cleanup.policy': 'compact',
    });
  });

  it('describes at v4 (flexible) with documentation and types, and the broker as read-only', async () => {
    const out = await call<DescribeConfigsResponse>(32, 4, {
      resources: [
        { resourceType: 2, resourceName: 'inc', configurationKeys: ['cleanup.policy', 'segment.ms'] },
        { resourceType: 4, resourceName: '1', configurationKeys: ['log.dirs'] },
        { resourceType: 4, resourceName: '7', configurationKeys: null },
      ],
      includeSynonyms: false,
      includeDocumentation: true,
    });
    const [topic, node, other] = out.results;
    expect(topic!.configs.map((c) => [c.name, c.value, c.configSource, c.configType])).toEqual([
      ['cleanup.policy', 'compact', 1, 7],
      ['segment.ms', '604800000', 5, 5],
    ]);
    expect(topic!.configs[0]!.documentation).toBeTruthy();
    expect(node!.configs[0]).toMatchObject({ name: 'log.dirs', readOnly: true, configSource: 4 });
    expect(other!.errorCode).toBe(42);
  });
});
