import { ApiKey, ErrorCode } from '@kilgore/protocol';
import {
  AclOperationTypes,
  AclPermissionTypes,
  AclResourceTypes,
  type Admin,
  ConfigResourceTypes,
  ResourcePatternTypes,
} from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AclBroker, ADMIN, kafkaError, rawRequest, startAclBroker } from './support.js';

let kb: AclBroker;
let admin: Admin;
let ops: Admin;

beforeAll(async () => {
  kb = await startAclBroker();
  admin = kb.kafka(ADMIN).admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: 'managed', numPartitions: 1 }, { topic: 'private' }] });
  // `writer` operates the topic `managed`: alter it, its configs, delete records; nothing else.
  const allow = (operation: AclOperationTypes) => ({
    resourceType: AclResourceTypes.TOPIC,
    resourceName: 'managed',
    resourcePatternType: ResourcePatternTypes.LITERAL,
    principal: 'User:writer',
    host: '*',
    operation,
    permissionType: AclPermissionTypes.ALLOW,
  });
  await admin.createAcls({
    acl: [
      allow(AclOperationTypes.ALTER),
      allow(AclOperationTypes.ALTER_CONFIGS),
      allow(AclOperationTypes.DELETE),
      allow(AclOperationTypes.WRITE),
    ],
  });
  ops = kb.kafka('writer').admin();
  await ops.connect();
});
afterAll(async () => {
  await ops?.disconnect();
  await admin?.disconnect();
  await kb?.stop();
});

describe('admin APIs under ACLs (kafkajs over SASL PLAIN)', () => {
  it('CreatePartitions needs ALTER on the topic', async () => {
    await ops.createPartitions({ topicPartitions: [{ topic: 'managed', count: 2 }] });
    expect(
      await kafkaError(ops.createPartitions({ topicPartitions: [{ topic: 'private', count: 2 }] })),
    ).toBe('TOPIC_AUTHORIZATION_FAILED');
    const md = await admin.fetchTopicMetadata({ topics: ['managed', 'private'] });
    expect(Object.fromEntries(md.topics.map((t) => [t.name, t.partitions.length]))).toEqual({
      managed: 2,
      private: 1,
    });
  });

  it('configs: ALTER_CONFIGS implies DESCRIBE_CONFIGS; the broker resource needs the cluster', async () => {
    await ops.alterConfigs({
      resources: [
        {
          type: ConfigResourceTypes.TOPIC,
          name: 'managed',
          configEntries: [{ name: 'retention.ms', value: '60000' }],
        },
      ],
    });
    const described = await ops.describeConfigs({
      resources: [{ type: ConfigResourceTypes.TOPIC, name: 'managed', configNames: ['retention.ms'] }],
      includeSynonyms: false,
    });
    expect(described.resources[0]!.configEntries[0]!.configValue).toBe('60000');
    expect(
      await kafkaError(
        ops.describeConfigs({
          resources: [{ type: ConfigResourceTypes.TOPIC, name: 'private' }],
          includeSynonyms: false,
        }),
      ),
    ).toBe('TOPIC_AUTHORIZATION_FAILED');
    expect(
      await kafkaError(
        ops.describeConfigs({
          resources: [{ type: ConfigResourceTypes.BROKER, name: '1' }],
          includeSynonyms: false,
        }),
      ),
    ).toBe('CLUSTER_AUTHORIZATION_FAILED');
  });

  it('DeleteRecords needs DELETE on the topic', async () => {
    const producer = kb.kafka('writer').producer();
    await producer.connect();
    await producer.send({
      topic: 'managed',
      messages: [
        { value: 'a', partition: 0 },
        { value: 'b', partition: 0 },
      ],
    });
    await producer.disconnect();
    await ops.deleteTopicRecords({ topic: 'managed', partitions: [{ partition: 0, offset: '1' }] });
    const offsets = await admin.fetchTopicOffsets('managed');
    expect(offsets.find((o) => o.partition === 0)!.low).toBe('1');
    expect(
      await kafkaError(
        ops.deleteTopicRecords({ topic: 'private', partitions: [{ partition: 0, offset: '0' }] }),
      ),
    ).toMatch(/TOPIC_AUTHORIZATION_FAILED|authoriz/i);
  });

  it('InitProducerId: an idempotent producer needs WRITE on some topic (or IDEMPOTENT_WRITE)', async () => {
    const init = (user: string) =>
      rawRequest<{ errorCode: number; producerId: bigint }>(kb.bootstrap, user, ApiKey.InitProducerId, 2, {
        transactionalId: null,
        transactionTimeoutMs: 60_000,
      });
    const granted = await init('writer');
    expect(granted.errorCode).toBe(ErrorCode.NONE);
    expect(granted.producerId).toBeGreaterThanOrEqual(0n);
    expect((await init('nobody')).errorCode).toBe(ErrorCode.CLUSTER_AUTHORIZATION_FAILED);
    // kafkajs' idempotent producer goes through the same door.
    const producer = kb.kafka('writer').producer({ idempotent: true });
    await producer.connect();
    await producer.send({ topic: 'managed', messages: [{ value: 'idempotent' }] });
    await producer.disconnect();
  });

  it('CreateAcls refuses what cannot be an ACL, one result per creation', async () => {
    const res = await rawRequest<{ results: { errorCode: number; errorMessage: string | null }[] }>(
      kb.bootstrap,
      ADMIN,
      ApiKey.CreateAcls,
      1,
      {
        creations: [
          // MATCH is a filter, not a pattern an ACL can have.
          acl({ resourcePatternType: ResourcePatternTypes.MATCH }),
          // The cluster resource has one name.
          acl({ resourceType: AclResourceTypes.CLUSTER, resourceName: 'other-cluster' }),
          acl({ principal: 'alice' }),
          acl({}),
        ],
      },
    );
    expect(res.results.map((r) => r.errorCode)).toEqual([
      ErrorCode.INVALID_REQUEST,
      ErrorCode.INVALID_REQUEST,
      ErrorCode.INVALID_REQUEST,
      ErrorCode.NONE,
    ]);
    expect(res.results[1]!.errorMessage).toMatch(/kafka-cluster/);
  });
});

function acl(over: Record<string, unknown>): object {
  return {
    resourceType: AclResourceTypes.TOPIC,
    resourceName: 'managed',
    resourcePatternType: ResourcePatternTypes.LITERAL,
    principal: 'User:reader',
    host: '*',
    operation: AclOperationTypes.READ,
    permissionType: AclPermissionTypes.ALLOW,
    ...over,
  };
}
