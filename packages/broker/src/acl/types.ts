/**
 * Kafka's ACL model, with Kafka's wire codes (org.apache.kafka.common.acl / .resource): the same
 * numbers travel in CreateAcls/DescribeAcls/DeleteAcls and in the authorized-operations bitfields.
 */

export const AclOperation = {
  UNKNOWN: 0,
  /** Filters only: any operation. */
  ANY: 1,
  ALL: 2,
  READ: 3,
  WRITE: 4,
  CREATE: 5,
  DELETE: 6,
  ALTER: 7,
  DESCRIBE: 8,
  CLUSTER_ACTION: 9,
  DESCRIBE_CONFIGS: 10,
  ALTER_CONFIGS: 11,
  IDEMPOTENT_WRITE: 12,
  CREATE_TOKENS: 13,
  DESCRIBE_TOKENS: 14,
} as const;
export type AclOperation = (typeof AclOperation)[keyof typeof AclOperation];

export const ResourceType = {
  UNKNOWN: 0,
  /** Filters only. */
  ANY: 1,
  TOPIC: 2,
  GROUP: 3,
  CLUSTER: 4,
  TRANSACTIONAL_ID: 5,
  DELEGATION_TOKEN: 6,
  USER: 7,
} as const;
export type ResourceType = (typeof ResourceType)[keyof typeof ResourceType];

export const PatternType = {
  UNKNOWN: 0,
  /** Filters only: any pattern type, names compared exactly. */
  ANY: 1,
  /** Filters only: every binding that would apply to the named resource (literal, `*`, prefixes). */
  MATCH: 2,
  LITERAL: 3,
  PREFIXED: 4,
} as const;
export type PatternType = (typeof PatternType)[keyof typeof PatternType];

export const AclPermission = {
  UNKNOWN: 0,
  /** Filters only. */
  ANY: 1,
  DENY: 2,
  ALLOW: 3,
} as const;
export type AclPermission = (typeof AclPermission)[keyof typeof AclPermission];

/** The one CLUSTER resource's name, as Kafka spells it. */
export const CLUSTER_RESOURCE = 'kafka-cluster';
/** A literal resource name matching every resource of its type. */
export const WILDCARD_RESOURCE = '*';
/** The principal matching everyone. */
export const WILDCARD_PRINCIPAL = 'User:*';
/** The host matching every address. */
export const WILDCARD_HOST = '*';
/** Who a request comes from when no authentication named anyone. */
export const ANONYMOUS = 'User:ANONYMOUS';

/** One ACL: who may (or may not) do what to which resources, from where. */
export interface AclBinding {
  resourceType: number;
  resourceName: string;
  patternType: number;
  principal: string;
  host: string;
  operation: number;
  permission: number;
}

/** A DescribeAcls/DeleteAcls filter: `null` names, principals and hosts match anything. */
export interface AclBindingFilter {
  resourceType: number;
  resourceName: string | null;
  patternType: number;
  principal: string | null;
  host: string | null;
  operation: number;
  permission: number;
}

/** The operations Kafka defines for each resource type (the bits of authorized operations). */
export const OPERATIONS_BY_RESOURCE: Readonly<Record<number, readonly number[]>> = {
  [ResourceType.TOPIC]: [
    AclOperation.READ,
    AclOperation.WRITE,
    AclOperation.CREATE,
    AclOperation.DELETE,
    AclOperation.ALTER,
    AclOperation.DESCRIBE,
    AclOperation.DESCRIBE_CONFIGS,
    AclOperation.ALTER_CONFIGS,
  ],
  [ResourceType.GROUP]: [AclOperation.READ, AclOperation.DELETE, AclOperation.DESCRIBE],
  [ResourceType.CLUSTER]: [
    AclOperation.CREATE,
    AclOperation.ALTER,
    AclOperation.DESCRIBE,
    AclOperation.CLUSTER_ACTION,
    AclOperation.DESCRIBE_CONFIGS,
    AclOperation.ALTER_CONFIGS,
    AclOperation.IDEMPOTENT_WRITE,
  ],
  [ResourceType.TRANSACTIONAL_ID]: [AclOperation.WRITE, AclOperation.DESCRIBE],
};
