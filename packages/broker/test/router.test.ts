import { Broker, loadConfig } from '@kilgore/broker';
import { decodeResponse, encodeRequest } from '@kilgore/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawClient } from './helpers.js';
import { tempDir } from './temp-dir.js';

let broker: Broker;
let port: number;

beforeAll(async () => {
  const logDir = tempDir('kilgore-router-');
  const { config } = loadConfig({
    flags: { listeners: 'PLAINTEXT://127.0.0.1:0', 'log.dirs': logDir, 'logger.level': 'silent' },
  });
  broker = await Broker.start({ config });
  port = broker.listeners[0]!.boundPort;
});
afterAll(async () => {
  await broker?.stop();
});

function request(apiKey: number, apiVersion: number, correlationId: number, body: object): Buffer {
  return Buffer.concat(
    encodeRequest({ header: { apiKey, apiVersion, correlationId, clientId: 'test' }, body }),
  );
}

interface ApiVersionsBody {
  errorCode: number;
  apiKeys: { apiKey: number; minVersion: number; maxVersion: number }[];
}

describe('router', () => {
  it.each([0, 1, 2, 3, 4])('answers ApiVersions v%i with the advertised ranges', async (v) => {
    const c = await RawClient.connect(port);
    c.socket.write(request(18, v, 7, { clientSoftwareName: 'test', clientSoftwareVersion: '1' }));
    const res = decodeResponse<ApiVersionsBody>(18, v, (await c.read())!);
    expect(res.correlationId).toBe(7);
    expect(res.body.errorCode).toBe(0);
    expect(res.body.apiKeys).toContainEqual({ apiKey: 18, minVersion: 0, maxVersion: 4 });
    expect(res.body.apiKeys).toContainEqual({ apiKey: 3, minVersion: 0, maxVersion: 13 });
    c.close();
  });

  it('answers an unknown ApiVersions version with error 35 and a v0 body naming {18, 0, max}', async () => {
    const c = await RawClient.connect(port);
    // v127 with a flexible (v2) header and a body the broker must not try to parse.
    const frame = Buffer.from([0, 18, 0, 127, 0, 0, 0, 9, 0, 4, 0x74, 0x65, 0x73, 0x74, 0, 0xff, 0xff, 0xff]);
    c.send(frame);
    const raw = (await c.read())!;
    // Header v0 (correlation id) + v0 body: error_code, int32 count, one {key, min, max}.
    expect(raw.length).toBe(4 + 2 + 4 + 6);
    const res = decodeResponse<ApiVersionsBody>(18, 0, raw);
    expect(res.correlationId).toBe(9);
    expect(res.body).toMatchObject({
      errorCode: 35,
      apiKeys: [{ apiKey: 18, minVersion: 0, maxVersion: 4 }],
    });
    // The connection stays usable: the client retries with a version it now knows.
    c.socket.write(request(18, 3, 10, { clientSoftwareName: 'test', clientSoftwareVersion: '1' }));
    expect(decodeResponse<ApiVersionsBody>(18, 3, (await c.read())!).body.errorCode).toBe(0);
    c.close();
  });

  it('closes the connection on an unsupported version of another API', async () => {
    const c = await RawClient.connect(port);
    c.send(Buffer.from([0, 3, 0, 99, 0, 0, 0, 1, 0, 0]));
    expect(await c.read()).toBeNull();
  });

  it('closes the connection on an unknown api key', async () => {
    const c = await RawClient.connect(port);
    c.send(Buffer.from([0x7f, 0x00, 0, 0, 0, 0, 0, 1, 0, 0]));
    expect(await c.read()).toBeNull();
  });

  it('closes only the connection that sends a malformed body', async () => {
    const bad = await RawClient.connect(port);
    const good = await RawClient.connect(port);
    // Metadata v1 whose topic array claims 1000 entries but ends at once.
    bad.send(Buffer.from([0, 3, 0, 1, 0, 0, 0, 1, 0xff, 0xff, 0, 0, 0x03, 0xe8]));
    expect(await bad.read()).toBeNull();
    // A frame too short to hold a header closes too.
    const tiny = await RawClient.connect(port);
    tiny.send(Buffer.from([0, 18]));
    expect(await tiny.read()).toBeNull();
    good.socket.write(request(18, 0, 1, {}));
    expect(decodeResponse<ApiVersionsBody>(18, 0, (await good.read())!).body.errorCode).toBe(0);
    good.close();
  });

  it('answers pipelined requests of different APIs in order', async () => {
    const c = await RawClient.connect(port);
    // kafka-python sends ApiVersions v0 and Metadata v0 back to back.
    c.socket.write(
      Buffer.concat([request(18, 0, 1, {}), request(3, 0, 2, { topics: [] }), request(18, 2, 3, {})]),
    );
    expect(decodeResponse(18, 0, (await c.read())!).correlationId).toBe(1);
    const meta = decodeResponse<{ brokers: { nodeId: number; port: number }[] }>(3, 0, (await c.read())!);
    expect(meta.correlationId).toBe(2);
    expect(meta.body.brokers).toEqual([{ nodeId: 1, host: '127.0.0.1', port, rack: null }]);
    expect(decodeResponse(18, 2, (await c.read())!).correlationId).toBe(3);
    c.close();
  });

  it('serves Metadata v12 with stable topic ids and looks topics up by id', async () => {
    const c = await RawClient.connect(port);
    const ask = (v: number, id: number, topics: object[] | null) =>
      request(3, v, id, {
        topics,
        allowAutoTopicCreation: true,
        includeClusterAuthorizedOperations: false,
        includeTopicAuthorizedOperations: false,
      });
    c.socket.write(ask(12, 1, [{ topicId: 'AAAAAAAAAAAAAAAAAAAAAA', name: 'by-id' }]));
    type Meta = {
      topics: { errorCode: number; name: string | null; topicId: string; partitions: unknown[] }[];
    };
    const created = decodeResponse<Meta>(3, 12, (await c.read())!).body.topics[0]!;
    expect(created).toMatchObject({ errorCode: 0, name: 'by-id' });
    c.socket.write(ask(12, 2, [{ topicId: created.topicId, name: null }]));
    expect(decodeResponse<Meta>(3, 12, (await c.read())!).body.topics[0]).toMatchObject({
      errorCode: 0,
      name: 'by-id',
      topicId: created.topicId,
    });
    c.socket.write(ask(12, 3, [{ topicId: 'AAAAAAAAAAAAAAAAAAAAAQ', name: null }]));
    expect(decodeResponse<Meta>(3, 12, (await c.read())!).body.topics[0]?.errorCode).toBe(100);
    c.socket.write(ask(12, 4, [{ topicId: 'AAAAAAAAAAAAAAAAAAAAAA', name: 'no way' }]));
    expect(decodeResponse<Meta>(3, 12, (await c.read())!).body.topics[0]?.errorCode).toBe(17);
    // The Java Admin client asks by id with its default name "": the id decides, as in Kafka.
    c.socket.write(ask(12, 5, [{ topicId: created.topicId, name: '' }]));
    expect(decodeResponse<Meta>(3, 12, (await c.read())!).body.topics).toMatchObject([
      { errorCode: 0, name: 'by-id', topicId: created.topicId },
    ]);
    c.socket.write(ask(12, 6, [{ topicId: 'AAAAAAAAAAAAAAAAAAAAAQ', name: '' }]));
    expect(decodeResponse<Meta>(3, 12, (await c.read())!).body.topics).toMatchObject([
      { errorCode: 100, name: null, topicId: 'AAAAAAAAAAAAAAAAAAAAAQ' },
    ]);
    c.close();
  });

  it('describes the cluster (DescribeCluster v0-2)', async () => {
    const c = await RawClient.connect(port);
    for (const v of [0, 1, 2]) {
      c.socket.write(
        request(60, v, v, {
          includeClusterAuthorizedOperations: true,
          endpointType: 1,
          includeFencedBrokers: false,
        }),
      );
      const res = decodeResponse<{
        errorCode: number;
        controllerId: number;
        brokers: { brokerId: number; port: number }[];
      }>(60, v, (await c.read())!);
      expect(res.body).toMatchObject({ errorCode: 0, controllerId: 1, brokers: [{ brokerId: 1, port }] });
    }
    c.close();
  });
});
