import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeRequestHeader,
  decodeResponseHeader,
  encodeRequestHeader,
  encodeResponseHeader,
  peekRequestApi,
  type RequestHeaderVersion,
  requestHeaderVersion,
  responseHeaderVersion,
} from '../src/header/index.js';
import { DecodeError, Reader, Writer } from '../src/primitives/index.js';

describe('request header', () => {
  it('round trips v0, v1 and v2', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -32768, max: 32767 }),
        fc.integer({ min: -32768, max: 32767 }),
        fc.integer({ min: -0x80000000, max: 0x7fffffff }),
        fc.option(fc.string({ maxLength: 30 }), { nil: null }),
        fc.constantFrom<RequestHeaderVersion>(0, 1, 2),
        (apiKey, apiVersion, correlationId, clientId, version) => {
          const w = new Writer();
          const header = { apiKey, apiVersion, correlationId, clientId: version === 0 ? null : clientId };
          encodeRequestHeader(w, header, version);
          const buf = w.toBuffer();
          const r = new Reader(buf);
          expect(decodeRequestHeader(r, version)).toEqual(header);
          expect(r.remaining).toBe(0);
          expect(peekRequestApi(buf)).toEqual({ apiKey, apiVersion, correlationId });
        },
      ),
    );
  });

  it('v2 keeps client_id a classic int16-length string and skips header tags', () => {
    const buf = Buffer.from(
      '0012' + '0003' + '00000007' + '0002' + '6b6a' + '01' + '05' + '01' + 'ff',
      'hex',
    );
    const r = new Reader(buf);
    expect(decodeRequestHeader(r, 2)).toEqual({
      apiKey: 18,
      apiVersion: 3,
      correlationId: 7,
      clientId: 'kj',
    });
    expect(r.remaining).toBe(0);
  });

  it('peekRequestApi needs 8 bytes', () => {
    expect(() => peekRequestApi(Buffer.alloc(7))).toThrow(DecodeError);
  });
});

describe('response header', () => {
  it('round trips v0 and v1', () => {
    for (const version of [0, 1] as const) {
      const w = new Writer();
      encodeResponseHeader(w, -5, version);
      expect(w.length).toBe(version === 0 ? 4 : 5);
      expect(decodeResponseHeader(new Reader(w.toBuffer()), version)).toEqual({ correlationId: -5 });
    }
  });
});

describe('header versions follow the schema registry', () => {
  it('request header: 2 when flexible, 1 otherwise, 0 for ControlledShutdown v0', () => {
    expect(requestHeaderVersion(18, 2)).toBe(1);
    expect(requestHeaderVersion(18, 3)).toBe(2);
    // Above the supported range ApiVersions still parses with the flexible header.
    expect(requestHeaderVersion(18, 77)).toBe(2);
    expect(requestHeaderVersion(3, 8)).toBe(1);
    expect(requestHeaderVersion(3, 9)).toBe(2);
    expect(requestHeaderVersion(0, 9)).toBe(2);
    expect(requestHeaderVersion(7, 0)).toBe(0);
    expect(requestHeaderVersion(9999, 0)).toBe(1);
  });

  it('response header: ApiVersions always 0, others 1 when flexible', () => {
    expect(responseHeaderVersion(18, 3)).toBe(0);
    expect(responseHeaderVersion(18, 4)).toBe(0);
    expect(responseHeaderVersion(3, 9)).toBe(1);
    expect(responseHeaderVersion(3, 8)).toBe(0);
    expect(responseHeaderVersion(1, 12)).toBe(1);
  });
});
