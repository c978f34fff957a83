/**
 * CreateAcls (api key 30): versions 0-3, flexible 2+.
 *
 * Transcribed from Apache Kafka's CreateAclsRequest.json and CreateAclsResponse.json.
 *
 * Request versions (Kafka's notes):
 *   Version 1 adds resource pattern type.
 *   Version 2 enables flexible versions.
 *   Version 3 adds user resource type.
 *
 * Response versions (Kafka's notes):
 *   Starting in version 1, on quota violation, brokers send out responses before throttling.
 *   Version 2 enables flexible versions.
 *   Version 3 adds user resource type.
 */
import type { ApiSchema } from '../schema/index.js';

export interface CreateAclsRequest {
  /** The ACLs that we want to create. */
  creations: CreateAclsRequestAclCreation[];
}

export interface CreateAclsRequestAclCreation {
  /** The type of the resource. */
  resourceType: number;
  /** The resource name for the ACL. */
  resourceName: string;
  /** (v1+) The pattern type for the ACL. */
  resourcePatternType: number;
  /** The principal for the ACL. */
  principal: string;
  /** The host for the ACL. */
  host: string;
  /** The operation type for the ACL (read, write, etc.). */
  operation: number;
  /** The permission type for the ACL (allow, deny, etc.). */
  permissionType: number;
}

export interface CreateAclsResponse {
  throttleTimeMs: number;
  /** The results for each ACL creation. */
  results: readonly CreateAclsResponseAclCreationResult[];
}

export interface CreateAclsResponseAclCreationResult {
  /** The result error, or zero if there was no error. */
  errorCode: number;
  /** The result message, or null if there was no error. */
  errorMessage: string | null;
}

export const CreateAclsSchema: ApiSchema = {
  name: 'CreateAcls',
  apiKey: 30,
  validVersions: '0-3',
  flexibleVersions: '2+',
  request: {
    fields: [
      {
        name: 'creations',
        type: '[]AclCreation',
        versions: '0+',
        about: 'The ACLs that we want to create.',
        fields: [
          { name: 'resourceType', type: 'int8', versions: '0+', about: 'The type of the resource.' },
          { name: 'resourceName', type: 'string', versions: '0+', about: 'The resource name for the ACL.' },
          {
            name: 'resourcePatternType',
            type: 'int8',
            versions: '1+',
            default: 3,
            about: 'The pattern type for the ACL.',
          },
          { name: 'principal', type: 'string', versions: '0+', about: 'The principal for the ACL.' },
          { name: 'host', type: 'string', versions: '0+', about: 'The host for the ACL.' },
          {
            name: 'operation',
            type: 'int8',
            versions: '0+',
            about: 'The operation type for the ACL (read, write, etc.).',
          },
          {
            name: 'permissionType',
            type: 'int8',
            versions: '0+',
            about: 'The permission type for the ACL (allow, deny, etc.).',
          },
        ],
      },
    ],
  },
  response: {
    fields: [
      { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
      {
        name: 'results',
        type: '[]AclCreationResult',
        versions: '0+',
        about: 'The results for each ACL creation.',
        fields: [
          {
            name: 'errorCode',
            type: 'int16',
            versions: '0+',
            about: 'The result error, or zero if there was no error.',
          },
          {
            name: 'errorMessage',
            type: 'string',
            versions: '0+',
            nullableVersions: '0+',
            about: 'The result message, or null if there was no error.',
          },
        ],
      },
    ],
  },
};
