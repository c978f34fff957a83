import {
  ApiKey,
  type DescribeAclsRequest,
  type DescribeAclsResponse,
  type DescribeAclsResponseDescribeAclsResource,
  ErrorCode,
} from '@kilgore/protocol';
import { invalidFilterReason } from '../acl/matching.js';
import { type AclBinding, AclOperation, CLUSTER_RESOURCE, PatternType, ResourceType } from '../acl/types.js';
import { defineHandler } from './types.js';

/** Kafka's message when no authorizer is configured (SECURITY_DISABLED). */
export const NO_AUTHORIZER = 'No Authorizer is configured on the broker';

/**
 * DescribeAcls: the ACLs under one filter, grouped by resource pattern. Needs DESCRIBE on the
 * cluster; answers SECURITY_DISABLED when no authorizer is configured, as Kafka does.
 */
export const describeAclsHandler = defineHandler<DescribeAclsRequest, DescribeAclsResponse>({
  apiKey: ApiKey.DescribeAcls,
  minVersion: 0,
  maxVersion: 3,
  handle(request, info, broker) {
    const fail = (errorCode: number, errorMessage: string): DescribeAclsResponse => ({
      throttleTimeMs: 0,
      errorCode,
      errorMessage,
      resources: [],
    });
    const authorizer = broker.authorizer;
    if (!authorizer.enabled) return fail(ErrorCode.SECURITY_DISABLED, NO_AUTHORIZER);
    if (!authorizer.authorize(info, AclOperation.DESCRIBE, ResourceType.CLUSTER, CLUSTER_RESOURCE)) {
      return fail(ErrorCode.CLUSTER_AUTHORIZATION_FAILED, 'Cluster authorization failed.');
    }
    const filter = {
      resourceType: request.resourceTypeFilter,
      resourceName: request.resourceNameFilter,
      // v0 has no pattern types: only literal ACLs existed.
      patternType: info.apiVersion >= 1 ? request.patternTypeFilter : PatternType.LITERAL,
      principal: request.principalFilter,
      host: request.hostFilter,
      operation: request.operation,
      permission: request.permissionType,
    };
    const invalid = invalidFilterReason(filter);
    if (invalid !== null) return fail(ErrorCode.INVALID_REQUEST, invalid);
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      resources: groupByResource(authorizer.store.find(filter)),
    };
  },
});

function groupByResource(bindings: readonly AclBinding[]): DescribeAclsResponseDescribeAclsResource[] {
  const byPattern = new Map<string, DescribeAclsResponseDescribeAclsResource & { acls: unknown[] }>();
  for (const b of bindings) {
    const key = JSON.stringify([b.resourceType, b.patternType, b.resourceName]);
    let entry = byPattern.get(key);
    if (entry === undefined) {
      entry = {
        resourceType: b.resourceType,
        resourceName: b.resourceName,
        patternType: b.patternType,
        acls: [],
      };
      byPattern.set(key, entry);
    }
    entry.acls.push({
      principal: b.principal,
      host: b.host,
      operation: b.operation,
      permissionType: b.permission,
    });
  }
  return [...byPattern.values()];
}
