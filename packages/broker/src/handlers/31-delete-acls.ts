import {
  ApiKey,
  type DeleteAclsRequest,
  type DeleteAclsResponse,
  type DeleteAclsResponseDeleteAclsFilterResult,
  ErrorCode,
} from '@kilgore/protocol';
import { invalidFilterReason } from '../acl/matching.js';
import {
  type AclBindingFilter,
  AclOperation,
  CLUSTER_RESOURCE,
  PatternType,
  ResourceType,
} from '../acl/types.js';
import { NO_AUTHORIZER } from './29-describe-acls.js';
import { defineHandler } from './types.js';

/**
 * DeleteAcls: every ACL under any of the filters is removed (one write), and each filter's result
 * lists the ACLs it matched. Needs ALTER on the cluster.
 */
export const deleteAclsHandler = defineHandler<DeleteAclsRequest, DeleteAclsResponse>({
  apiKey: ApiKey.DeleteAcls,
  minVersion: 0,
  maxVersion: 3,
  handle(request, info, broker) {
    const all = (errorCode: number, errorMessage: string): DeleteAclsResponse => ({
      throttleTimeMs: 0,
      filterResults: request.filters.map(() => ({ errorCode, errorMessage, matchingAcls: [] })),
    });
    const authorizer = broker.authorizer;
    if (!authorizer.enabled) return all(ErrorCode.SECURITY_DISABLED, NO_AUTHORIZER);
    if (!authorizer.authorize(info, AclOperation.ALTER, ResourceType.CLUSTER, CLUSTER_RESOURCE)) {
      return all(ErrorCode.CLUSTER_AUTHORIZATION_FAILED, 'Cluster authorization failed.');
    }
    const filters: (AclBindingFilter | string)[] = request.filters.map((f) => {
      const filter: AclBindingFilter = {
        resourceType: f.resourceTypeFilter,
        resourceName: f.resourceNameFilter,
        patternType: info.apiVersion >= 1 ? f.patternTypeFilter : PatternType.LITERAL,
        principal: f.principalFilter,
        host: f.hostFilter,
        operation: f.operation,
        permission: f.permissionType,
      };
      return invalidFilterReason(filter) ?? filter;
    });
    const usable = filters.filter((f): f is AclBindingFilter => typeof f !== 'string');
    let removed: ReturnType<typeof authorizer.store.remove>;
    try {
      removed = authorizer.store.remove(usable);
    } catch (err) {
      broker.log.error({ err }, 'deleting ACLs failed');
      return all(ErrorCode.UNKNOWN_SERVER_ERROR, `deleting ACLs failed: ${(err as Error).message}`);
    }
    let next = 0;
    const filterResults = filters.map((f): DeleteAclsResponseDeleteAclsFilterResult => {
      if (typeof f === 'string')
        return { errorCode: ErrorCode.INVALID_REQUEST, errorMessage: f, matchingAcls: [] };
      return {
        errorCode: ErrorCode.NONE,
        errorMessage: null,
        matchingAcls: (removed[next++] ?? []).map((b) => ({
          errorCode: ErrorCode.NONE,
          errorMessage: null,
          resourceType: b.resourceType,
          resourceName: b.resourceName,
          patternType: b.patternType,
          principal: b.principal,
          host: b.host,
          operation: b.operation,
          permissionType: b.permission,
        })),
      };
    });
    return { throttleTimeMs: 0, filterResults };
  },
});
