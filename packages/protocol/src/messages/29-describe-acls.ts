/**
 * DescribeAcls (api key 29): versions 0-3, flexible 2+.
 *
 * Transcribed from Apache Kafka's DescribeAclsRequest.json and DescribeAclsResponse.json.
 *
 * Request versions (Kafka's notes):
 *   Version 1 adds resource pattern type.
 *   Version 2 enables flexible versions.
 *   Version 3 adds user resource type.
 *
 * Response versions (Kafka's notes):
 *   Version 1 adds PatternType.
 *   Starting in version 1, on quota violation, brokers send out responses before throttling.
 *   Version 2 enables flexible versions.
 *   Version 3 adds user resource type.
 */
import type { ApiSchema } from '../schema/index.js';

export interface DescribeAclsRequest {
  /** The resource type. */
  resourceTypeFilter: number;
  /** The resource name, or null to match any resource name. */
  resourceNameFilter: string | null;
  /** (v1+) The resource pattern to match. */
  patternTypeFilter: number;
  /** The principal to match, or null to match any principal. */
  principalFilter: string | null;
  /** The host to match, or null to match any host. */
  hostFilter: string | null;
  /** The operation to match. */
  operation: number;
  /** The permission type to match. */
  permissionType: number;
}

export interface DescribeAclsResponse {
  throttleTimeMs: number;
  /** The error code, or 0 if there was no error. */
  errorCode: number;
  /** The error message, or null if there was no error. */
  errorMessage: string | null;
  /** Each Resource that is referenced in an ACL. */
  resources: readonly DescribeAclsResponseDescribeAclsResource[];
}

export interface DescribeAclsResponseDescribeAclsResource {
  /** The resource type. */
  resourceType: number;
  /** The resource name. */
  resourceName: string;
  /** (v1+) The resource pattern type. */
  patternType?: number;
  /** The ACLs. */
  acls: readonly DescribeAclsResponseAclDescription[];
}

export interface DescribeAclsResponseAclDescription {
  /** The ACL principal. */
  principal: string;
  /** The ACL host. */
  host: string;
  /** The ACL operation. */
  operation: number;
  /** The ACL permission type. */
  permissionType: number;
}

export const DescribeAclsSchema: ApiSchema = {
  name: 'DescribeAcls',
  apiKey: 29,
  validVersions: '0-3',
  flexibleVersions: '2+',
  request: {
    fields: [
      { name: 'resourceTypeFilter', type: 'int8', versions: '0+', about: 'The resource type.' },
      {
        name: 'resourceNameFilter',
        type: 'string',
        versions: '0+',
        nullableVersions: '0+',
        about: 'The resource name, or null to match any resource name.',
      },
      {
        name: 'patternTypeFilter',
        type: 'int8',
        versions: '1+',
        default: 3,
        about: 'The resource pattern to match.',
      },
      {
        name: 'principalFilter',
        type: 'string',
        versions: '0+',
        nullableVersions: '0+',
        about: 'The principal to match, or null to match any principal.',
      },
      {
        name: 'hostFilter',
        type: 'string',
        versions: '0+',
        nullableVersions: '0+',
        about: 'The host to match, or null to match any host.',
      },
      { name: 'operation', type: 'int8', versions: '0+', about: 'The operation to match.' },
      { name: 'permissionType', type: 'int8', versions: '0+', about: 'The permission type to match.' },
    ],
  },
  response: {
    fields: [
      { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
      {
        name: 'errorCode',
        type: 'int16',
        versions: '0+',
        about: 'The error code, or 0 if there was no error.',
      },
      {
        name: 'errorMessage',
        type: 'string',
        versions: '0+',
        nullableVersions: '0+',
        about: 'The error message, or null if there was no error.',
      },
      {
        name: 'resources',
        type: '[]DescribeAclsResource',
        versions: '0+',
        about: 'Each Resource that is referenced in an ACL.',
        fields: [
          { name: 'resourceType', type: 'int8', versions: '0+', about: 'The resource type.' },
          { name: 'resourceName', type: 'string', versions: '0+', about: 'The resource name.' },
          {
            name: 'patternType',
            type: 'int8',
            versions: '1+',
            default: 3,
            about: 'The resource pattern type.',
          },
          {
            name: 'acls',
            type: '[]AclDescription',
            versions: '0+',
            about: 'The ACLs.',
            fields: [
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
