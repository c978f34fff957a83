import { ApiKey } from '@kilgore/protocol';
import type { FaultMatch } from './faults.js';
import { partitionIndex, topicName } from './requests.js';

type Dict = Record<string, unknown>;
type Next = (body: unknown) => Promise<unknown>;

/** Where each per-partition API keeps its topics and partitions, in the request and the response. */
interface Shape {
  reqPartitions: string;
  resTopics: string;
  resPartitions: string;
  /** The partition entry of an error answer. */
  entry(partition: number, errorCode: number): Dict;
}

const SHAPES: Record<number, Shape> = {
  [ApiKey.Produce]: {
    reqPartitions: 'partitionData',
    resTopics: 'responses',
    resPartitions: 'partitionResponses',
    entry: (index, errorCode) => ({
      index,
      errorCode,
      baseOffset: -1n,
      logAppendTimeMs: -1n,
      logStartOffset: -1n,
    }),
  },
  [ApiKey.Fetch]: {
    reqPartitions: 'partitions',
    resTopics: 'responses',
    resPartitions: 'partitions',
    entry: (partitionIndex, errorCode) => ({
      partitionIndex,
      errorCode,
      highWatermark: -1n,
      lastStableOffset: -1n,
      logStartOffset: -1n,
      records: null,
    }),
  },
  [ApiKey.ListOffsets]: {
    reqPartitions: 'partitions',
    resTopics: 'topics',
    resPartitions: 'partitions',
    entry: (partitionIndex, errorCode) => ({ partitionIndex, errorCode, timestamp: -1n, offset: -1n }),
  },
};

/**
 * Answers a request with `errorCode` for what the fault matches. Produce, Fetch and ListOffsets
 * fail per partition: the matched partitions are taken out of the request (so a failed produce
 * never lands), the handler serves the rest, and error entries are added to its answer. Metadata
 * is served and then the matched topics carry the error. Any other API gets a body whose top-level
 * `errorCode` is set (what the group and producer-id APIs use).
 */
export async function errorAnswer(
  apiKey: number,
  body: unknown,
  match: FaultMatch,
  errorCode: number,
  next: Next,
  byId: (id: string) => string | undefined,
): Promise<unknown> {
  const shape = SHAPES[apiKey];
  if (shape !== undefined) return perPartition(shape, body as Dict, match, errorCode, next, byId);
  if (apiKey === ApiKey.Metadata) {
    const res = (await next(body)) as Dict | null;
    for (const t of (res?.topics as Dict[] | undefined) ?? []) {
      if (match.topic !== undefined && t.name !== match.topic) continue;
      if (match.partition === undefined) t.errorCode = errorCode;
      for (const p of (t.partitions as Dict[] | undefined) ?? []) {
        if (match.partition === undefined || p.partitionIndex === match.partition) p.errorCode = errorCode;
      }
    }
    return res;
  }
  return { errorCode };
}

async function perPartition(
  shape: Shape,
  body: Dict,
  match: FaultMatch,
  errorCode: number,
  next: Next,
  byId: (id: string) => string | undefined,
): Promise<unknown> {
  const topicsField = apiTopicsField(body);
  const kept: Dict[] = [];
  const failed: { topic: Dict; partitions: number[] }[] = [];
  for (const t of (body[topicsField] as Dict[] | undefined) ?? []) {
    const hit = match.topic === undefined || topicName(t, byId) === match.topic;
    const parts = (t[shape.reqPartitions] as unknown[] | undefined) ?? [];
    const isHit = (p: unknown) =>
      hit && (match.partition === undefined || partitionIndex(p) === match.partition);
    const stay = parts.filter((p) => !isHit(p));
    const gone = parts.filter(isHit).map((p) => partitionIndex(p) ?? -1);
    if (stay.length > 0) kept.push({ ...t, [shape.reqPartitions]: stay });
    if (gone.length > 0) failed.push({ topic: t, partitions: gone });
  }
  let res: Dict;
  if (kept.length > 0) {
    const served = (await next({ ...body, [topicsField]: kept })) as Dict | null;
    if (served === null) return null; // Produce acks=0: nothing is answered either way
    res = served;
  } else {
    if (body.acks === 0) return null;
    res = { [shape.resTopics]: [], errorCode: 0, sessionId: 0 };
  }
  const topics = [...((res[shape.resTopics] as Dict[] | undefined) ?? [])];
  for (const f of failed) {
    const entries = f.partitions.map((p) => shape.entry(p, errorCode));
    // Kafka answers each topic once: join the handler's entry for the topic if there is one.
    const i = topics.findIndex((t) => sameTopic(t, f.topic));
    if (i >= 0) {
      const t = topics[i]!;
      topics[i] = {
        ...t,
        [shape.resPartitions]: [...((t[shape.resPartitions] as Dict[]) ?? []), ...entries],
      };
      continue;
    }
    // Echo the request's topic identity (name and/or id) so the client can match the answer.
    const id: Dict = {};
    for (const k of ['name', 'topic', 'topicId']) if (f.topic[k] !== undefined) id[k] = f.topic[k];
    topics.push({ ...id, [shape.resPartitions]: entries });
  }
  return { ...res, [shape.resTopics]: topics };
}

function sameTopic(answer: Dict, request: Dict): boolean {
  for (const k of ['name', 'topic']) {
    if (typeof request[k] === 'string' && request[k] !== '' && answer[k] === request[k]) return true;
  }
  return (
    typeof request.topicId === 'string' &&
    answer.topicId === request.topicId &&
    request.topicId !== NO_TOPIC_ID
  );
}

const NO_TOPIC_ID = 'AAAAAAAAAAAAAAAAAAAAAA';

function apiTopicsField(body: Dict): string {
  return Array.isArray(body.topicData) ? 'topicData' : 'topics';
}
