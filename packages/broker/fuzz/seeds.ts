import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type ApiSchema,
  apiSchemas,
  decodeRequest,
  encodeRequest,
  type ProduceRequest,
  versionBounds,
} from '@kilgore/protocol';
import type { Rng } from './rng.js';
import { randomBody } from './values.js';

/** Requests real clients sent (kafkajs, librdkafka), captured by the protocol package. */
const GOLDEN_DIR = fileURLToPath(new URL('../../protocol/test/fixtures/golden/', import.meta.url));

/** The golden request frames (bytes after the size prefix). */
export function goldenRequests(): Buffer[] {
  return readdirSync(GOLDEN_DIR)
    .filter((f) => f.endsWith('-request.bin'))
    .sort()
    .map((f) => readFileSync(join(GOLDEN_DIR, f)));
}

/** The record batches inside golden Produce requests (every codec the clients used). */
export function goldenRecordBatches(golden: readonly Buffer[]): Buffer[] {
  const out: Buffer[] = [];
  for (const frame of golden) {
    const { header, body } = decodeRequest(frame);
    if (header.apiKey !== 0) continue;
    for (const t of (body as unknown as ProduceRequest).topicData) {
      for (const p of t.partitionData) if (p.records) out.push(Buffer.from(p.records));
    }
  }
  return out;
}

/**
 * Seeds: the golden frames, then `perVersion` random valid encodings of every request schema at
 * every version the codec knows (so every API and version is reached, not only the captured ones).
 */
export function buildSeeds(rng: Rng, perVersion: number): Buffer[] {
  const golden = goldenRequests();
  const records = goldenRecordBatches(golden);
  const seeds = [...golden];
  for (const [schema, v] of everyVersion()) {
    for (let i = 0; i < perVersion; i++) {
      const frame = encodeSeed(schema, v, rng, records);
      if (frame) seeds.push(frame);
    }
  }
  return seeds;
}

/**
 * Fresh well-formed requests with random field values (any API, any version): they pass the
 * decoder, so every one of them exercises a handler, where mutated frames mostly stop early.
 */
export function freshRequests(): (rng: Rng) => Buffer | null {
  const records = goldenRecordBatches(goldenRequests());
  const all = everyVersion();
  return (rng) => {
    const [schema, v] = rng.pick(all);
    return encodeSeed(schema, v, rng, records);
  };
}

function everyVersion(): [ApiSchema, number][] {
  const out: [ApiSchema, number][] = [];
  for (const schema of apiSchemas) {
    const bounds = versionBounds(schema.validVersions);
    if (!bounds) continue;
    for (let v = bounds.min; v <= bounds.max; v++) out.push([schema, v]);
  }
  return out;
}

function encodeSeed(schema: ApiSchema, version: number, rng: Rng, records: readonly Buffer[]): Buffer | null {
  const header = {
    apiKey: schema.apiKey,
    apiVersion: version,
    correlationId: rng.u32() | 0,
    clientId: rng.pick(['fuzz', null, 'writer', '']),
  };
  try {
    return Buffer.concat(encodeRequest({ header, body: randomBody(schema, rng, records) })).subarray(4);
  } catch {
    // A random value the encoder refuses (too long for its type, ...): simply not a seed.
    return null;
  }
}
