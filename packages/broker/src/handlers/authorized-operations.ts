/**
 * Authorized-operations bitfields (KIP-430). Kilgore has no authorizer yet, so every operation is
 * allowed; the bits are Kafka's AclOperation codes.
 */

/** Kafka's "not requested" marker. */
export const NOT_REQUESTED = -2147483648;

/** READ, WRITE, CREATE, DELETE, ALTER, DESCRIBE, DESCRIBE_CONFIGS, ALTER_CONFIGS. */
export const ALL_TOPIC_OPERATIONS = bits(3, 4, 5, 6, 7, 8, 10, 11);

/** CREATE, ALTER, DESCRIBE, CLUSTER_ACTION, DESCRIBE_CONFIGS, ALTER_CONFIGS, IDEMPOTENT_WRITE. */
export const ALL_CLUSTER_OPERATIONS = bits(5, 7, 8, 9, 10, 11, 12);

function bits(...ops: number[]): number {
  return ops.reduce((acc, op) => acc | (1 << op), 0);
}

/** READ, DELETE, DESCRIBE. */
export const ALL_GROUP_OPERATIONS = bits(3, 6, 8);
