import { ApiKey } from '@kilgore/protocol';

/** A topic a request names, with the partitions it names (empty when it names none). */
export interface RequestTopic {
  name: string;
  partitions: number[];
}

/** One request the broker received, for assertions (`broker.requests`). */
export interface RecordedRequest {
  apiKey: number;
  /** Kafka's name for the API (`Produce`, `Fetch`, ...), or `api-<key>`. */
  apiName: string;
  apiVersion: number;
  clientId: string | null;
  correlationId: number;
  topics: RequestTopic[];
}

const names = new Map<number, string>(Object.entries(ApiKey).map(([name, key]) => [key, name]));

export function apiName(apiKey: number): string {
  return names.get(apiKey) ?? `api-${apiKey}`;
}

type Dict = Record<string, unknown>;
const isDict = (v: unknown): v is Dict => typeof v === 'object' && v !== null && !Buffer.isBuffer(v);

// Topic arrays and partition arrays go by a handful of names across the Kafka schemas
// (Produce: topicData/partitionData, Fetch: topics/partitions, OffsetFetch: partitionIndexes...).
const TOPIC_ARRAYS = ['topics', 'topicData', 'topicNames'] as const;
const PARTITION_ARRAYS = ['partitions', 'partitionData', 'partitionIndexes'] as const;
const NO_TOPIC_ID = 'AAAAAAAAAAAAAAAAAAAAAA';

/**
 * The topics and partitions a decoded request body names, read the same way for every API.
 * Requests that name topics only by id (Fetch v13+, Produce v13+) are resolved with `byId`.
 */
export function requestTopics(body: unknown, byId: (id: string) => string | undefined): RequestTopic[] {
  if (!isDict(body)) return [];
  const out: RequestTopic[] = [];
  for (const field of TOPIC_ARRAYS) {
    const list = body[field];
    if (!Array.isArray(list)) continue;
    for (const entry of list) {
      const name = topicName(entry, byId);
      if (name !== undefined) out.push({ name, partitions: isDict(entry) ? partitionsOf(entry) : [] });
    }
  }
  return out;
}

export function topicName(entry: unknown, byId: (id: string) => string | undefined): string | undefined {
  if (typeof entry === 'string') return entry;
  if (!isDict(entry)) return undefined;
  for (const k of ['name', 'topic']) {
    const v = entry[k];
    if (typeof v === 'string' && v !== '') return v;
  }
  const id = entry.topicId;
  return typeof id === 'string' && id !== NO_TOPIC_ID ? (byId(id) ?? id) : undefined;
}

export function partitionsOf(entry: Dict): number[] {
  for (const k of PARTITION_ARRAYS) {
    const list = entry[k];
    if (Array.isArray(list)) return list.map(partitionIndex).filter((p): p is number => p !== undefined);
  }
  return [];
}

export function partitionIndex(p: unknown): number | undefined {
  if (typeof p === 'number') return p;
  if (!isDict(p)) return undefined;
  for (const k of ['index', 'partition', 'partitionIndex']) {
    const v = p[k];
    if (typeof v === 'number') return v;
  }
  return undefined;
}
