import { connect } from 'node:net';
import { join } from 'node:path';
import { AclOperation, AclPermission, Broker, loadConfig, PatternType, ResourceType } from '@kilgore/broker';
import { HttpServer, httpConfigFrom } from '@kilgore/http';
import { ApiKey, ErrorCode } from '@kilgore/protocol';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { tempDir } from './temp-dir.js';

/**
 * Without authentication, HTTP requests act as kilgore.http.principal and its ACLs decide, as
 * they would for a Kafka client with that principal. Requests go over TCP with Node's fetch.
 */
let broker: Broker;
let http: HttpServer;
let base: string;

beforeAll(async () => {
  const dir = tempDir('kilgore-http-principal-');
  const { config } = loadConfig({
    flags: {
      listeners: 'PLAINTEXT://127.0.0.1:0',
      'log.dirs': join(dir, 'data'),
      'logger.level': 'silent',
      'authorizer.class.name': 'org.apache.kafka.metadata.authorizer.StandardAuthorizer',
      'super.users': 'User:admin',
      'kilgore.http.listeners': 'http://127.0.0.1:0',
      'kilgore.http.principal': 'User:web',
    },
  });
  broker = await Broker.start({ config });
  broker.context.createTopic('web-ok', 1);
  broker.context.createTopic('web-no', 1);
  const res = await broker.request<{ results: { errorCode: number }[] }>(
    ApiKey.CreateAcls,
    1,
    {
      creations: [AclOperation.WRITE, AclOperation.READ].map((operation) => ({
        resourceType: ResourceType.TOPIC,
        resourceName: 'web-ok',
        resourcePatternType: PatternType.LITERAL,
        principal: 'User:web',
        host: '*',
        operation,
        permissionType: AclPermission.ALLOW,
      })),
    },
    { principal: 'User:admin' },
  );
  expect(res?.results.map((r) => r.errorCode)).toEqual([ErrorCode.NONE, ErrorCode.NONE]);
  http = await HttpServer.start(broker, httpConfigFrom(broker.context.config)!, broker.context.log);
  base = http.urls[0]!;
});

afterAll(async () => {
  await http?.stop();
  await broker?.stop();
});

it('puts and reads where User:web may, and is refused elsewhere', async () => {
  const put = await fetch(`${base}/put/web-ok`, { method: 'POST', body: 'hi' });
  expect(put.status).toBe(200);
  expect(await (await fetch(`${base}/get/web-ok?from=0`)).text()).toBe('hi\n');
  const refused = await fetch(`${base}/put/web-no`, { method: 'POST', body: 'x' });
  expect(refused.status).toBe(403);
  expect(await refused.json()).toMatchObject({ error: 'topic_authorization_failed' });
  expect(broker.context.logs.get('web-no', 0)?.logEndOffset).toBe(0);
  // Auto-creation needs CREATE, which User:web lacks: still a 403, and no topic appears.
  const create = await fetch(`${base}/put/web-new`, { method: 'POST', body: 'x' });
  expect(create.status).toBe(403);
  expect(broker.context.topics.get('web-new')).toBeUndefined();
});

it('a client that closes inside its body appends nothing, and the server goes on', async () => {
  const { port } = new URL(base);
  const socket = connect(Number(port), '127.0.0.1');
  await new Promise((r) => socket.once('connect', r));
  socket.write('POST /put/web-ok HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nonly ten b');
  await new Promise((r) => setTimeout(r, 100));
  socket.destroy();
  await new Promise((r) => setTimeout(r, 100));
  const after = await fetch(`${base}/get/web-ok?from=0`);
  expect(await after.text()).toBe('hi\n'); // the first test's record, and nothing else
  expect(broker.context.logs.get('web-ok', 0)?.logEndOffset).toBe(1);
});

it('stop() ends a waiting long poll and a tail at once', async () => {
  const poll = fetch(`${base}/get/web-ok?from=1&wait_ms=30000`).then(
    (r) => r.status,
    () => 'closed',
  );
  const tail = await fetch(`${base}/tail/web-ok?format=raw`);
  expect(tail.status).toBe(200);
  const reading = tail.text().then(
    () => 'ended',
    () => 'closed',
  );
  await new Promise((r) => setTimeout(r, 200));
  await http.stop();
  expect(await poll).toBe('closed');
  expect(['ended', 'closed']).toContain(await reading);
});
