import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ACL_FILE,
  type AclBinding,
  AclPermission,
  AclStore,
  Authorizer,
  AclOperation as Op,
  PatternType,
  type Requester,
  ResourceType,
} from '@kilgore/broker';
import { afterEach, describe, expect, it } from 'vitest';

const log = { warn: () => {}, error: () => {} };
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function setup(
  acls: Partial<AclBinding>[],
  opts: { superUsers?: string[]; allowIfNoAcl?: boolean; enabled?: boolean } = {},
): { authorizer: Authorizer; store: AclStore; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'kilgore-acl-unit-'));
  dirs.push(dir);
  const store = new AclStore(dir, log);
  store.add(acls.map(binding));
  const authorizer = new Authorizer(
    {
      enabled: opts.enabled ?? true,
      superUsers: new Set(opts.superUsers ?? []),
      allowIfNoAcl: opts.allowIfNoAcl ?? false,
    },
    store,
  );
  return { authorizer, store, dir };
}

function binding(b: Partial<AclBinding>): AclBinding {
  return {
    resourceType: ResourceType.TOPIC,
    resourceName: 'orders',
    patternType: PatternType.LITERAL,
    principal: 'User:alice',
    host: '*',
    operation: Op.READ,
    permission: AclPermission.ALLOW,
    ...b,
  };
}

const alice = { principal: 'User:alice', clientHost: '10.0.0.1' };
const bob = { principal: 'User:bob', clientHost: '10.0.0.2' };
const topic = (a: Authorizer, who: Requester, op: number, name: string) =>
  a.authorize(who, op, ResourceType.TOPIC, name);

describe('Authorizer decisions (Kafka StandardAuthorizer rules)', () => {
  it('allows everything when off, and denies by default when on', () => {
    expect(topic(setup([], { enabled: false }).authorizer, alice, Op.WRITE, 'x')).toBe(true);
    expect(topic(setup([]).authorizer, alice, Op.WRITE, 'x')).toBe(false);
    expect(topic(setup([], { allowIfNoAcl: true }).authorizer, alice, Op.WRITE, 'x')).toBe(true);
  });

  it('allow.everyone.if.no.acl.found applies only to resources no ACL mentions', () => {
    const { authorizer } = setup([{ principal: 'User:bob' }], { allowIfNoAcl: true });
    expect(topic(authorizer, alice, Op.READ, 'orders')).toBe(false); // an ACL exists, not for alice
    expect(topic(authorizer, alice, Op.READ, 'other')).toBe(true);
  });

  it('grants only the operation named, plus the implied DESCRIBE', () => {
    const { authorizer } = setup([{ operation: Op.WRITE }]);
    expect(topic(authorizer, alice, Op.WRITE, 'orders')).toBe(true);
    expect(topic(authorizer, alice, Op.DESCRIBE, 'orders')).toBe(true);
    expect(topic(authorizer, alice, Op.READ, 'orders')).toBe(false);
    expect(topic(authorizer, alice, Op.DELETE, 'orders')).toBe(false);
    expect(topic(authorizer, bob, Op.WRITE, 'orders')).toBe(false);
    expect(topic(authorizer, alice, Op.WRITE, 'payments')).toBe(false);
  });

  it('ALTER_CONFIGS implies DESCRIBE_CONFIGS, and ALL implies everything', () => {
    const { authorizer } = setup([
      { operation: Op.ALTER_CONFIGS },
      { resourceName: 'all', operation: Op.ALL },
    ]);
    expect(topic(authorizer, alice, Op.DESCRIBE_CONFIGS, 'orders')).toBe(true);
    expect(topic(authorizer, alice, Op.DESCRIBE, 'orders')).toBe(false);
    for (const op of [Op.READ, Op.WRITE, Op.CREATE, Op.DELETE, Op.ALTER, Op.DESCRIBE]) {
      expect(topic(authorizer, alice, op, 'all')).toBe(true);
    }
  });

  it('DENY beats ALLOW, including a wildcard principal and ALL', () => {
    const { authorizer } = setup([
      { principal: 'User:*', operation: Op.READ },
      { principal: 'User:bob', operation: Op.READ, permission: AclPermission.DENY },
      { resourceName: 'secret', operation: Op.ALL },
      { resourceName: 'secret', principal: 'User:*', operation: Op.ALL, permission: AclPermission.DENY },
    ]);
    expect(topic(authorizer, alice, Op.READ, 'orders')).toBe(true);
    expect(topic(authorizer, bob, Op.READ, 'orders')).toBe(false);
    expect(topic(authorizer, alice, Op.READ, 'secret')).toBe(false);
  });

  it('a DENY of READ does not deny the DESCRIBE another grant implies', () => {
    const { authorizer } = setup([
      { operation: Op.WRITE },
      { operation: Op.READ, permission: AclPermission.DENY },
    ]);
    expect(topic(authorizer, alice, Op.DESCRIBE, 'orders')).toBe(true);
    expect(topic(authorizer, alice, Op.READ, 'orders')).toBe(false);
  });

  it('matches literal, wildcard and prefixed resource patterns', () => {
    const { authorizer } = setup([
      { resourceName: 'logs-', patternType: PatternType.PREFIXED, operation: Op.WRITE },
      { resourceName: '*', operation: Op.DESCRIBE },
    ]);
    expect(topic(authorizer, alice, Op.WRITE, 'logs-app')).toBe(true);
    expect(topic(authorizer, alice, Op.WRITE, 'logs-')).toBe(true);
    expect(topic(authorizer, alice, Op.WRITE, 'log')).toBe(false);
    expect(topic(authorizer, alice, Op.WRITE, 'metrics')).toBe(false);
    expect(topic(authorizer, alice, Op.DESCRIBE, 'metrics')).toBe(true);
  });

  it('matches hosts, with IPv4-mapped IPv6 addresses printed as IPv4', () => {
    const { authorizer } = setup([{ host: '10.0.0.1' }]);
    expect(topic(authorizer, alice, Op.READ, 'orders')).toBe(true);
    expect(topic(authorizer, { ...alice, clientHost: '::ffff:10.0.0.1' }, Op.READ, 'orders')).toBe(true);
    expect(topic(authorizer, { ...alice, clientHost: '10.0.0.9' }, Op.READ, 'orders')).toBe(false);
  });

  it('super users may do anything, whatever the DENY ACLs', () => {
    const { authorizer } = setup(
      [{ principal: 'User:*', operation: Op.ALL, permission: AclPermission.DENY }],
      { superUsers: ['User:bob'] },
    );
    expect(topic(authorizer, bob, Op.DELETE, 'orders')).toBe(true);
    expect(authorizer.authorize(bob, Op.ALTER, ResourceType.CLUSTER, 'kafka-cluster')).toBe(true);
    expect(topic(authorizer, alice, Op.READ, 'orders')).toBe(false);
  });

  it('an unauthenticated request is User:ANONYMOUS', () => {
    const { authorizer } = setup([{ principal: 'User:ANONYMOUS' }]);
    expect(topic(authorizer, { principal: undefined, clientHost: '' }, Op.READ, 'orders')).toBe(true);
  });

  it('authorized operations: one bit per allowed operation of the resource type', () => {
    const { authorizer } = setup([{ operation: Op.WRITE }, { operation: Op.ALTER_CONFIGS }]);
    const bits = authorizer.authorizedOperations(alice, ResourceType.TOPIC, 'orders');
    expect(bits).toBe(
      (1 << Op.WRITE) | (1 << Op.DESCRIBE) | (1 << Op.ALTER_CONFIGS) | (1 << Op.DESCRIBE_CONFIGS),
    );
  });

  it('WRITE on any topic (idempotent producers): an ALLOW not shadowed by a DENY', () => {
    expect(
      setup([{ operation: Op.WRITE }]).authorizer.authorizeAny(alice, Op.WRITE, ResourceType.TOPIC),
    ).toBe(true);
    expect(setup([{ operation: Op.READ }]).authorizer.authorizeAny(alice, Op.WRITE, ResourceType.TOPIC)).toBe(
      false,
    );
    const shadowed = setup([
      { operation: Op.WRITE },
      {
        resourceName: 'ord',
        patternType: PatternType.PREFIXED,
        operation: Op.WRITE,
        permission: AclPermission.DENY,
      },
    ]);
    expect(shadowed.authorizer.authorizeAny(alice, Op.WRITE, ResourceType.TOPIC)).toBe(false);
  });

  it('sees a change at once (decision cache dropped on change)', () => {
    const { authorizer, store } = setup([]);
    expect(topic(authorizer, alice, Op.READ, 'orders')).toBe(false);
    store.add([binding({})]);
    expect(topic(authorizer, alice, Op.READ, 'orders')).toBe(true);
    store.remove([
      {
        resourceType: ResourceType.ANY,
        resourceName: null,
        patternType: PatternType.ANY,
        principal: null,
        host: null,
        operation: Op.ANY,
        permission: AclPermission.ANY,
      },
    ]);
    expect(topic(authorizer, alice, Op.READ, 'orders')).toBe(false);
  });
});

describe('AclStore', () => {
  it('persists atomically, reloads, skips duplicates and reports changes', () => {
    const { store, dir } = setup([]);
    const changes: number[] = [];
    store.onChange((c) => changes.push(c.added.length - c.removed.length));
    store.add([binding({}), binding({}), binding({ operation: Op.WRITE })]);
    store.add([binding({})]); // already there: no write, no event
    expect(changes).toEqual([2]);
    const reloaded = new AclStore(dir, log);
    reloaded.load();
    expect(reloaded.list()).toEqual(store.list());
    expect(JSON.parse(readFileSync(join(dir, ACL_FILE), 'utf8')).acls).toHaveLength(2);
  });

  it('apply installs a change from another node: persisted, not reported again (no echo)', () => {
    const { store, dir } = setup([binding({})]);
    const reported: unknown[] = [];
    store.onChange((c) => reported.push(c));
    store.apply({ added: [binding({ principal: 'User:bob' })], removed: [binding({})] });
    expect(reported).toEqual([]);
    const reloaded = new AclStore(dir, log);
    reloaded.load();
    expect(reloaded.list().map((b) => b.principal)).toEqual(['User:bob']);
  });

  it('refuses to start from an unreadable file rather than forget every ACL', () => {
    const { dir } = setup([]);
    writeFileSync(join(dir, ACL_FILE), '{"acls": [');
    expect(() => new AclStore(dir, log).load()).toThrow(/cannot read the ACL file/);
  });

  it('filters as Kafka does: ANY compares names exactly, MATCH finds every binding that applies', () => {
    const { store } = setup([
      { resourceName: 'orders' },
      { resourceName: '*' },
      { resourceName: 'ord', patternType: PatternType.PREFIXED },
      { resourceName: 'payments' },
    ]);
    const filter = (patternType: number, resourceName: string | null) =>
      store
        .find({
          resourceType: ResourceType.TOPIC,
          resourceName,
          patternType,
          principal: null,
          host: null,
          operation: Op.ANY,
          permission: AclPermission.ANY,
        })
        .map((b) => b.resourceName)
        .sort();
    expect(filter(PatternType.ANY, 'orders')).toEqual(['orders']);
    expect(filter(PatternType.MATCH, 'orders')).toEqual(['*', 'ord', 'orders']);
    expect(filter(PatternType.LITERAL, null)).toEqual(['*', 'orders', 'payments']);
    expect(filter(PatternType.PREFIXED, null)).toEqual(['ord']);
  });
});
