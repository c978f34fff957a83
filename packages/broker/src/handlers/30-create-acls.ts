import { ApiKey, type CreateAclsRequest, type CreateAclsResponse, ErrorCode } from '@kilgore/protocol';
import { invalidBindingReason } from '../acl/matching.js';
import { type AclBinding, AclOperation, CLUSTER_RESOURCE, PatternType, ResourceType } from '../acl/types.js';
import { NO_AUTHORIZER } from './29-describe-acls.js';
import { defineHandler } from './types.js';

/**
 * CreateAcls: one result per creation, in order. Needs ALTER on the cluster. Valid creations are
 * stored together (one write) even when others in the same request are refused, as Kafka does.
 */
export const createAclsHandler = defineHandler<CreateAclsRequest, CreateAclsResponse>({
  apiKey: ApiKey.CreateAcls,
  minVersion: 0,
  maxVersion: 3,
  handle(request, info, broker) {
    const all = (errorCode: number, errorMessage: string): CreateAclsResponse => ({
      throttleTimeMs: 0,
      results: request.creations.map(() => ({ errorCode, errorMessage })),
    });
    const authorizer = broker.authorizer;
    if (!authorizer.enabled) return all(ErrorCode.SECURITY_DISABLED, NO_AUTHORIZER);
    if (!authorizer.authorize(info, AclOperation.ALTER, ResourceType.CLUSTER, CLUSTER_RESOURCE)) {
      return all(ErrorCode.CLUSTER_AUTHORIZATION_FAILED, 'Cluster authorization failed.');
    }
    const valid: AclBinding[] = [];
    const results = request.creations.map((c) => {
      const binding: AclBinding = {
        resourceType: c.resourceType,
        resourceName: c.resourceName,
        patternType: info.apiVersion >= 1 ? c.resourcePatternType : PatternType.LITERAL,
        principal: c.principal,
        host: c.host,
        operation: c.operation,
        permission: c.permissionType,
      };
      const reason = invalidBindingReason(binding);
      if (reason !== null) return { errorCode: ErrorCode.INVALID_REQUEST, errorMessage: reason };
      valid.push(binding);
      return { errorCode: ErrorCode.NONE, errorMessage: null };
    });
    try {
      authorizer.store.add(valid);
    } catch (err) {
      broker.log.error({ err }, 'storing ACLs failed');
      return all(ErrorCode.UNKNOWN_SERVER_ERROR, `storing ACLs failed: ${(err as Error).message}`);
    }
    return { throttleTimeMs: 0, results };
  },
});
