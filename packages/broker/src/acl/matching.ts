import {
  type AclBinding,
  type AclBindingFilter,
  AclOperation,
  AclPermission,
  CLUSTER_RESOURCE,
  PatternType,
  ResourceType,
  WILDCARD_RESOURCE,
} from './types.js';

/**
 * Why a binding cannot be stored (CreateAcls answers INVALID_REQUEST with it), or null. The same
 * rules as Kafka's AclControlManager: concrete type, pattern, operation and permission; a
 * `Type:name` principal; the cluster resource named `kafka-cluster`.
 */
export function invalidBindingReason(b: AclBinding): string | null {
  if (!isConcrete(b.resourceType, ResourceType.TOPIC, ResourceType.USER)) {
    return `resource type ${b.resourceType} is not a concrete resource type`;
  }
  if (b.patternType !== PatternType.LITERAL && b.patternType !== PatternType.PREFIXED) {
    return `pattern type ${b.patternType} is neither LITERAL (3) nor PREFIXED (4)`;
  }
  if (!isConcrete(b.operation, AclOperation.ALL, AclOperation.DESCRIBE_TOKENS)) {
    return `operation ${b.operation} is not a concrete operation`;
  }
  if (b.permission !== AclPermission.ALLOW && b.permission !== AclPermission.DENY) {
    return `permission type ${b.permission} is neither DENY (2) nor ALLOW (3)`;
  }
  if (b.resourceName.length === 0) return 'the resource name is empty';
  if (b.resourceType === ResourceType.CLUSTER && b.resourceName !== CLUSTER_RESOURCE) {
    return `the cluster resource is named ${CLUSTER_RESOURCE}, not ${b.resourceName}`;
  }
  if (!/^[^:]+:.+$/s.test(b.principal)) return `principal ${JSON.stringify(b.principal)} is not Type:name`;
  if (b.host.length === 0) return 'the host is empty (use * for every host)';
  return null;
}

function isConcrete(code: number, first: number, last: number): boolean {
  return Number.isInteger(code) && code >= first && code <= last;
}

/** Why a filter cannot be used (UNKNOWN codes), or null. */
export function invalidFilterReason(f: AclBindingFilter): string | null {
  if (f.resourceType === ResourceType.UNKNOWN || !isConcrete(f.resourceType, 1, ResourceType.USER)) {
    return `unknown resource type ${f.resourceType}`;
  }
  if (!isConcrete(f.patternType, PatternType.ANY, PatternType.PREFIXED)) {
    return `unknown pattern type ${f.patternType}`;
  }
  if (!isConcrete(f.operation, AclOperation.ANY, AclOperation.DESCRIBE_TOKENS)) {
    return `unknown operation ${f.operation}`;
  }
  if (!isConcrete(f.permission, AclPermission.ANY, AclPermission.ALLOW)) {
    return `unknown permission type ${f.permission}`;
  }
  return null;
}

/** Kafka's AclBindingFilter.matches: does this stored binding fall under the filter? */
export function filterMatches(f: AclBindingFilter, b: AclBinding): boolean {
  if (f.resourceType !== ResourceType.ANY && f.resourceType !== b.resourceType) return false;
  if (!patternFilterMatches(f, b)) return false;
  if (f.principal !== null && f.principal !== b.principal) return false;
  if (f.host !== null && f.host !== b.host) return false;
  if (f.operation !== AclOperation.ANY && f.operation !== b.operation) return false;
  if (f.permission !== AclPermission.ANY && f.permission !== b.permission) return false;
  return true;
}

function patternFilterMatches(f: AclBindingFilter, b: AclBinding): boolean {
  if (f.patternType === PatternType.MATCH) {
    if (f.resourceName === null) return true;
    // Every binding that would apply to a resource of that name.
    return resourceMatches(b, f.resourceName);
  }
  if (f.patternType !== PatternType.ANY && f.patternType !== b.patternType) return false;
  return f.resourceName === null || f.resourceName === b.resourceName;
}

/** Does a binding's resource pattern cover the resource `name` (of the binding's type)? */
export function resourceMatches(b: AclBinding, name: string): boolean {
  if (b.patternType === PatternType.LITERAL)
    return b.resourceName === name || b.resourceName === WILDCARD_RESOURCE;
  if (b.patternType === PatternType.PREFIXED) return name.startsWith(b.resourceName);
  return false;
}

/** Two bindings are the same ACL (CreateAcls of an existing one is a no-op, as in Kafka). */
export function sameBinding(a: AclBinding, b: AclBinding): boolean {
  return (
    a.resourceType === b.resourceType &&
    a.resourceName === b.resourceName &&
    a.patternType === b.patternType &&
    a.principal === b.principal &&
    a.host === b.host &&
    a.operation === b.operation &&
    a.permission === b.permission
  );
}
