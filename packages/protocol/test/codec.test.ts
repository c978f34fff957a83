import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import {
  decodeMessage,
  decodeRequest,
  decodeResponse,
  decodeResponseBody,
  encodeMessage,
  encodeRequest,
  encodeResponse,
  encodeResponseBody,
  UnsupportedVersionError,
} from '../src/codec/index.js';
import { EncodeError, Reader, Writer, ZERO_UUID } from '../src/primitives/index.js';
import type { ApiSchema } from '../src/schema/index.js';

const require = createRequire(import.meta.url);

/** kafkajs builds a whole request frame (size prefix included); we decode and re-encode it. */
async function kafkajsFrame(path: string, args: object, correlationId = 7): Promise<Buffer> {
  const build = require(`kafkajs/src/protocol/requests/${path}/request`) as (a: object) => unknown;
  const request = require('kafkajs/src/protocol/request') as (a: object) => Promise<{ buffer: Buffer }>;
  const encoder = await request({ correlationId, clientId: 'golden', request: build(args) });
  return encoder.buffer;
}

function roundTripsByteForByte(wire: Buffer): ReturnType<typeof decodeRequest> {
  const decoded = decodeRequest(wire.subarray(4));
  expect(Buffer.concat(encodeRequest(decoded)).equals(wire)).toBe(true);
  return decoded;
}

describe('golden client bytes (kafkajs 2.2.4, classic versions)', () => {
  it('Metadata v4', async () => {
    const wire = await kafkajsFrame('metadata/v4', { topics: ['a', 'bb'], allowAutoTopicCreation: false });
    const { header, body } = roundTripsByteForByte(wire);
    expect(header).toEqual({ apiKey: 3, apiVersion: 4, correlationId: 7, clientId: 'golden' });
    expect(body).toMatchObject({ topics: [{ name: 'a' }, { name: 'bb' }], allowAutoTopicCreation: false });
  });

  it('Fetch v11 with its fields in order', async () => {
    const wire = await kafkajsFrame('fetch/v11', {
      replicaId: -1,
      maxWaitTime: 500,
      minBytes: 1,
      maxBytes: 1048576,
      topics: [{ topic: 't', partitions: [{ partition: 2, fetchOffset: '42', maxBytes: 1024 }] }],
      rackId: 'r1',
    });
    const { body } = roundTripsByteForByte(wire);
    expect(body).toMatchObject({
      replicaId: -1,
      maxWaitMs: 500,
      minBytes: 1,
      maxBytes: 1048576,
      isolationLevel: 1,
      sessionId: 0,
      sessionEpoch: -1,
      topics: [{ topic: 't', partitions: [{ partition: 2, fetchOffset: 42n, partitionMaxBytes: 1024 }] }],
      rackId: 'r1',
    });
  });

  it('Produce v3: records stay a raw zero-copy slice', async () => {
    const wire = await kafkajsFrame('produce/v3', {
      acks: -1,
      timeout: 30000,
      topicData: [{ topic: 't', partitions: [{ partition: 0, messages: [{ key: 'k', value: 'v' }] }] }],
    });
    const frame = wire.subarray(4);
    const { body } = decodeRequest<{
      topicData: { partitionData: { records: Buffer }[] }[];
    }>(frame);
    const records = body.topicData[0]!.partitionData[0]!.records;
    expect(records.buffer).toBe(frame.buffer);
    expect(records.readInt8(16)).toBe(2); // magic of a v2 batch
    expect(Buffer.concat(encodeRequest(decodeRequest(frame))).equals(wire)).toBe(true);
  });

  it('ApiVersions v2', async () => {
    const wire = await kafkajsFrame('apiVersions/v2', {});
    const { header } = roundTripsByteForByte(wire);
    expect(header.apiKey).toBe(18);
  });
});

describe('golden client bytes (@platformatic/kafka, flexible versions)', () => {
  async function platformaticBody(path: string, ...args: unknown[]): Promise<Buffer> {
    // The package exports only its index; the per-version encoders sit beside it.
    const url = new URL(`../../../node_modules/@platformatic/kafka/dist/apis/${path}.js`, import.meta.url);
    const mod = (await import(url.href)) as {
      createRequest: (...a: unknown[]) => { buffer: Buffer };
    };
    return mod.createRequest(...args).buffer;
  }

  it('Metadata v12 request body decodes and re-encodes byte for byte', async () => {
    const bytes = await platformaticBody('metadata/metadata-v12', ['x', 'y'], true, false);
    const body = decodeMessage(schemaOf(3), 'request', 12, new Reader(bytes));
    expect(body).toMatchObject({
      topics: [
        { topicId: ZERO_UUID, name: 'x' },
        { topicId: ZERO_UUID, name: 'y' },
      ],
      allowAutoTopicCreation: true,
    });
    const w = new Writer();
    encodeMessage(schemaOf(3), 'request', 12, body, w);
    expect(w.toBuffer().equals(bytes)).toBe(true);
  });

  it('Fetch v17 request body', async () => {
    const topicId = '3c8a1b4e-7f3d-4d5e-9a2b-0c1d2e3f4a5b';
    const bytes = await platformaticBody(
      'consumer/fetch-v17',
      500,
      1,
      1000,
      0,
      0,
      -1,
      [
        {
          topicId,
          partitions: [
            {
              partition: 0,
              currentLeaderEpoch: 3,
              fetchOffset: 10n,
              lastFetchedEpoch: -1,
              logStartOffset: -1n,
              partitionMaxBytes: 100,
            },
          ],
        },
      ],
      [],
      'rack',
    );
    const body = decodeMessage<{ topics: { topicId: string }[] }>(
      schemaOf(1),
      'request',
      17,
      new Reader(bytes),
    );
    expect(Buffer.from(body.topics[0]!.topicId, 'base64url').toString('hex')).toBe(
      topicId.replaceAll('-', ''),
    );
    const w = new Writer();
    encodeMessage(schemaOf(1), 'request', 17, body, w);
    expect(w.toBuffer().equals(bytes)).toBe(true);
  });
});

import { schemaForApiKey } from '../src/messages/index.js';

function schemaOf(apiKey: number): ApiSchema {
  const s = schemaForApiKey(apiKey);
  if (s === undefined) throw new Error(`no schema for ${apiKey}`);
  return s;
}

describe('response framing', () => {
  it('ApiVersions v3 answers with response header v0 and a flexible body', () => {
    const chunks = encodeResponse(18, 3, 99, {
      errorCode: 0,
      apiKeys: [{ apiKey: 18, minVersion: 0, maxVersion: 4 }],
      throttleTimeMs: 0,
    });
    const wire = Buffer.concat(chunks);
    expect(wire.readInt32BE(0)).toBe(wire.length - 4);
    expect(wire.readInt32BE(4)).toBe(99);
    // Header v0: the body (error code 0) follows the correlation id directly, no tag byte.
    expect(wire.subarray(8, 10).toString('hex')).toBe('0000');
    expect(wire.subarray(10).toString('hex')).toBe(
      '02' + '0012' + '0000' + '0004' + '00' + '00000000' + '00',
    );
    const { correlationId, body } = decodeResponse(18, 3, wire.subarray(4));
    expect(correlationId).toBe(99);
    expect(body).toMatchObject({ errorCode: 0, apiKeys: [{ apiKey: 18, minVersion: 0, maxVersion: 4 }] });
  });

  it('flexible responses of other APIs carry header v1 (one tag byte)', () => {
    const wire = Buffer.concat(encodeResponse(3, 12, 5, {}));
    expect(wire.readInt32BE(4)).toBe(5);
    expect(wire[8]).toBe(0); // header tagged fields
  });

  it('missing fields take their defaults', () => {
    const buf = encodeResponseBody(3, 1, { brokers: [{ nodeId: 1, host: 'h', port: 9092 }] });
    const body = decodeResponseBody(3, 1, buf);
    expect(body).toMatchObject({
      brokers: [{ nodeId: 1, host: 'h', port: 9092, rack: null }],
      controllerId: -1,
      topics: [],
    });
  });
});

describe('unsupported APIs and versions', () => {
  it('throws UnsupportedVersionError, never a crash', () => {
    const frame = Buffer.alloc(12);
    frame.writeInt16BE(9999, 0);
    expect(() => decodeRequest(frame)).toThrow(UnsupportedVersionError);
    frame.writeInt16BE(3, 0);
    frame.writeInt16BE(999, 2);
    try {
      decodeRequest(frame);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(UnsupportedVersionError);
      expect(e).toMatchObject({ apiKey: 3, apiVersion: 999, knownApi: true });
    }
    expect(() => encodeResponseBody(3, -1, {})).toThrow(UnsupportedVersionError);
  });
});

/** A local schema exercising tagged fields, nullable structs and defaults at byte level. */
const TestSchema: ApiSchema = {
  name: 'Test',
  apiKey: 10_000,
  validVersions: '0-2',
  flexibleVersions: '1+',
  request: {
    fields: [
      { name: 'id', type: 'int32', versions: '0+' },
      { name: 'label', type: 'string', versions: '1+', nullableVersions: '1+', default: null },
      { name: 'epoch', type: 'int64', versions: '2+', default: -1n },
      {
        name: 'leader',
        type: 'Leader',
        versions: '1+',
        taggedVersions: '1+',
        tag: 1,
        fields: [
          { name: 'leaderId', type: 'int32', versions: '0+', default: -1 },
          { name: 'leaderEpoch', type: 'int32', versions: '0+', default: -1 },
        ],
      },
      {
        name: 'cluster',
        type: 'string',
        versions: '1+',
        taggedVersions: '1+',
        tag: 0,
        nullableVersions: '1+',
        default: null,
      },
      {
        name: 'maybe',
        type: 'Maybe',
        versions: '0+',
        nullableVersions: '0+',
        default: null,
        fields: [{ name: 'x', type: 'int8', versions: '0+' }],
      },
    ],
  },
  response: { fields: [] },
};

function enc(version: number, value: object): Buffer {
  const w = new Writer();
  encodeMessage(TestSchema, 'request', version, value, w);
  return w.toBuffer();
}

function dec(version: number, bytes: Buffer): Record<string, unknown> {
  const r = new Reader(bytes);
  const v = decodeMessage(TestSchema, 'request', version, r);
  expect(r.remaining).toBe(0);
  return v;
}

describe('struct layout rules', () => {
  it('v0: absent fields dropped on the wire and defaulted on decode; nullable struct has an int8 marker', () => {
    const bytes = enc(0, { id: 5, label: 'dropped', epoch: 9n, maybe: null });
    expect(bytes.toString('hex')).toBe('00000005' + 'ff');
    expect(dec(0, bytes)).toEqual({
      id: 5,
      label: null,
      epoch: -1n,
      leader: { leaderId: -1, leaderEpoch: -1 },
      cluster: null,
      maybe: null,
    });
    expect(enc(0, { id: 1, maybe: { x: 3 } }).toString('hex')).toBe('00000001' + '01' + '03');
  });

  it('v1: tagged fields only when not default, ascending by tag; structs end with tags', () => {
    const none = enc(1, { id: 1, label: 'ab', maybe: { x: 2 } });
    // id, compact "ab", marker, x, struct tags, top tags (none)
    expect(none.toString('hex')).toBe('00000001' + '03' + '6162' + '01' + '02' + '00' + '00');
    const both = enc(1, { id: 1, label: null, leader: { leaderId: 2, leaderEpoch: 3 }, cluster: 'c' });
    expect(both.toString('hex')).toBe(
      '00000001' +
        '00' +
        'ff' +
        '02' +
        ('00' + '02' + '0263') +
        ('01' + '09' + '00000002' + '00000003' + '00'),
    );
    expect(dec(1, both)).toMatchObject({ leader: { leaderId: 2, leaderEpoch: 3 }, cluster: 'c' });
  });

  it('keeps unknown tags raw and re-emits them in tag order', () => {
    const bytes = Buffer.from(
      '00000001' + '00' + 'ff' + '03' + ('00' + '02' + '0263') + ('05' + '01' + 'aa') + ('07' + '00'),
      'hex',
    );
    const value = dec(1, bytes);
    expect(value.cluster).toBe('c');
    expect(value.unknownTaggedFields).toEqual([
      { tag: 5, data: Buffer.from('aa', 'hex') },
      { tag: 7, data: Buffer.alloc(0) },
    ]);
    expect(enc(1, value).equals(bytes)).toBe(true);
  });

  it('a nullable struct in a tagged field uses a varint marker (Kafka quirk)', () => {
    const schema: ApiSchema = {
      ...TestSchema,
      request: {
        fields: [
          {
            name: 's',
            type: 'S',
            versions: '1+',
            taggedVersions: '1+',
            tag: 0,
            nullableVersions: '1+',
            fields: [{ name: 'x', type: 'int8', versions: '0+' }],
          },
        ],
      },
    };
    const w = new Writer();
    encodeMessage(schema, 'request', 1, { s: null }, w);
    // The default is an empty struct, so null differs from it and is written: marker 0.
    expect(w.toBuffer().toString('hex')).toBe('01' + '00' + '01' + '00');
    expect(decodeMessage(schema, 'request', 1, new Reader(w.toBuffer()))).toEqual({ s: null });
  });

  it('refuses null for a non-nullable field when encoding', () => {
    expect(() => enc(1, { id: 1, leader: null })).toThrow(EncodeError);
    expect(() => encodeResponseBody(3, 1, { brokers: [{ nodeId: 1, host: null, port: 1 }] })).toThrow(
      EncodeError,
    );
  });
});
