import { ApiKey, ErrorCode } from '@kilgore/protocol';
import {
  type AclEntry,
  AclOperationTypes,
  AclPermissionTypes,
  AclResourceTypes,
  type Admin,
  type Kafka,
  ResourcePatternTypes,
} from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AclBroker, ADMIN, kafkaError, rawRequest, startAclBroker } from './support.js';

let kb: AclBroker;
let admin: Admin;

function acl(
  principal: string,
  operation: AclOperationTypes,
  resourceName: string,
  more: Partial<AclEntry> = {},
): AclEntry {
  return {
    resourceType: AclResourceTypes.TOPIC,
    resourceName,
    resourcePatternType: ResourcePatternTypes.LITERAL,
    principal: `User:${principal}`,
    host: '*',
    operation,
    permissionType: AclPermissionTypes.ALLOW,
    ...more,
  };
}

async function send(kafka: Kafka, topic: string, value = 'v'): Promise<string> {
  const producer = kafka.producer({ allowAutoTopicCreation: true });
  await producer.connect();
  try {
    return await kafkaError(producer.send({ topic, messages: [{ value }] }));
  } finally {
    await producer.disconnect();
  }
}

/** Consumes with a group until `count` messages arrived or the consumer crashed; returns either. */
async function consume(
  kafka: Kafka,
  groupId: string,
  topic: string,
  count: number,
): Promise<{ values: string[]; crash: string | null }> {
  const consumer = kafka.consumer({ groupId, retry: { retries: 0 } });
  const values: string[] = [];
  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const crashed = new Promise<string>((resolve) => {
      consumer.on(consumer.events.CRASH, (e) => {
        const err = e.payload.error as { type?: string; cause?: { type?: string }; message: string };
        resolve(err.type ?? err.cause?.type ?? err.message);
      });
    });
    const done = new Promise<null>((resolve) => {
      void consumer.run({
        eachMessage: async ({ message }) => {
          values.push(message.value?.toString() ?? '');
          if (values.length >= count) resolve(null);
        },
      });
    });
    const crash = await Promise.race([crashed, done]);
    return { values, crash };
  } catch (err) {
    return { values, crash: (err as { type?: string }).type ?? (err as Error).message };
  } finally {
    await consumer.disconnect();
  }
}

beforeAll(async () => {
  kb = await startAclBroker();
  admin = kb.kafka(ADMIN).admin();
  await admin.connect();
  await admin.createTopics({
    topics: ['orders', 'payments', 'logs-app', 'logs-secret'].map((topic) => ({ topic })),
  });
  await admin.createAcls({
    acl: [
      acl('writer', AclOperationTypes.WRITE, 'orders'),
      acl('reader', AclOperationTypes.READ, 'orders'),
      // Everyone may write the logs- topics except mallory, who is denied logs-secret.
      acl('*', AclOperationTypes.WRITE, 'logs-', { resourcePatternType: ResourcePatternTypes.PREFIXED }),
      acl('mallory', AclOperationTypes.WRITE, 'logs-secret', { permissionType: AclPermissionTypes.DENY }),
    ],
  });
});
afterAll(async () => {
  await admin?.disconnect();
  await kb?.stop();
});

describe('ACLs with kafkajs 2.2.4 (SASL PLAIN principals)', () => {
  it('a principal allowed to write one topic writes it', async () => {
    expect(await send(kb.kafka('writer'), 'orders', 'from-writer')).toBe('no error');
  });

  it('... but cannot read it', async () => {
    await admin.createAcls({
      acl: [acl('writer', AclOperationTypes.READ, 'writer-group', { resourceType: AclResourceTypes.GROUP })],
    });
    const r = await consume(kb.kafka('writer'), 'writer-group', 'orders', 1);
    expect(r.crash).toBe('TOPIC_AUTHORIZATION_FAILED');
    expect(r.values).toEqual([]);
    // The same over the wire: Fetch answers the partition with the error and no records.
    const fetched = await rawRequest<{
      responses: { partitions: { errorCode: number; records: Buffer }[] }[];
    }>(kb.bootstrap, 'writer', ApiKey.Fetch, 11, fetchBody('orders'));
    expect(fetched.responses[0]!.partitions[0]!.errorCode).toBe(ErrorCode.TOPIC_AUTHORIZATION_FAILED);
    expect(fetched.responses[0]!.partitions[0]!.records.length).toBe(0);
    // Nor commit offsets for it, though the group is its own: OffsetCommit needs READ on the topic.
    const committed = await rawRequest<{ topics: { name: string; partitions: { errorCode: number }[] }[] }>(
      kb.bootstrap,
      'writer',
      ApiKey.OffsetCommit,
      2,
      {
        groupId: 'writer-group',
        generationIdOrMemberEpoch: -1,
        memberId: '',
        retentionTimeMs: -1n,
        topics: [
          {
            name: 'orders',
            partitions: [{ partitionIndex: 0, committedOffset: 1n, committedMetadata: null }],
          },
        ],
      },
    );
    expect(committed.topics[0]!.partitions[0]!.errorCode).toBe(ErrorCode.TOPIC_AUTHORIZATION_FAILED);
  });

  it('... cannot touch another topic', async () => {
    expect(await send(kb.kafka('writer'), 'payments')).toBe('TOPIC_AUTHORIZATION_FAILED');
    const wAdmin = kb.kafka('writer').admin();
    await wAdmin.connect();
    try {
      expect(await kafkaError(wAdmin.fetchTopicOffsets('payments'))).toBe('TOPIC_AUTHORIZATION_FAILED');
      expect(await kafkaError(wAdmin.deleteTopics({ topics: ['payments'] }))).toBe(
        'TOPIC_AUTHORIZATION_FAILED',
      );
    } finally {
      await wAdmin.disconnect();
    }
    expect(await admin.listTopics()).toContain('payments');
  });

  it('... and cannot create topics (CreateTopics nor auto-creation)', async () => {
    const wAdmin = kb.kafka('writer').admin();
    await wAdmin.connect();
    try {
      expect(await kafkaError(wAdmin.createTopics({ topics: [{ topic: 'sneaky' }] }))).toBe(
        'TOPIC_AUTHORIZATION_FAILED',
      );
    } finally {
      await wAdmin.disconnect();
    }
    expect(await send(kb.kafka('writer'), 'sneaky-auto')).toBe('TOPIC_AUTHORIZATION_FAILED');
    const topics = await admin.listTopics();
    expect(topics).not.toContain('sneaky');
    expect(topics).not.toContain('sneaky-auto');
  });

  it('a group read denied: the consumer fails with GROUP_AUTHORIZATION_FAILED until granted', async () => {
    const denied = await consume(kb.kafka('reader'), 'reader-group', 'orders', 1);
    // kafkajs tries every broker for the coordinator and reports only that none answered.
    expect(denied.crash).toBe('Failed to find group coordinator');
    expect(denied.values).toEqual([]);
    // What the broker answered, over the wire.
    const coordinator = await rawRequest<{ errorCode: number }>(
      kb.bootstrap,
      'reader',
      ApiKey.FindCoordinator,
      2,
      {
        key: 'reader-group',
        keyType: 0,
      },
    );
    expect(coordinator.errorCode).toBe(ErrorCode.GROUP_AUTHORIZATION_FAILED);
    const join = await rawRequest<{ errorCode: number }>(kb.bootstrap, 'reader', ApiKey.JoinGroup, 5, {
      groupId: 'reader-group',
      sessionTimeoutMs: 10_000,
      rebalanceTimeoutMs: 10_000,
      memberId: '',
      groupInstanceId: null,
      protocolType: 'consumer',
      protocols: [{ name: 'range', metadata: Buffer.alloc(0) }],
    });
    expect(join.errorCode).toBe(ErrorCode.GROUP_AUTHORIZATION_FAILED);
    await admin.createAcls({
      acl: [acl('reader', AclOperationTypes.READ, 'reader-group', { resourceType: AclResourceTypes.GROUP })],
    });
    const allowed = await consume(kb.kafka('reader'), 'reader-group', 'orders', 1);
    expect(allowed.crash).toBeNull();
    expect(allowed.values).toEqual(['from-writer']);
  });

  it('super users can do anything without ACLs', async () => {
    expect(await send(kb.kafka(ADMIN), 'payments', 'from-admin')).toBe('no error');
    const r = await consume(kb.kafka(ADMIN), 'admin-group', 'payments', 1);
    expect(r).toEqual({ values: ['from-admin'], crash: null });
  });

  it('DENY beats ALLOW; prefixed patterns apply to every topic under the prefix', async () => {
    expect(await send(kb.kafka('mallory'), 'logs-app')).toBe('no error');
    expect(await send(kb.kafka('mallory'), 'logs-secret')).toBe('TOPIC_AUTHORIZATION_FAILED');
    expect(await send(kb.kafka('someone'), 'logs-secret')).toBe('no error');
    expect(await send(kb.kafka('someone'), 'orders')).toBe('TOPIC_AUTHORIZATION_FAILED');
  });

  it('Metadata lists only the topics a principal may describe, with its authorized operations', async () => {
    const md = await rawRequest<{
      topics: { name: string; errorCode: number; topicAuthorizedOperations: number }[];
      clusterAuthorizedOperations: number;
    }>(kb.bootstrap, 'writer', ApiKey.Metadata, 10, {
      topics: null,
      allowAutoTopicCreation: false,
      includeClusterAuthorizedOperations: true,
      includeTopicAuthorizedOperations: true,
    });
    // orders (WRITE), and the logs- topics everyone may write.
    expect(md.topics.map((t) => t.name).sort()).toEqual(['logs-app', 'logs-secret', 'orders']);
    const orders = md.topics.find((t) => t.name === 'orders')!;
    expect(orders.topicAuthorizedOperations).toBe(
      (1 << AclOperationTypes.WRITE) | (1 << AclOperationTypes.DESCRIBE),
    );
    expect(md.clusterAuthorizedOperations).toBe(0); // no DESCRIBE on the cluster
    const named = await rawRequest<{ topics: { name: string; errorCode: number }[] }>(
      kb.bootstrap,
      'writer',
      ApiKey.Metadata,
      10,
      {
        topics: [{ name: 'payments', topicId: 'AAAAAAAAAAAAAAAAAAAAAA' }],
        allowAutoTopicCreation: false,
        includeClusterAuthorizedOperations: false,
        includeTopicAuthorizedOperations: false,
      },
    );
    expect(named.topics[0]!.errorCode).toBe(ErrorCode.TOPIC_AUTHORIZATION_FAILED);
  });

  it('DescribeGroups reports authorized operations and refuses groups a principal may not describe', async () => {
    const res = await rawRequest<{
      groups: { groupId: string; errorCode: number; authorizedOperations: number }[];
    }>(kb.bootstrap, 'reader', ApiKey.DescribeGroups, 5, {
      groups: ['reader-group', 'admin-group'],
      includeAuthorizedOperations: true,
    });
    expect(res.groups[0]).toMatchObject({
      groupId: 'reader-group',
      errorCode: ErrorCode.NONE,
      authorizedOperations: (1 << AclOperationTypes.READ) | (1 << AclOperationTypes.DESCRIBE),
    });
    expect(res.groups[1]).toMatchObject({
      groupId: 'admin-group',
      errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED,
    });
  });

  it('SCRAM credentials: describing needs DESCRIBE and altering ALTER on the cluster', async () => {
    const describe = (user: string) =>
      rawRequest<{ errorCode: number }>(kb.bootstrap, user, ApiKey.DescribeUserScramCredentials, 0, {
        users: null,
      });
    expect((await describe('writer')).errorCode).toBe(ErrorCode.CLUSTER_AUTHORIZATION_FAILED);
    expect((await describe(ADMIN)).errorCode).toBe(ErrorCode.NONE);
    const alter = await rawRequest<{ results: { user: string; errorCode: number }[] }>(
      kb.bootstrap,
      'writer',
      ApiKey.AlterUserScramCredentials,
      0,
      { deletions: [{ name: 'admin', mechanism: 1 }], upsertions: [] },
    );
    expect(alter.results).toEqual([
      expect.objectContaining({ user: 'admin', errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED }),
    ]);
  });

  it('Create/Describe/DeleteAcls through kafkajs admin, which needs ALTER/DESCRIBE on the cluster', async () => {
    const described = await admin.describeAcls({
      resourceType: AclResourceTypes.ANY,
      resourcePatternType: ResourcePatternTypes.ANY,
      principal: 'User:writer',
      operation: AclOperationTypes.ANY,
      permissionType: AclPermissionTypes.ANY,
    });
    expect(
      described.resources
        .map((r) => `${r.resourceType}:${r.resourceName}:${r.acls.map((a) => a.operation).join()}`)
        .sort(),
    ).toEqual([
      `${AclResourceTypes.TOPIC}:orders:${AclOperationTypes.WRITE}`,
      `${AclResourceTypes.GROUP}:writer-group:${AclOperationTypes.READ}`,
    ]);

    const matching = await admin.describeAcls({
      resourceType: AclResourceTypes.TOPIC,
      resourceName: 'logs-secret',
      resourcePatternType: ResourcePatternTypes.MATCH,
      operation: AclOperationTypes.ANY,
      permissionType: AclPermissionTypes.ANY,
    });
    expect(matching.resources.map((r) => r.resourceName).sort()).toEqual(['logs-', 'logs-secret']);

    const wAdmin = kb.kafka('writer').admin();
    await wAdmin.connect();
    try {
      expect(await kafkaError(wAdmin.createAcls({ acl: [acl('writer', AclOperationTypes.ALL, '*')] }))).toBe(
        'CLUSTER_AUTHORIZATION_FAILED',
      );
      expect(
        await kafkaError(
          wAdmin.describeAcls({
            resourceType: AclResourceTypes.ANY,
            resourcePatternType: ResourcePatternTypes.ANY,
            operation: AclOperationTypes.ANY,
            permissionType: AclPermissionTypes.ANY,
          }),
        ),
      ).toBe('CLUSTER_AUTHORIZATION_FAILED');
    } finally {
      await wAdmin.disconnect();
    }

    const deleted = await admin.deleteAcls({
      filters: [
        {
          resourceType: AclResourceTypes.TOPIC,
          resourceName: 'orders',
          resourcePatternType: ResourcePatternTypes.LITERAL,
          principal: 'User:writer',
          operation: AclOperationTypes.ANY,
          permissionType: AclPermissionTypes.ANY,
        },
      ],
    });
    expect(deleted.filterResponses[0]!.errorCode).toBe(0);
    expect(deleted.filterResponses[0]!.matchingAcls).toHaveLength(1);
    expect(deleted.filterResponses[0]!.matchingAcls[0]).toMatchObject({
      resourceName: 'orders',
      principal: 'User:writer',
      operation: AclOperationTypes.WRITE,
    });
    expect(await send(kb.kafka('writer'), 'orders')).toBe('TOPIC_AUTHORIZATION_FAILED');
  });
});

function fetchBody(topic: string): object {
  return {
    replicaId: -1,
    maxWaitMs: 0,
    minBytes: 0,
    maxBytes: 1 << 20,
    isolationLevel: 0,
    sessionId: 0,
    sessionEpoch: -1,
    topics: [
      {
        topic,
        partitions: [
          {
            partition: 0,
            currentLeaderEpoch: -1,
            fetchOffset: 0n,
            logStartOffset: -1n,
            partitionMaxBytes: 1 << 20,
          },
        ],
      },
    ],
    forgottenTopicsData: [],
    rackId: '',
  };
}
