/**
 * ListGroups (api key 16): versions 0-5, flexible 3+.
 *
 * Transcribed from Apache Kafka's ListGroupsRequest.json and ListGroupsResponse.json.
 *
 * Request versions (Kafka's notes):
 *   Version 1 and 2 are the same as version 0.
 *
 *   Version 3 is the first flexible version.
 *
 *   Version 4 adds the StatesFilter field (KIP-518).
 *
 *   Version 5 adds the TypesFilter field (KIP-848).
 *
 * Response versions (Kafka's notes):
 *   Version 1 adds the throttle time.
 *
 *   Starting in version 2, on quota violation, brokers send out
 *   responses before throttling.
 *
 *   Version 3 is the first flexible version.
 *
 *   Version 4 adds the GroupState field (KIP-518).
 *
 *   Version 5 adds the GroupType field (KIP-848).
 */
import type { ApiSchema } from '../schema/index.js';

export interface ListGroupsRequest {
  /** (v4+) The states of the groups we want to list. */
  statesFilter: string[];
  /** (v5+) The types of the groups we want to list. */
  typesFilter: string[];
}

export interface ListGroupsResponse {
  /** (v1+) */
  throttleTimeMs?: number;
  /** The error code, or 0 if there was no error. */
  errorCode: number;
  /** Each group in the response. */
  groups: readonly ListGroupsResponseListedGroup[];
}

export interface ListGroupsResponseListedGroup {
  /** The group ID. */
  groupId: string;
  /** The group protocol type. */
  protocolType: string;
  /** (v4+) The group state name. */
  groupState?: string;
  /** (v5+) The group type name. */
  groupType?: string;
}

export const ListGroupsSchema: ApiSchema = {
  name: 'ListGroups',
  apiKey: 16,
  validVersions: '0-5',
  flexibleVersions: '3+',
  request: {
    fields: [
      {
        name: 'statesFilter',
        type: '[]string',
        versions: '4+',
        about: 'The states of the groups we want to list.',
      },
      {
        name: 'typesFilter',
        type: '[]string',
        versions: '5+',
        about: 'The types of the groups we want to list.',
      },
    ],
  },
  response: {
    fields: [
      { name: 'throttleTimeMs', type: 'int32', versions: '1+', ignorable: true },
      {
        name: 'errorCode',
        type: 'int16',
        versions: '0+',
        about: 'The error code, or 0 if there was no error.',
      },
      {
        name: 'groups',
        type: '[]ListedGroup',
        versions: '0+',
        about: 'Each group in the response.',
        fields: [
          { name: 'groupId', type: 'string', versions: '0+', about: 'The group ID.' },
          { name: 'protocolType', type: 'string', versions: '0+', about: 'The group protocol type.' },
          {
            name: 'groupState',
            type: 'string',
            versions: '4+',
            ignorable: true,
            about: 'The group state name.',
          },
          {
            name: 'groupType',
            type: 'string',
            versions: '5+',
            ignorable: true,
            about: 'The group type name.',
          },
        ],
      },
    ],
  },
};
