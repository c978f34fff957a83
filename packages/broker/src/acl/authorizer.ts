import type { RequestInfo } from '../handlers/types.js';
import { resourceMatches } from './matching.js';
import type { AclSettings } from './settings.js';
import type { AclStore } from './store.js';
import {
  type AclBinding,
  AclOperation,
  AclPermission,
  ANONYMOUS,
  OPERATIONS_BY_RESOURCE,
  PatternType,
  WILDCARD_HOST,
  WILDCARD_PRINCIPAL,
  WILDCARD_RESOURCE,
} from './types.js';

/** Who asks and from where: the parts of a request authorization looks at. */
export type Requester = Pick<RequestInfo, 'principal' | 'clientHost'>;

/** A name Kafka checks "may this principal do X to some resource of this type" with (KIP-679). */
const ANY_NAME_PROBE = 'hardcode';
const CACHE_LIMIT = 10_000;

/**
 * Decides whether a principal may perform an operation on a resource, as Kafka's
 * StandardAuthorizer does: super users may do anything; with no ACL on the resource the answer
 * is `allow.everyone.if.no.acl.found`; a matching DENY wins over any ALLOW; READ, WRITE, DELETE
 * and ALTER imply DESCRIBE, and ALTER_CONFIGS implies DESCRIBE_CONFIGS. Off (every request
 * allowed) unless `authorizer.class.name` is set.
 */
export class Authorizer {
  /** Bindings whose resource pattern covers a resource, by `type/name`; dropped on any change. */
  private readonly byResource = new Map<string, AclBinding[]>();
  private cacheVersion = -1;

  constructor(
    readonly settings: AclSettings,
    readonly store: AclStore,
  ) {}

  get enabled(): boolean {
    return this.settings.enabled;
  }

  /** The principal a request is judged as. */
  principalOf(requester: Requester): string {
    return requester.principal ?? ANONYMOUS;
  }

  /** May the requester perform `operation` on the resource? Always true with the authorizer off. */
  authorize(requester: Requester, operation: number, resourceType: number, name: string): boolean {
    if (!this.settings.enabled) return true;
    const principal = this.principalOf(requester);
    if (this.settings.superUsers.has(principal)) return true;
    return this.decide(principal, hostOf(requester), operation, resourceType, name);
  }

  /**
   * KIP-430's authorized-operations bitfield: bit `op` set for each operation of the resource
   * type the requester may perform.
   */
  authorizedOperations(requester: Requester, resourceType: number, name: string): number {
    let bits = 0;
    for (const op of OPERATIONS_BY_RESOURCE[resourceType] ?? []) {
      if (this.authorize(requester, op, resourceType, name)) bits |= 1 << op;
    }
    return bits;
  }

  /**
   * May the requester perform `operation` on at least one resource of the type (Kafka's
   * authorizeByResourceType, used for idempotent producers: WRITE on any topic)? True when some
   * ALLOW binding applies that no DENY binding shadows.
   */
  authorizeAny(requester: Requester, operation: number, resourceType: number): boolean {
    if (this.authorize(requester, operation, resourceType, ANY_NAME_PROBE)) return true;
    const principal = this.principalOf(requester);
    const host = hostOf(requester);
    const applies = (b: AclBinding, permission: number) =>
      b.resourceType === resourceType &&
      b.permission === permission &&
      (b.operation === operation || b.operation === AclOperation.ALL) &&
      (b.principal === principal || b.principal === WILDCARD_PRINCIPAL) &&
      (b.host === host || b.host === WILDCARD_HOST);
    const all = this.store.list();
    const denies = all.filter((b) => applies(b, AclPermission.DENY));
    if (denies.some((d) => d.patternType === PatternType.LITERAL && d.resourceName === WILDCARD_RESOURCE)) {
      return false;
    }
    return all.some(
      (a) =>
        applies(a, AclPermission.ALLOW) &&
        !denies.some((d) =>
          d.patternType === PatternType.PREFIXED
            ? a.resourceName.startsWith(d.resourceName)
            : a.patternType === PatternType.LITERAL && d.resourceName === a.resourceName,
        ),
    );
  }

  private decide(
    principal: string,
    host: string,
    operation: number,
    resourceType: number,
    name: string,
  ): boolean {
    const bindings = this.bindingsFor(resourceType, name);
    if (bindings.length === 0) return this.settings.allowIfNoAcl;
    let allowed = false;
    for (const b of bindings) {
      if (b.principal !== principal && b.principal !== WILDCARD_PRINCIPAL) continue;
      if (b.host !== host && b.host !== WILDCARD_HOST) continue;
      if (b.permission === AclPermission.DENY) {
        if (b.operation === operation || b.operation === AclOperation.ALL) return false;
      } else if (!allowed && grants(b.operation, operation)) {
        allowed = true;
      }
    }
    return allowed;
  }

  private bindingsFor(resourceType: number, name: string): AclBinding[] {
    if (this.cacheVersion !== this.store.version || this.byResource.size > CACHE_LIMIT) {
      this.byResource.clear();
      this.cacheVersion = this.store.version;
    }
    const key = `${resourceType}/${name}`;
    let found = this.byResource.get(key);
    if (found === undefined) {
      found = this.store.list().filter((b) => b.resourceType === resourceType && resourceMatches(b, name));
      this.byResource.set(key, found);
    }
    return found;
  }
}

/** Does an ALLOW binding for `granted` allow `wanted`? (ALL, and Kafka's implied operations.) */
function grants(granted: number, wanted: number): boolean {
  if (granted === wanted || granted === AclOperation.ALL) return true;
  if (wanted === AclOperation.DESCRIBE) {
    return (
      granted === AclOperation.READ ||
      granted === AclOperation.WRITE ||
      granted === AclOperation.DELETE ||
      granted === AclOperation.ALTER
    );
  }
  return wanted === AclOperation.DESCRIBE_CONFIGS && granted === AclOperation.ALTER_CONFIGS;
}

/** The client's address as Kafka prints it: IPv4-mapped IPv6 addresses without their prefix. */
function hostOf(requester: Requester): string {
  const h = requester.clientHost ?? '';
  return h.startsWith('::ffff:') ? h.slice(7) : h;
}
