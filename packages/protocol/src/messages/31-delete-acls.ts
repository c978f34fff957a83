/**
 * DeleteAcls (api key 31): versions 0-3, flexible 2+.
 *
 * Transcribed from Apache Kafka's DeleteAclsRequest.json and DeleteAclsResponse.json.
 *
 * Request versions (Kafka's notes):
 *   Version 1 adds the pattern type.
 *   Version 2 enables flexible versions.
 *   Version 3 adds the user resource type.
 *
 * Response versions (Kafka's notes):
 *   Version 1 adds the resource pattern type.
 *   Starting in version 1, on quota violation, brokers send out responses before throttling.
 *   Version 2 enables flexible versions.
 *   Version 3 adds the user resource type.
 */
import type { ApiSchema } from '../schema/index.js';

export interface DeleteAclsRequest {
  /** The filters to use when deleting ACLs. */
  filters: DeleteAclsRequestDeleteAclsFilter[];
}

export interface DeleteAclsRequestDeleteAclsFilter {
  /** The resource type. */
  resourceTypeFilter: number;
  /** The resource name, or null to match any resource name. */
  resourceNameFilter: string | null;
  /** (v1+) The pattern type. */
  patternTypeFilter: number;
  /** The principal filter, or null to accept all principals. */
  principalFilter: string | null;
  /** The host filter, or null to accept all hosts. */
  hostFilter: string | null;
  /** The ACL operation. */
  operation: number;
  /** The permission type. */
  permissionType: number;
}

export interface DeleteAclsResponse {
  throttleTimeMs: number;
  /** The results for each filter. */
  filterResults: readonly DeleteAclsResponseDeleteAclsFilterResult[];
}

export interface DeleteAclsResponseDeleteAclsFilterResult {
  /** The error code, or 0 if the filter succeeded. */
  errorCode: number;
  /** The error message, or null if the filter succeeded. */
  errorMessage: string | null;
  /** The ACLs which matched this filter. */
  matchingAcls: readonly DeleteAclsResponseDeleteAclsMatchingAcl[];
}

export interface DeleteAclsResponseDeleteAclsMatchingAcl {
  /** The deletion error code, or 0 if the deletion succeeded. */
  errorCode: number;
  /** The deletion error message, or null if the deletion succeeded. */
  errorMessage: string | null;
  /** The ACL resource type. */
  resourceType: number;
  /** The ACL resource name. */
  resourceName: string;
  /** (v1+) The ACL resource pattern type. */
  patternType?: number;
  /** The ACL principal. */
  principal: string;
  /** The ACL host. */
  host: string;
  /** The ACL operation. */
  operation: number;
  /** The ACL permission type. */
  permissionType: number;
}

export const DeleteAclsSchema: ApiSchema = {
  name: 'DeleteAcls',
  apiKey: 31,
  validVersions: '0-3',
  flexibleVersions: '2+',
  request: {
    fields: [
      {
        name: 'filters',
        type: '[]DeleteAclsFilter',
        versions: '0+',
        about: 'The filters to use when deleting ACLs.',
        fields: [
          { name: 'resourceTypeFilter', type: 'int8', versions: '0+', about: 'The resource type.' },
          {
            name: 'resourceNameFilter',
            type: 'string',
            versions: '0+',
            nullableVersions: '0+',
            about: 'The resource name, or null to match any resource name.',
          },
          { name: 'patternTypeFilter', type: 'int8', versions: '1+', default: 3, about: 'The pattern type.' },
          {
            name: 'principalFilter',
            type: 'string',
            versions: '0+',
            nullableVersions: '0+',
            about: 'The principal filter, or null to accept all principals.',
          },
          {
            name: 'hostFilter',
            type: 'string',
            versions: '0+',
            nullableVersions: '0+',
            about: 'The host filter, or null to accept all hosts.',
          },
          { name: 'operation', type: 'int8', versions: '0+', about: 'The ACL operation.' },
          { name: 'permissionType', type: 'int8', versions: '0+', about: 'The permission type.' },
        ],
      },
    ],
  },
  response: {
    fields: [
      { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
      {
        name: 'filterResults',
        type: '[]DeleteAclsFilterResult',
        versions: '0+',
        about: 'The results for each filter.',
        fields: [
          {
            name: 'errorCode',
            type: 'int16',
            versions: '0+',
            about: 'The error code, or 0 if the filter succeeded.',
          },
          {
            name: 'errorMessage',
            type: 'string',
            versions: '0+',
            nullableVersions: '0+',
            about: 'The error message, or null if the filter succeeded.',
          },
          {
            name: 'matchingAcls',
            type: '[]DeleteAclsMatchingAcl',
            versions: '0+',
            about: 'The ACLs which matched this filter.',
            fields: [
              {
                name: 'errorCode',
                type: 'int16',
                versions: '0+',
                about: 'The deletion error code, or 0 if the deletion succeeded.',
              },
              {
                name: 'errorMessage',
                type: 'string',
                versions: '0+',
                nullableVersions: '0+',
                about: 'The deletion error message, or null if the deletion succeeded.',
              },
              { name: 'resourceType', type: 'int8', versions: '0+', about: 'The ACL resource type.' },
              { name: 'resourceName', type: 'string', versions: '0+', about: 'The ACL resource name.' },
              {
                name: 'patternType',
                type: 'int8',
                versions: '1+',
                default: 3,
                about: 'The ACL resource pattern type.',
              },
              { name: 'principal', type: 'string', versions: '0+', about: 'The ACL principal.' },
              { name: 'host', type: 'string', versions: '0+', about: 'The ACL host.' },
              { name: 'operation', type: 'int8', versions: '0+', about: 'The ACL operation.' },
              { name: 'permissionType', type: 'int8', versions: '0+', about: 'The ACL permission type.' },
            ],
          },
        ],
      },
    ],
  },
};
