import { connect } from 'node:net';
import { join } from 'node:path';
import { AclOperation, AclPermission, Broker, loadConfig, PatternType, ResourceType } from '@kilgore/broker';
import { encodeFrame, IngestServer, ingestConfigFrom } from '@kilgore/ingest';
import { ApiKey, ErrorCode } from '@kilgore/protocol';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from './temp-dir.js';

/** Ingest writes are checked against ACLs as kilgore.ingest.principal, like a producer's. */
let broker: Broker;
let ingest: IngestServer;
let socket: string;
const admin = { principal: 'User:admin' };

beforeAll(async () => {
  const dir = tempDir('kilgore-ingest-acl-');
  socket = join(dir, 'i.sock');
  const { config } = loadConfig({
    flags: {
      listeners: 'PLAINTEXT://127.0.0.1:0',
      'log.dirs': join(dir, 'data'),
      'logger.level': 'silent',
      'authorizer.class.name': 'org.apache.kafka.metadata.authorizer.StandardAuthorizer',
      'super.users': 'User:admin',
      'kilgore.ingest.socket': socket,
      'kilgore.ingest.principal': 'User:php',
    },
  });
  broker = await Broker.start({ config });
  for (const name of ['open', 'closed']) {
    await broker.request(
      ApiKey.CreateTopics,
      4,
      {
        topics: [{ name, numPartitions: 1, replicationFactor: -1, assignments: [], configs: [] }],
        timeoutMs: 1000,
        validateOnly: false,
      },
      admin,
    );
  }
  const created = await broker.request<{ results: { errorCode: number }[] }>(
    ApiKey.CreateAcls,
    2,
    {
      creations: [
        {
          resourceType: ResourceType.TOPIC,
          resourceName: 'open',
          resourcePatternType: PatternType.LITERAL,
          principal: 'User:php',
          host: '*',
          operation: AclOperation.WRITE,
          permissionType: AclPermission.ALLOW,
        },
      ],
    },
    admin,
  );
  expect(created?.results[0]?.errorCode).toBe(ErrorCode.NONE);
  const ingestConfig = ingestConfigFrom(config);
  if (ingestConfig === null) throw new Error('ingest config missing');
  ingest = await IngestServer.start(broker, ingestConfig, pino({ level: 'silent' }));
});
afterAll(async () => {
  await ingest?.stop();
  await broker?.stop();
});

function send(frames: Buffer[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const c = connect(socket, () => c.end(Buffer.concat(frames)));
    let answer = '';
    c.on('data', (d) => {
      answer += d.toString();
    });
    c.on('close', () => resolve(answer));
    c.on('error', reject);
  });
}

describe('ingest and ACLs', () => {
  it('appends where the principal may write and refuses the rest', async () => {
    expect(await send([encodeFrame('open', null, 'a'), encodeFrame('open', null, 'b')])).toBe('OK 2\n');
    expect(await send([encodeFrame('open', null, 'c'), encodeFrame('closed', null, 'd')])).toBe(
      "ERR 1 1 TOPIC_AUTHORIZATION_FAILED for topic 'closed'\n",
    );
    expect(ingest.stats).toMatchObject({ appended: 3, dropped: 1 });
  });
});
