import { AclOperationTypes, AclPermissionTypes, AclResourceTypes, ResourcePatternTypes } from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import { type AclBroker, ADMIN, kafkaError, startAclBroker } from './support.js';

let kb: AclBroker | undefined;
afterAll(async () => {
  if (kb) await kb.stop();
});

async function send(k: AclBroker, who: string, topic: string): Promise<string> {
  const producer = k.kafka(who).producer({ allowAutoTopicCreation: false });
  await producer.connect();
  try {
    return await kafkaError(producer.send({ topic, messages: [{ value: 'v' }] }));
  } finally {
    await producer.disconnect();
  }
}

describe('ACLs persist in the log dir', () => {
  it('survive a restart and are enforced at once', async () => {
    const first = await startAclBroker();
    const logDir = first.logDir;
    try {
      const admin = first.kafka(ADMIN).admin();
      await admin.connect();
      await admin.createTopics({ topics: [{ topic: 'kept' }, { topic: 'other' }] });
      await admin.createAcls({
        acl: [
          {
            resourceType: AclResourceTypes.TOPIC,
            resourceName: 'ke',
            resourcePatternType: ResourcePatternTypes.PREFIXED,
            principal: 'User:writer',
            host: '*',
            operation: AclOperationTypes.WRITE,
            permissionType: AclPermissionTypes.ALLOW,
          },
        ],
      });
      await admin.disconnect();
      expect(await send(first, 'writer', 'kept')).toBe('no error');
    } finally {
      await first.stop(false);
    }

    kb = await startAclBroker({ logDir });
    expect(await send(kb, 'writer', 'kept')).toBe('no error');
    expect(await send(kb, 'writer', 'other')).toBe('TOPIC_AUTHORIZATION_FAILED');
    const admin = kb.kafka(ADMIN).admin();
    await admin.connect();
    const { resources } = await admin.describeAcls({
      resourceType: AclResourceTypes.ANY,
      resourcePatternType: ResourcePatternTypes.ANY,
      operation: AclOperationTypes.ANY,
      permissionType: AclPermissionTypes.ANY,
    });
    await admin.disconnect();
    expect(resources).toEqual([
      {
        resourceType: AclResourceTypes.TOPIC,
        resourceName: 'ke',
        resourcePatternType: ResourcePatternTypes.PREFIXED,
        acls: [
          {
            principal: 'User:writer',
            host: '*',
            operation: AclOperationTypes.WRITE,
            permissionType: AclPermissionTypes.ALLOW,
          },
        ],
      },
    ]);
  });

  it('with the authorizer off, the ACL APIs answer SECURITY_DISABLED and everything is allowed', async () => {
    const off = await startAclBroker({ flags: { 'authorizer.class.name': '' } });
    try {
      const admin = off.kafka('nobody').admin();
      await admin.connect();
      try {
        expect(
          await kafkaError(
            admin.describeAcls({
              resourceType: AclResourceTypes.ANY,
              resourcePatternType: ResourcePatternTypes.ANY,
              operation: AclOperationTypes.ANY,
              permissionType: AclPermissionTypes.ANY,
            }),
          ),
        ).toBe('SECURITY_DISABLED');
        await admin.createTopics({ topics: [{ topic: 'free' }] });
      } finally {
        await admin.disconnect();
      }
      expect(await send(off, 'nobody', 'free')).toBe('no error');
    } finally {
      await off.stop();
    }
  });
});
