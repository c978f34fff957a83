/**
 * One full capture: start the capture broker, run each real client against it, check that the
 * clients got back what they sent, and pick the frames that become golden fixtures.
 */
import { isDeepStrictEqual } from 'node:util';
import { decodeRequest, decodeResponse } from '../../src/index.js';
import { CaptureBroker, type CapturedFrame } from './broker.js';
import { runKafkajs } from './kafkajs-driver.js';
import { runKcat } from './kcat-driver.js';
import { type Codec, type GoldenBatch, type GoldenRecord, KAFKAJS_BATCHES, KCAT_BATCHES } from './records.js';

const API_NAMES: Record<number, string> = {
  0: 'produce',
  1: 'fetch',
  2: 'listoffsets',
  3: 'metadata',
  18: 'apiversions',
};

export interface ManifestEntry {
  file: string;
  client: string;
  api: string;
  apiKey: number;
  apiVersion: number;
  direction: 'request' | 'response';
  /** Request header version (1 or 2) or response header version (0 or 1). */
  headerVersion: number;
  correlationId: number;
  /** Compression codec of the record batch (Produce requests). */
  compression?: Codec;
  /**
   * The records the frame carries: for a Produce request, the one batch that was sent; for a
   * Fetch response, every record of the partition in offset order.
   */
  records?: GoldenRecord[];
}

export interface Fixture {
  entry: ManifestEntry;
  bytes: Buffer;
}

interface Pick {
  client: string;
  step: string;
  apiKey: number;
  /** Distinguishes fixtures of one API and version (the codec of a Produce). */
  suffix?: string;
  compression?: Codec;
  requestRecords?: GoldenRecord[];
  responseRecords?: GoldenRecord[];
  /** Which of several exchanges of this API in the step to keep (default: the first). */
  match?: (request: CapturedFrame, response: CapturedFrame) => boolean;
}

/** kcat -L first asks for no topics (to learn the brokers), then for all (null): keep the latter. */
function asksForAllTopics(request: CapturedFrame): boolean {
  return decodeRequest(request.bytes).body.topics === null;
}

/** The Fetch worth keeping is the one whose response carried records. */
function returnedRecords(_request: CapturedFrame, response: CapturedFrame): boolean {
  const { body } = decodeResponse(response.apiKey, response.apiVersion, response.bytes);
  const topics = body.responses as Array<{ partitions: Array<{ records: Buffer | null }> }>;
  return topics.some((t) => t.partitions.some((p) => p.records !== null && p.records.length > 0));
}

function plain(records: GoldenRecord[]): GoldenRecord[] {
  return records.map(({ key, value }) => ({ key, value, headers: [] }));
}

function picksFor(client: string, batches: GoldenBatch[], metadataStep: string, fetchStep: string): Pick[] {
  const all = batches.flatMap((b) => b.records);
  const firstStep = client === 'kcat' ? metadataStep : `produce-${batches[0]?.compression}`;
  const picks: Pick[] = [
    { client, step: firstStep, apiKey: 18 },
    { client, step: metadataStep, apiKey: 3, ...(client === 'kcat' ? { match: asksForAllTopics } : {}) },
    ...batches.map((b) => ({
      client,
      step: `produce-${b.compression}`,
      apiKey: 0,
      suffix: b.compression,
      compression: b.compression,
      requestRecords: b.records,
    })),
    { client, step: fetchStep, apiKey: 1, responseRecords: all, match: returnedRecords },
  ];
  if (client === 'kcat') picks.push({ client, step: fetchStep, apiKey: 2 });
  return picks;
}

function select(frames: CapturedFrame[], pick: Pick): Fixture[] {
  const candidates = frames.filter(
    (f) =>
      f.client === pick.client &&
      f.step === pick.step &&
      f.apiKey === pick.apiKey &&
      f.direction === 'request',
  );
  const request = candidates.find((req) => {
    const res = responseTo(frames, req);
    return res !== undefined && (pick.match === undefined || pick.match(req, res));
  });
  if (request === undefined) {
    throw new Error(`capture: ${pick.client} sent no api ${pick.apiKey} request during "${pick.step}"`);
  }
  const response = responseTo(frames, request);
  if (response === undefined) throw new Error(`capture: no response to ${pick.client} api ${pick.apiKey}`);
  const api = API_NAMES[pick.apiKey] ?? `api${pick.apiKey}`;
  const base = `${pick.client}-${api}-v${request.apiVersion}${pick.suffix ? `-${pick.suffix}` : ''}`;
  return [request, response].map((frame) => {
    const entry: ManifestEntry = {
      file: `${base}-${frame.direction}.bin`,
      client: pick.client,
      api,
      apiKey: frame.apiKey,
      apiVersion: frame.apiVersion,
      direction: frame.direction,
      headerVersion: frame.headerVersion,
      correlationId: frame.correlationId,
    };
    if (frame.direction === 'request' && pick.compression) entry.compression = pick.compression;
    const records = frame.direction === 'request' ? pick.requestRecords : pick.responseRecords;
    if (records) entry.records = records;
    return { entry, bytes: frame.bytes };
  });
}

function responseTo(frames: CapturedFrame[], request: CapturedFrame): CapturedFrame | undefined {
  return frames.find(
    (f) =>
      f.direction === 'response' &&
      f.connection === request.connection &&
      f.correlationId === request.correlationId,
  );
}

function expectRecords(client: string, got: GoldenRecord[], want: GoldenRecord[]): void {
  if (!isDeepStrictEqual(got, want)) {
    throw new Error(
      `capture: ${client} read back other records than it produced:\n got ${JSON.stringify(got)}\nwant ${JSON.stringify(want)}`,
    );
  }
}

export interface CaptureOptions {
  kcatBin: string;
}

/** Runs every client and returns the fixtures; throws if any client did not round-trip. */
export async function captureGolden(options: CaptureOptions): Promise<Fixture[]> {
  const broker = await CaptureBroker.start();
  const fixtures: Fixture[] = [];
  try {
    const kafkajs = await runKafkajs(broker.port, (step) => broker.label('kafkajs', step));
    expectRecords(
      'kafkajs',
      kafkajs.fetched,
      KAFKAJS_BATCHES.flatMap((b) => b.records),
    );
    for (const pick of picksFor('kafkajs', KAFKAJS_BATCHES, 'produce-none', 'fetch')) {
      fixtures.push(...select(broker.frames, pick));
    }
    if (broker.problems.length > 0) throw new Error(`capture: ${broker.problems.join('; ')}`);
  } finally {
    await broker.stop();
  }

  // A fresh broker (empty log) per client, so each Fetch returns exactly that client's records.
  const kcatBroker = await CaptureBroker.start();
  try {
    const kcat = await runKcat(options.kcatBin, kcatBroker.port, KCAT_BATCHES, (step) =>
      kcatBroker.label('kcat', step),
    );
    if (!kcat.listing.includes('"golden"'))
      throw new Error(`capture: kcat -L did not list "golden":\n${kcat.listing}`);
    expectRecords('kcat', kcat.consumed, plain(KCAT_BATCHES.flatMap((b) => b.records)));
    for (const pick of picksFor('kcat', KCAT_BATCHES, 'list', 'consume')) {
      fixtures.push(...select(kcatBroker.frames, pick));
    }
    if (kcatBroker.problems.length > 0) throw new Error(`capture: ${kcatBroker.problems.join('; ')}`);
  } finally {
    await kcatBroker.stop();
  }
  return fixtures;
}
