import {
  ApiKey,
  type ApiSchema,
  apiSchemas,
  type FieldSpec,
  isPrimitiveType,
  schemaForApiKey,
} from '@kilgore/protocol';
import { describe, expect, it } from 'vitest';

// ---------------------------------------------------------------------------------------------
// Helpers: version ranges as sets, and walking a schema's fields.

const MAX = 100;

/** Kafka's "3+", "3-7", "5", "none" as an explicit list (open ranges end at `max`). */
function versionsOf(range: string, max = MAX): number[] {
  if (range === 'none') return [];
  const plus = /^(\d+)\+$/.exec(range);
  const span = /^(\d+)-(\d+)$/.exec(range);
  const one = /^(\d+)$/.exec(range);
  let lo: number;
  let hi: number;
  if (plus) [lo, hi] = [Number(plus[1]), max];
  else if (span) [lo, hi] = [Number(span[1]), Number(span[2])];
  else if (one) [lo, hi] = [Number(one[1]), Number(one[1])];
  else throw new Error(`not a version range: ${JSON.stringify(range)}`);
  if (lo > hi) throw new Error(`empty version range: ${range}`);
  const out: number[] = [];
  for (let v = lo; v <= hi; v++) out.push(v);
  return out;
}

function validOf(schema: ApiSchema): number[] {
  return versionsOf(schema.validVersions);
}

/** The field's versions, cut to the API's valid versions. */
function fieldVersions(schema: ApiSchema, range: string): number[] {
  const valid = new Set(validOf(schema));
  return versionsOf(range, Math.max(...valid)).filter((v) => valid.has(v));
}

const isSubset = (a: number[], b: number[]): boolean => {
  const set = new Set(b);
  return a.every((v) => set.has(v));
};

interface Visit {
  path: string;
  field: FieldSpec;
  parentVersions: number[];
  siblings: FieldSpec[];
}

function walk(schema: ApiSchema, fn: (visit: Visit) => void): void {
  const go = (fields: FieldSpec[], path: string, parentVersions: number[]) => {
    for (const field of fields) {
      const p = `${path}.${field.name}`;
      fn({ path: p, field, parentVersions, siblings: fields });
      if (field.fields) go(field.fields, p, fieldVersions(schema, field.versions));
    }
  };
  go(schema.request.fields, `${schema.name}Request`, validOf(schema));
  go(schema.response.fields, `${schema.name}Response`, validOf(schema));
}

const NULLABLE_PRIMITIVES = new Set(['string', 'bytes', 'records']);

const elementType = (type: string): string => (type.startsWith('[]') ? type.slice(2) : type);
const isStructType = (type: string): boolean => !isPrimitiveType(elementType(type));

function schemaNamed(name: string): ApiSchema {
  const schema = apiSchemas.find((s) => s.name === name);
  if (!schema) throw new Error(`no schema named ${name}`);
  return schema;
}

/** The fields of a struct (given by a path of field names) that are on the wire at `version`. */
function fieldsAt(
  schema: ApiSchema,
  side: 'request' | 'response',
  version: number,
  path: string[] = [],
): FieldSpec[] {
  let fields = schema[side].fields;
  for (const name of path) {
    const next = fields.find((f) => f.name === name);
    if (!next?.fields) throw new Error(`${schema.name} ${side}: no struct ${path.join('.')}`);
    fields = next.fields;
  }
  return fields.filter((f) => fieldVersions(schema, f.versions).includes(version));
}

const namesAt = (...args: Parameters<typeof fieldsAt>): string[] => fieldsAt(...args).map((f) => f.name);

function field(schema: ApiSchema, side: 'request' | 'response', path: string[]): FieldSpec {
  let fields = schema[side].fields;
  let found: FieldSpec | undefined;
  for (const name of path) {
    found = fields.find((f) => f.name === name);
    if (!found) throw new Error(`${schema.name} ${side}: no field ${path.join('.')}`);
    fields = found.fields ?? [];
  }
  if (!found) throw new Error('empty path');
  return found;
}

// ---------------------------------------------------------------------------------------------

const CORE_APIS: Record<string, number> = {
  Produce: 0,
  Fetch: 1,
  ListOffsets: 2,
  Metadata: 3,
  OffsetCommit: 8,
  OffsetFetch: 9,
  FindCoordinator: 10,
  JoinGroup: 11,
  Heartbeat: 12,
  LeaveGroup: 13,
  SyncGroup: 14,
  DescribeGroups: 15,
  ListGroups: 16,
  SaslHandshake: 17,
  ApiVersions: 18,
  CreateTopics: 19,
  DeleteTopics: 20,
  DeleteRecords: 21,
  InitProducerId: 22,
  OffsetForLeaderEpoch: 23,
  DescribeConfigs: 32,
  AlterConfigs: 33,
  SaslAuthenticate: 36,
  CreatePartitions: 37,
  DeleteGroups: 42,
  IncrementalAlterConfigs: 44,
  OffsetDelete: 47,
  DescribeCluster: 60,
  DescribeProducers: 61,
};

const EXTRA_APIS: Record<string, number> = {
  AddPartitionsToTxn: 24,
  AddOffsetsToTxn: 25,
  EndTxn: 26,
  TxnOffsetCommit: 28,
  DescribeAcls: 29,
  CreateAcls: 30,
  DeleteAcls: 31,
  DescribeLogDirs: 35,
  AlterPartitionReassignments: 45,
  ListPartitionReassignments: 46,
  DescribeUserScramCredentials: 50,
  AlterUserScramCredentials: 51,
  DescribeTransactions: 65,
  ListTransactions: 66,
  ConsumerGroupHeartbeat: 68,
  ConsumerGroupDescribe: 69,
  ShareGroupHeartbeat: 76,
  ShareGroupDescribe: 77,
  ShareFetch: 78,
  ShareAcknowledge: 79,
  DescribeShareGroupOffsets: 90,
  AlterShareGroupOffsets: 91,
  DeleteShareGroupOffsets: 92,
};

describe('registry', () => {
  it('has the transaction, ACL, SCRAM and KIP-848 APIs too', () => {
    for (const [name, key] of Object.entries(EXTRA_APIS)) {
      expect(schemaForApiKey(key)?.name, name).toBe(name);
      expect((ApiKey as Record<string, number>)[name], name).toBe(key);
    }
    expect(apiSchemas.length).toBe(Object.keys(CORE_APIS).length + Object.keys(EXTRA_APIS).length);
  });

  it('has every core API under its Kafka api key', () => {
    for (const [name, key] of Object.entries(CORE_APIS)) {
      expect(schemaForApiKey(key)?.name, name).toBe(name);
      expect((ApiKey as Record<string, number>)[name], name).toBe(key);
    }
  });

  it('has unique api keys, sorted, and ApiKey matches the schemas', () => {
    const keys = apiSchemas.map((s) => s.apiKey);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys).toEqual([...keys].sort((a, b) => a - b));
    expect(Object.keys(ApiKey).length).toBe(apiSchemas.length);
    for (const schema of apiSchemas) {
      expect((ApiKey as Record<string, number>)[schema.name]).toBe(schema.apiKey);
      expect(schemaForApiKey(schema.apiKey)).toBe(schema);
    }
  });

  it('answers undefined for keys without a schema', () => {
    expect(schemaForApiKey(4)).toBeUndefined();
    expect(schemaForApiKey(-1)).toBeUndefined();
    expect(schemaForApiKey(1.5)).toBeUndefined();
    expect(schemaForApiKey(32767)).toBeUndefined();
  });
});

describe.each(apiSchemas.map((s) => [s.name, s] as const))('schema %s', (_name, schema) => {
  it('has well-formed valid and flexible versions', () => {
    expect(validOf(schema).length).toBeGreaterThan(0);
    expect(schema.validVersions).toMatch(/^\d+(-\d+)?$/);
    if (schema.flexibleVersions !== 'none') {
      expect(schema.flexibleVersions).toMatch(/^\d+\+$/);
      // the first flexible version is a valid one (or everything is flexible)
      expect(validOf(schema)).toContain(versionsOf(schema.flexibleVersions)[0]);
    }
  });

  it('has fields only in valid versions, nested inside their parent', () => {
    walk(schema, ({ path, field, parentVersions }) => {
      expect(field.versions, path).toMatch(/^(\d+\+|\d+-\d+|\d+)$/);
      const declared = versionsOf(field.versions, Math.max(...validOf(schema)));
      expect(isSubset(declared, validOf(schema)), `${path} ${field.versions}`).toBe(true);
      expect(declared.length, path).toBeGreaterThan(0);
      expect(isSubset(declared, parentVersions), `${path} outside its parent`).toBe(true);
    });
  });

  it('tags fields only in flexible versions, with unique tags per struct', () => {
    const flexible = schema.flexibleVersions === 'none' ? [] : versionsOf(schema.flexibleVersions);
    walk(schema, ({ path, field, siblings }) => {
      if (field.taggedVersions === undefined) {
        expect(field.tag, `${path} has a tag but no taggedVersions`).toBeUndefined();
        return;
      }
      const tagged = fieldVersions(schema, field.taggedVersions);
      expect(isSubset(tagged, flexible), `${path} tagged outside flexible versions`).toBe(true);
      expect(isSubset(tagged, fieldVersions(schema, field.versions)), path).toBe(true);
      expect(Number.isInteger(field.tag) && (field.tag ?? -1) >= 0, `${path} tag`).toBe(true);
      const sameTag = siblings.filter((s) => s.taggedVersions !== undefined && s.tag === field.tag);
      expect(sameTag.length, `${path} tag ${field.tag} reused`).toBe(1);
    });
  });

  it('makes only nullable-capable types nullable', () => {
    walk(schema, ({ path, field }) => {
      if (field.nullableVersions === undefined) return;
      const capable =
        field.type.startsWith('[]') || isStructType(field.type) || NULLABLE_PRIMITIVES.has(field.type);
      expect(capable, `${path}: ${field.type} cannot be null`).toBe(true);
      const nullable = fieldVersions(schema, field.nullableVersions);
      expect(nullable.length, path).toBeGreaterThan(0);
      expect(isSubset(nullable, fieldVersions(schema, field.versions)), path).toBe(true);
    });
  });

  it('gives struct types fields and primitives none', () => {
    walk(schema, ({ path, field }) => {
      if (isStructType(field.type)) {
        expect(field.type, path).toMatch(/^(\[\])?[A-Z][A-Za-z0-9]*$/);
        expect(field.fields?.length ?? 0, `${path} is a struct without fields`).toBeGreaterThan(0);
      } else {
        expect(field.fields, `${path} is a primitive with fields`).toBeUndefined();
      }
    });
  });

  it('uses unique camelCase names per struct', () => {
    const check = (fields: FieldSpec[], path: string) => {
      const names = fields.map((f) => f.name);
      expect(new Set(names).size, `${path} has duplicate names`).toBe(names.length);
      for (const f of fields) {
        expect(f.name, path).toMatch(/^[a-z][a-zA-Z0-9]*$/);
        if (f.fields) check(f.fields, `${path}.${f.name}`);
      }
    };
    check(schema.request.fields, `${schema.name}Request`);
    check(schema.response.fields, `${schema.name}Response`);
  });

  it('has defaults of the field type', () => {
    walk(schema, ({ path, field }) => {
      if (field.default === undefined) return;
      const d = field.default;
      if (d === null) {
        expect(field.nullableVersions, `${path}: null default on a non-nullable field`).toBeDefined();
        return;
      }
      const t = field.type;
      if (t === 'int64') expect(typeof d, path).toBe('bigint');
      else if (['int8', 'int16', 'uint16', 'int32', 'uint32', 'float64'].includes(t))
        expect(typeof d, path).toBe('number');
      else if (t === 'bool') expect(typeof d, path).toBe('boolean');
      else if (t === 'string' || t === 'uuid') expect(typeof d, path).toBe('string');
      else throw new Error(`${path}: default on ${t}`);
    });
  });
});

// ---------------------------------------------------------------------------------------------
// Facts from the crib sheet and from what real clients send (clients.md).

describe('version ranges cover what clients send', () => {
  // The widest range any client in clients.md sends, plus Kafka's newest (4.x) versions.
  const needs: Record<string, [number, number]> = {
    ApiVersions: [0, 4],
    Metadata: [0, 13],
    Produce: [0, 13],
    Fetch: [0, 18],
    ListOffsets: [0, 9],
    FindCoordinator: [0, 6],
    JoinGroup: [0, 9],
    SyncGroup: [0, 5],
    Heartbeat: [0, 4],
    LeaveGroup: [0, 5],
    OffsetCommit: [0, 9],
    OffsetFetch: [0, 9],
    InitProducerId: [0, 5],
    SaslHandshake: [0, 1],
    SaslAuthenticate: [0, 2],
    CreateTopics: [0, 7],
    DeleteTopics: [0, 6],
    DescribeConfigs: [0, 4],
    AlterConfigs: [0, 2],
    CreatePartitions: [0, 3],
    DescribeGroups: [0, 5],
    ListGroups: [0, 5],
    DeleteGroups: [0, 2],
    DeleteRecords: [0, 2],
  };
  it.each(Object.entries(needs))('%s covers %j', (name, [lo, hi]) => {
    const valid = validOf(schemaNamed(name));
    expect(valid[0]).toBeLessThanOrEqual(lo);
    expect(valid[valid.length - 1]).toBeGreaterThanOrEqual(hi);
  });

  it('uses the flexible versions Kafka defines', () => {
    const flex: Record<string, string> = {
      Produce: '9+',
      Fetch: '12+',
      ListOffsets: '6+',
      Metadata: '9+',
      OffsetCommit: '8+',
      OffsetFetch: '6+',
      FindCoordinator: '3+',
      JoinGroup: '6+',
      Heartbeat: '4+',
      LeaveGroup: '4+',
      SyncGroup: '4+',
      DescribeGroups: '5+',
      ListGroups: '3+',
      SaslHandshake: 'none',
      ApiVersions: '3+',
      CreateTopics: '5+',
      DeleteTopics: '4+',
      DeleteRecords: '2+',
      InitProducerId: '2+',
      OffsetForLeaderEpoch: '4+',
      DescribeConfigs: '4+',
      AlterConfigs: '2+',
      SaslAuthenticate: '2+',
      CreatePartitions: '2+',
      DeleteGroups: '2+',
      IncrementalAlterConfigs: '1+',
      OffsetDelete: 'none',
      DescribeCluster: '0+',
      DescribeProducers: '0+',
      AddPartitionsToTxn: '3+',
      AddOffsetsToTxn: '3+',
      EndTxn: '3+',
      TxnOffsetCommit: '3+',
      DescribeAcls: '2+',
      CreateAcls: '2+',
      DeleteAcls: '2+',
      DescribeUserScramCredentials: '0+',
      AlterUserScramCredentials: '0+',
      ConsumerGroupHeartbeat: '0+',
      ConsumerGroupDescribe: '0+',
      ShareGroupHeartbeat: '1+',
      ShareGroupDescribe: '1+',
      ShareFetch: '1+',
      ShareAcknowledge: '1+',
      DescribeShareGroupOffsets: '0+',
      AlterShareGroupOffsets: '0+',
      DeleteShareGroupOffsets: '0+',
    };
    for (const [name, f] of Object.entries(flex)) expect(schemaNamed(name).flexibleVersions, name).toBe(f);
  });
});

describe('Produce', () => {
  const s = schemaNamed('Produce');
  it('adds transactionalId in v3', () => {
    expect(namesAt(s, 'request', 2)).toEqual(['acks', 'timeoutMs', 'topicData']);
    expect(namesAt(s, 'request', 3)).toEqual(['transactionalId', 'acks', 'timeoutMs', 'topicData']);
    expect(field(s, 'request', ['transactionalId']).nullableVersions).toBe('3+');
  });
  it('sends records as a records field and names topics by id from v13', () => {
    expect(field(s, 'request', ['topicData', 'partitionData', 'records']).type).toBe('records');
    expect(namesAt(s, 'request', 12, ['topicData'])).toEqual(['name', 'partitionData']);
    expect(namesAt(s, 'request', 13, ['topicData'])).toEqual(['topicId', 'partitionData']);
  });
  it('grows the partition response as the crib says', () => {
    const at = (v: number) => namesAt(s, 'response', v, ['responses', 'partitionResponses']);
    expect(at(0)).toEqual(['index', 'errorCode', 'baseOffset']);
    expect(at(2)).toEqual(['index', 'errorCode', 'baseOffset', 'logAppendTimeMs']);
    expect(at(5)).toEqual(['index', 'errorCode', 'baseOffset', 'logAppendTimeMs', 'logStartOffset']);
    expect(at(10)).toEqual([
      'index',
      'errorCode',
      'baseOffset',
      'logAppendTimeMs',
      'logStartOffset',
      'recordErrors',
      'errorMessage',
      'currentLeader',
    ]);
    const leader = field(s, 'response', ['responses', 'partitionResponses', 'currentLeader']);
    expect([leader.taggedVersions, leader.tag]).toEqual(['10+', 0]);
    expect(namesAt(s, 'response', 0)).toEqual(['responses']);
    expect(namesAt(s, 'response', 1)).toEqual(['responses', 'throttleTimeMs']);
    const endpoints = field(s, 'response', ['nodeEndpoints']);
    expect([endpoints.taggedVersions, endpoints.tag]).toEqual(['10+', 0]);
  });
});

describe('Fetch', () => {
  const s = schemaNamed('Fetch');
  it('orders the request fields as on the wire', () => {
    expect(namesAt(s, 'request', 0)).toEqual(['replicaId', 'maxWaitMs', 'minBytes', 'topics']);
    expect(namesAt(s, 'request', 4)).toEqual([
      'replicaId',
      'maxWaitMs',
      'minBytes',
      'maxBytes',
      'isolationLevel',
      'topics',
    ]);
    expect(namesAt(s, 'request', 11)).toEqual([
      'replicaId',
      'maxWaitMs',
      'minBytes',
      'maxBytes',
      'isolationLevel',
      'sessionId',
      'sessionEpoch',
      'topics',
      'forgottenTopicsData',
      'rackId',
    ]);
    expect(namesAt(s, 'request', 15)[0]).toBe('clusterId');
    expect(namesAt(s, 'request', 15)).not.toContain('replicaId');
    expect(field(s, 'request', ['replicaId']).versions).toBe('0-14');
    const state = field(s, 'request', ['replicaState']);
    expect([state.versions, state.taggedVersions, state.tag]).toEqual(['15+', '15+', 1]);
    const cluster = field(s, 'request', ['clusterId']);
    expect([cluster.taggedVersions, cluster.tag]).toEqual(['12+', 0]);
  });
  it('uses topicId instead of topic from v13', () => {
    expect(namesAt(s, 'request', 12, ['topics'])).toEqual(['topic', 'partitions']);
    expect(namesAt(s, 'request', 13, ['topics'])).toEqual(['topicId', 'partitions']);
    expect(namesAt(s, 'request', 13, ['forgottenTopicsData'])).toEqual(['topicId', 'partitions']);
    expect(namesAt(s, 'response', 12, ['responses'])).toEqual(['topic', 'partitions']);
    expect(namesAt(s, 'response', 13, ['responses'])).toEqual(['topicId', 'partitions']);
  });
  it('orders the request partition fields as on the wire', () => {
    expect(namesAt(s, 'request', 12, ['topics', 'partitions'])).toEqual([
      'partition',
      'currentLeaderEpoch',
      'fetchOffset',
      'lastFetchedEpoch',
      'logStartOffset',
      'partitionMaxBytes',
    ]);
  });
  it('orders the response partition fields as on the wire', () => {
    const at = (v: number) => namesAt(s, 'response', v, ['responses', 'partitions']);
    expect(at(0)).toEqual(['partitionIndex', 'errorCode', 'highWatermark', 'records']);
    expect(at(4)).toEqual([
      'partitionIndex',
      'errorCode',
      'highWatermark',
      'lastStableOffset',
      'abortedTransactions',
      'records',
    ]);
    expect(at(12)).toEqual([
      'partitionIndex',
      'errorCode',
      'highWatermark',
      'lastStableOffset',
      'logStartOffset',
      'divergingEpoch',
      'currentLeader',
      'snapshotId',
      'abortedTransactions',
      'preferredReadReplica',
      'records',
    ]);
    const tags = fieldsAt(s, 'response', 12, ['responses', 'partitions'])
      .filter((f) => f.taggedVersions)
      .map((f) => [f.name, f.tag]);
    expect(tags).toEqual([
      ['divergingEpoch', 0],
      ['currentLeader', 1],
      ['snapshotId', 2],
    ]);
    expect(field(s, 'response', ['responses', 'partitions', 'abortedTransactions']).nullableVersions).toBe(
      '4+',
    );
    expect(field(s, 'response', ['responses', 'partitions', 'records']).type).toBe('records');
  });
  it('has the top-level response fields of each version', () => {
    expect(namesAt(s, 'response', 0)).toEqual(['responses']);
    expect(namesAt(s, 'response', 1)).toEqual(['throttleTimeMs', 'responses']);
    expect(namesAt(s, 'response', 7)).toEqual(['throttleTimeMs', 'errorCode', 'sessionId', 'responses']);
    const endpoints = field(s, 'response', ['nodeEndpoints']);
    expect([endpoints.versions, endpoints.taggedVersions, endpoints.tag]).toEqual(['16+', '16+', 0]);
  });
});

describe('Metadata', () => {
  const s = schemaNamed('Metadata');
  it('has the request fields of each version', () => {
    expect(namesAt(s, 'request', 0)).toEqual(['topics']);
    expect(field(s, 'request', ['topics']).nullableVersions).toBe('1+');
    expect(namesAt(s, 'request', 4)).toEqual(['topics', 'allowAutoTopicCreation']);
    expect(field(s, 'request', ['includeClusterAuthorizedOperations']).versions).toBe('8-10');
    expect(field(s, 'request', ['includeTopicAuthorizedOperations']).versions).toBe('8+');
    expect(namesAt(s, 'request', 10, ['topics'])).toEqual(['topicId', 'name']);
  });
  it('has the response fields in wire order', () => {
    expect(namesAt(s, 'response', 0)).toEqual(['brokers', 'topics']);
    expect(namesAt(s, 'response', 1)).toEqual(['brokers', 'controllerId', 'topics']);
    expect(namesAt(s, 'response', 3)).toEqual([
      'throttleTimeMs',
      'brokers',
      'clusterId',
      'controllerId',
      'topics',
    ]);
    expect(namesAt(s, 'response', 8)).toEqual([
      'throttleTimeMs',
      'brokers',
      'clusterId',
      'controllerId',
      'topics',
      'clusterAuthorizedOperations',
    ]);
    expect(namesAt(s, 'response', 11)).not.toContain('clusterAuthorizedOperations');
    expect(namesAt(s, 'response', 13)).toContain('errorCode');
    expect(namesAt(s, 'response', 0, ['brokers'])).toEqual(['nodeId', 'host', 'port']);
    expect(namesAt(s, 'response', 1, ['brokers'])).toEqual(['nodeId', 'host', 'port', 'rack']);
  });
  it('has topics and partitions as the crib says', () => {
    expect(namesAt(s, 'response', 10, ['topics'])).toEqual([
      'errorCode',
      'name',
      'topicId',
      'isInternal',
      'partitions',
      'topicAuthorizedOperations',
    ]);
    expect(field(s, 'response', ['topics', 'name']).nullableVersions).toBe('12+');
    expect(field(s, 'response', ['topics', 'topicAuthorizedOperations']).default).toBe(-2147483648);
    const partitions = (v: number) => namesAt(s, 'response', v, ['topics', 'partitions']);
    expect(partitions(6)).toEqual([
      'errorCode',
      'partitionIndex',
      'leaderId',
      'replicaNodes',
      'isrNodes',
      'offlineReplicas',
    ]);
    expect(partitions(7)).toEqual([
      'errorCode',
      'partitionIndex',
      'leaderId',
      'leaderEpoch',
      'replicaNodes',
      'isrNodes',
      'offlineReplicas',
    ]);
    expect(partitions(4)).not.toContain('offlineReplicas');
  });
});

describe('ApiVersions', () => {
  const s = schemaNamed('ApiVersions');
  it('has tagged features in the v3+ response', () => {
    expect(namesAt(s, 'response', 0)).toEqual(['errorCode', 'apiKeys']);
    expect(namesAt(s, 'response', 1)).toEqual(['errorCode', 'apiKeys', 'throttleTimeMs']);
    const tagged = fieldsAt(s, 'response', 3)
      .filter((f) => f.taggedVersions)
      .map((f) => [f.name, f.tag]);
    expect(tagged).toEqual([
      ['supportedFeatures', 0],
      ['finalizedFeaturesEpoch', 1],
      ['finalizedFeatures', 2],
      ['zkMigrationReady', 3],
    ]);
    expect(namesAt(s, 'response', 0, ['apiKeys'])).toEqual(['apiKey', 'minVersion', 'maxVersion']);
  });
  it('sends the client software name and version from v3', () => {
    expect(namesAt(s, 'request', 2)).toEqual([]);
    expect(namesAt(s, 'request', 3)).toEqual(['clientSoftwareName', 'clientSoftwareVersion']);
  });
});

describe('other APIs', () => {
  it('ListOffsets keeps the v0 fields Kafka 4 dropped', () => {
    const s = schemaNamed('ListOffsets');
    expect(namesAt(s, 'request', 0, ['topics', 'partitions'])).toEqual([
      'partitionIndex',
      'timestamp',
      'maxNumOffsets',
    ]);
    expect(namesAt(s, 'response', 0, ['topics', 'partitions'])).toEqual([
      'partitionIndex',
      'errorCode',
      'oldStyleOffsets',
    ]);
    expect(namesAt(s, 'request', 2)).toEqual(['replicaId', 'isolationLevel', 'topics']);
  });

  it('OffsetCommit has retention time only in v2-4 and names topics by id from v10', () => {
    const s = schemaNamed('OffsetCommit');
    expect(field(s, 'request', ['retentionTimeMs']).versions).toBe('2-4');
    expect(namesAt(s, 'request', 0)).toEqual(['groupId', 'topics']);
    expect(namesAt(s, 'request', 1, ['topics', 'partitions'])).toContain('commitTimestamp');
    expect(namesAt(s, 'request', 10, ['topics'])).toEqual(['topicId', 'partitions']);
  });

  it('OffsetFetch batches groups from v8', () => {
    const s = schemaNamed('OffsetFetch');
    expect(namesAt(s, 'request', 7)).toEqual(['groupId', 'topics', 'requireStable']);
    expect(namesAt(s, 'request', 8)).toEqual(['groups', 'requireStable']);
    expect(field(s, 'request', ['topics']).nullableVersions).toBe('2-7');
  });

  it('FindCoordinator batches keys from v4', () => {
    const s = schemaNamed('FindCoordinator');
    expect(namesAt(s, 'request', 0)).toEqual(['key']);
    expect(namesAt(s, 'request', 1)).toEqual(['key', 'keyType']);
    expect(namesAt(s, 'request', 4)).toEqual(['keyType', 'coordinatorKeys']);
    expect(namesAt(s, 'response', 0)).toEqual(['errorCode', 'nodeId', 'host', 'port']);
  });

  it('JoinGroup adds rebalanceTimeoutMs in v1 and groupInstanceId in v5', () => {
    const s = schemaNamed('JoinGroup');
    expect(namesAt(s, 'request', 0)).toEqual([
      'groupId',
      'sessionTimeoutMs',
      'memberId',
      'protocolType',
      'protocols',
    ]);
    expect(namesAt(s, 'request', 5)).toEqual([
      'groupId',
      'sessionTimeoutMs',
      'rebalanceTimeoutMs',
      'memberId',
      'groupInstanceId',
      'protocolType',
      'protocols',
    ]);
  });

  it('SaslHandshake and SaslAuthenticate', () => {
    expect(namesAt(schemaNamed('SaslHandshake'), 'request', 0)).toEqual(['mechanism']);
    const auth = schemaNamed('SaslAuthenticate');
    expect(namesAt(auth, 'request', 0)).toEqual(['authBytes']);
    expect(namesAt(auth, 'response', 1)).toEqual([
      'errorCode',
      'errorMessage',
      'authBytes',
      'sessionLifetimeMs',
    ]);
  });

  it('int64 fields use bigint defaults', () => {
    expect(
      field(schemaNamed('Produce'), 'response', ['responses', 'partitionResponses', 'logStartOffset'])
        .default,
    ).toBe(-1n);
    expect(field(schemaNamed('Fetch'), 'request', ['topics', 'partitions', 'logStartOffset']).default).toBe(
      -1n,
    );
  });
});

describe('transactions, ACLs and KIP-848 groups', () => {
  it('AddPartitionsToTxn batches transactions from v4', () => {
    const s = schemaNamed('AddPartitionsToTxn');
    expect(namesAt(s, 'request', 3)).toEqual([
      'v3AndBelowTransactionalId',
      'v3AndBelowProducerId',
      'v3AndBelowProducerEpoch',
      'v3AndBelowTopics',
    ]);
    expect(namesAt(s, 'request', 4)).toEqual(['transactions']);
    expect(namesAt(s, 'response', 3)).toEqual(['throttleTimeMs', 'resultsByTopicV3AndBelow']);
    expect(namesAt(s, 'response', 4)).toEqual(['throttleTimeMs', 'errorCode', 'resultsByTransaction']);
  });

  it('EndTxn returns the producer id and epoch from v5', () => {
    const s = schemaNamed('EndTxn');
    expect(namesAt(s, 'request', 0)).toEqual(['transactionalId', 'producerId', 'producerEpoch', 'committed']);
    expect(namesAt(s, 'response', 4)).toEqual(['throttleTimeMs', 'errorCode']);
    expect(namesAt(s, 'response', 5)).toEqual(['throttleTimeMs', 'errorCode', 'producerId', 'producerEpoch']);
  });

  it('TxnOffsetCommit adds group membership in v3', () => {
    const s = schemaNamed('TxnOffsetCommit');
    expect(namesAt(s, 'request', 2)).toEqual([
      'transactionalId',
      'groupId',
      'producerId',
      'producerEpoch',
      'topics',
    ]);
    expect(namesAt(s, 'request', 3)).toEqual([
      'transactionalId',
      'groupId',
      'producerId',
      'producerEpoch',
      'generationId',
      'memberId',
      'groupInstanceId',
      'topics',
    ]);
  });

  it('ACL filters gain a pattern type in v1', () => {
    const s = schemaNamed('DescribeAcls');
    expect(namesAt(s, 'request', 0)).toEqual([
      'resourceTypeFilter',
      'resourceNameFilter',
      'principalFilter',
      'hostFilter',
      'operation',
      'permissionType',
    ]);
    expect(namesAt(s, 'request', 1)).toContain('patternTypeFilter');
  });

  it('ConsumerGroupHeartbeat v1 adds the topic regex; ConsumerGroupDescribe v1 the member type', () => {
    const hb = schemaNamed('ConsumerGroupHeartbeat');
    expect(namesAt(hb, 'request', 0)).not.toContain('subscribedTopicRegex');
    expect(namesAt(hb, 'request', 1)).toEqual([
      'groupId',
      'memberId',
      'memberEpoch',
      'instanceId',
      'rackId',
      'rebalanceTimeoutMs',
      'subscribedTopicNames',
      'subscribedTopicRegex',
      'serverAssignor',
      'topicPartitions',
    ]);
    const describe = schemaNamed('ConsumerGroupDescribe');
    expect(namesAt(describe, 'response', 0, ['groups', 'members'])).not.toContain('memberType');
    expect(namesAt(describe, 'response', 1, ['groups', 'members']).at(-1)).toBe('memberType');
  });

  it('ShareFetch v1 and ShareGroupHeartbeat v1 have the fields of the Java client 4.1.1, in its order', () => {
    // As kafka-clients 4.1.1's ShareFetchRequestData.SCHEMAS[1] etc. print them.
    const fetch = schemaNamed('ShareFetch');
    expect(namesAt(fetch, 'request', 1)).toEqual([
      'groupId',
      'memberId',
      'shareSessionEpoch',
      'maxWaitMs',
      'minBytes',
      'maxBytes',
      'maxRecords',
      'batchSize',
      'topics',
      'forgottenTopicsData',
    ]);
    expect(namesAt(fetch, 'request', 1, ['topics', 'partitions'])).toEqual([
      'partitionIndex',
      'acknowledgementBatches',
    ]);
    expect(namesAt(fetch, 'response', 1)).toEqual([
      'throttleTimeMs',
      'errorCode',
      'errorMessage',
      'acquisitionLockTimeoutMs',
      'responses',
      'nodeEndpoints',
    ]);
    expect(namesAt(fetch, 'response', 1, ['responses', 'partitions'])).toEqual([
      'partitionIndex',
      'errorCode',
      'errorMessage',
      'acknowledgeErrorCode',
      'acknowledgeErrorMessage',
      'currentLeader',
      'records',
      'acquiredRecords',
    ]);
    expect(namesAt(schemaNamed('ShareGroupHeartbeat'), 'request', 1)).toEqual([
      'groupId',
      'memberId',
      'memberEpoch',
      'rackId',
      'subscribedTopicNames',
    ]);
  });
});
