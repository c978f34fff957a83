import { readFileSync } from 'node:fs';
import { decodeRequest, decodeResponse, encodeRequest, encodeResponse } from '@kilgore/protocol';
import { describe, expect, it } from 'vitest';
import { captureGolden, type ManifestEntry } from '../packages/protocol/scripts/golden/capture.js';
import { requireTool } from './support/tools.js';

/**
 * Runs the golden capture (packages/protocol/scripts/capture-golden.ts) for real: kafkajs and
 * kcat against the capturing stand-in broker, in memory, nothing written. It proves the harness
 * still works with today's codec (a client that cannot finish fails the capture), and that what
 * the clients send today has the same shape as the checked-in fixtures: same files, same API
 * versions, same records. Bytes may differ (librdkafka stamps the time into its batches).
 */

const manifestUrl = new URL('../packages/protocol/test/fixtures/golden/manifest.json', import.meta.url);
const checkedIn = (JSON.parse(readFileSync(manifestUrl, 'utf8')) as { fixtures: ManifestEntry[] }).fixtures;

/** What must stay stable between captures: everything but correlation ids. */
function shape(e: ManifestEntry): Omit<ManifestEntry, 'correlationId'> {
  const { correlationId: _ignored, ...rest } = e;
  return rest;
}

describe('golden capture against real kafkajs and kcat', () => {
  it('captures the same fixture set as the checked-in one, and every frame round-trips', async () => {
    const kcat = requireTool('/usr/bin/kcat', 'kcat');
    const fixtures = await captureGolden({ kcatBin: kcat });

    expect(fixtures.map((f) => shape(f.entry))).toEqual(checkedIn.map(shape));
    for (const { entry, bytes } of fixtures) {
      const encoded =
        entry.direction === 'request'
          ? encodeRequest(decodeRequest(bytes))
          : (() => {
              const { correlationId, body } = decodeResponse(entry.apiKey, entry.apiVersion, bytes);
              return encodeResponse(entry.apiKey, entry.apiVersion, correlationId, body);
            })();
      expect(Buffer.concat(encoded).subarray(4).toString('hex'), entry.file).toBe(bytes.toString('hex'));
    }
  });
});
