import { AclOperationTypes, AclPermissionTypes, AclResourceTypes, ResourcePatternTypes } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../security/support/run.js';
import { requireTool } from '../support/tools.js';
import { type AclBroker, ADMIN, password, startAclBroker } from './support.js';

let kb: AclBroker;
beforeAll(async () => {
  kb = await startAclBroker();
  const admin = kb.kafka(ADMIN).admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: 'orders' }, { topic: 'payments' }] });
  await admin.createAcls({
    acl: [
      {
        resourceType: AclResourceTypes.TOPIC,
        resourceName: 'orders',
        resourcePatternType: ResourcePatternTypes.LITERAL,
        principal: 'User:writer',
        host: '*',
        operation: AclOperationTypes.WRITE,
        permissionType: AclPermissionTypes.ALLOW,
      },
    ],
  });
  await admin.disconnect();
});
afterAll(async () => {
  await kb?.stop();
});

function kcat(user: string, ...args: string[]) {
  return run(
    requireTool('/usr/bin/kcat', 'kcat'),
    [
      '-b',
      kb.bootstrap,
      '-X',
      'security.protocol=SASL_PLAINTEXT',
      '-X',
      'sasl.mechanisms=PLAIN',
      '-X',
      `sasl.username=${user}`,
      '-X',
      `sasl.password=${password(user)}`,
      ...args,
    ],
    args.includes('-P') ? 'one\ntwo\n' : '',
    20_000,
  );
}

const endOffset = (topic: string) => kb.broker.context.logs.get(topic, 0)?.logEndOffset ?? 0;

describe('kcat (librdkafka 2.0) under ACLs, SASL PLAIN', () => {
  it('a principal allowed to write one topic writes it', async () => {
    const r = await kcat('writer', '-P', '-t', 'orders');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(endOffset('orders')).toBe(2);
  });

  it('... but not another one: nothing is written', async () => {
    const r = await kcat('writer', '-P', '-t', 'payments');
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/authoriz/i);
    expect(endOffset('payments')).toBe(0);
  });

  it('... and cannot read the topic it writes', async () => {
    const r = await kcat('writer', '-C', '-t', 'orders', '-p', '0', '-o', 'beginning', '-e');
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/authoriz/i);
    expect(r.stdout).toBe('');
  });

  it('a super user reads it', async () => {
    const r = await kcat(ADMIN, '-C', '-t', 'orders', '-p', '0', '-o', 'beginning', '-e');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('one\ntwo\n');
  });
});
