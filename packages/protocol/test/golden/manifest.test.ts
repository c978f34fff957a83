import { describe, expect, it } from 'vitest';
import { binFiles, manifest } from './fixtures.js';

/**
 * The fixture set itself: every client/API/version the issue asks for is there, with both
 * directions, and the manifest and the directory agree. A recapture that silently lost a
 * fixture (a client changed what it sends) fails here rather than shrinking the other tests.
 */

const EXPECTED = [
  'kafkajs-apiversions-v2',
  'kafkajs-metadata-v6',
  'kafkajs-produce-v7-none',
  'kafkajs-produce-v7-gzip',
  'kafkajs-fetch-v11',
  'kcat-apiversions-v3',
  'kcat-metadata-v4',
  'kcat-produce-v7-none',
  'kcat-produce-v7-gzip',
  'kcat-produce-v7-snappy',
  'kcat-produce-v7-lz4',
  'kcat-produce-v7-zstd',
  'kcat-fetch-v11',
  'kcat-listoffsets-v2',
];

describe('golden fixture set', () => {
  it('has a request and a response for every client/API/version', () => {
    const names = manifest.map((e) => e.file).sort();
    const want = EXPECTED.flatMap((base) => [`${base}-request.bin`, `${base}-response.bin`]).sort();
    expect(names).toEqual(want);
  });

  it('lists exactly the .bin files on disk', () => {
    expect([...binFiles].sort()).toEqual(manifest.map((e) => e.file).sort());
  });

  it('names each file after its entry', () => {
    for (const e of manifest) {
      expect(e.file.startsWith(`${e.client}-${e.api}-v${e.apiVersion}`)).toBe(true);
      expect(e.file.endsWith(`-${e.direction}.bin`)).toBe(true);
    }
  });

  it('pairs each request with a response of the same correlation id', () => {
    for (const req of manifest.filter((e) => e.direction === 'request')) {
      const res = manifest.find((e) => e.file === req.file.replace('-request.bin', '-response.bin'));
      expect(res?.correlationId).toBe(req.correlationId);
    }
  });

  it('lists the records of every Produce request and Fetch response', () => {
    for (const e of manifest) {
      const carries =
        (e.api === 'produce' && e.direction === 'request') ||
        (e.api === 'fetch' && e.direction === 'response');
      expect(e.records !== undefined && e.records.length > 0).toBe(carries);
    }
  });
});
