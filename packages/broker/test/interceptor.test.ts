import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Broker, CloseConnection, type InterceptedRequest, loadConfig } from '@kilgore/broker';
import { decodeResponse, encodeRequest } from '@kilgore/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawClient } from './helpers.js';

// What the test's interceptor does next; each test sets it.
let behaviour: (req: InterceptedRequest, next: (body: unknown) => Promise<unknown>) => Promise<unknown>;
const seen: InterceptedRequest[] = [];
let broker: Broker;
let port: number;
let logDir: string;

beforeAll(async () => {
  logDir = mkdtempSync(join(tmpdir(), 'kilgore-intercept-'));
  const { config } = loadConfig({
    flags: { listeners: 'PLAINTEXT://127.0.0.1:0', 'log.dirs': logDir, 'logger.level': 'silent' },
  });
  broker = await Broker.start({
    config,
    interceptor: (req, next) => {
      seen.push(req);
      return behaviour(req, next);
    },
  });
  port = broker.listeners[0]!.boundPort;
});
afterAll(async () => {
  await broker?.stop();
  rmSync(logDir, { recursive: true, force: true });
});

const request = (apiKey: number, apiVersion: number, correlationId: number, body: object): Buffer =>
  Buffer.concat(encodeRequest({ header: { apiKey, apiVersion, correlationId, clientId: 'itc' }, body }));

interface MetadataBody {
  topics: { errorCode: number; name: string }[];
}

describe('broker interceptor', () => {
  it('observes the decoded request and passes it through', async () => {
    behaviour = (req, next) => next(req.body);
    const c = await RawClient.connect(port);
    c.socket.write(request(3, 4, 5, { topics: [{ name: 'nope' }], allowAutoTopicCreation: false }));
    const res = decodeResponse<MetadataBody>(3, 4, (await c.read())!);
    expect(res.body.topics[0]).toMatchObject({ name: 'nope', errorCode: 3 });
    expect(seen.at(-1)).toMatchObject({ apiKey: 3, apiVersion: 4, correlationId: 5, clientId: 'itc' });
    expect(seen.at(-1)!.body).toMatchObject({ topics: [{ name: 'nope' }] });
    c.close();
  });

  it('answers with its own body instead of calling the handler', async () => {
    behaviour = async () => ({ topics: [{ name: 'made-up', errorCode: 6, partitions: [] }], brokers: [] });
    const c = await RawClient.connect(port);
    c.socket.write(request(3, 1, 6, { topics: [{ name: 'x' }] }));
    const res = decodeResponse<MetadataBody>(3, 1, (await c.read())!);
    expect(res.body.topics).toEqual([expect.objectContaining({ name: 'made-up', errorCode: 6 })]);
    c.close();
  });

  it('may rewrite the request before the handler sees it', async () => {
    behaviour = (_req, next) => next({ topics: [{ name: 'rewritten' }], allowAutoTopicCreation: false });
    const c = await RawClient.connect(port);
    c.socket.write(request(3, 4, 7, { topics: [{ name: 'original' }], allowAutoTopicCreation: false }));
    const res = decodeResponse<MetadataBody>(3, 4, (await c.read())!);
    expect(res.body.topics.map((t) => t.name)).toEqual(['rewritten']);
    c.close();
  });

  it('drops the connection by throwing CloseConnection', async () => {
    behaviour = async () => {
      throw new CloseConnection('fault injected');
    };
    const c = await RawClient.connect(port);
    c.socket.write(request(18, 0, 8, {}));
    expect(await c.read()).toBeNull();
    expect(await c.waitClosed()).toBe(true);
  });

  it('delays the answer while later requests wait their turn', async () => {
    behaviour = async (req, next) => {
      if (req.correlationId === 9) await new Promise((r) => setTimeout(r, 30));
      return next(req.body);
    };
    const c = await RawClient.connect(port);
    c.socket.write(Buffer.concat([request(18, 0, 9, {}), request(18, 0, 10, {})]));
    expect(decodeResponse(18, 0, (await c.read())!).correlationId).toBe(9);
    expect(decodeResponse(18, 0, (await c.read())!).correlationId).toBe(10);
    c.close();
  });
});
