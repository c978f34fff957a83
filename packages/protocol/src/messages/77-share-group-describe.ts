/**
 * ShareGroupDescribe (api key 77): version 1, flexible 1+ (KIP-932).
 *
 * Transcribed from Apache Kafka 4.1's ShareGroupDescribeRequest.json and
 * ShareGroupDescribeResponse.json. Errors per group: GROUP_AUTHORIZATION_FAILED, NOT_COORDINATOR,
 * COORDINATOR_NOT_AVAILABLE, COORDINATOR_LOAD_IN_PROGRESS, INVALID_REQUEST, INVALID_GROUP_ID,
 * GROUP_ID_NOT_FOUND, TOPIC_AUTHORIZATION_FAILED.
 */
import type { ApiSchema } from '../schema/index.js';

export interface ShareGroupDescribeRequest {
  groupIds: string[];
  includeAuthorizedOperations: boolean;
}

export interface ShareGroupDescribeMember {
  memberId: string;
  rackId: string | null;
  memberEpoch: number;
  clientId: string;
  clientHost: string;
  subscribedTopicNames: string[];
  assignment: { topicPartitions: { topicId: string; topicName: string; partitions: number[] }[] };
}

export interface ShareGroupDescribeGroup {
  errorCode: number;
  errorMessage: string | null;
  groupId: string;
  groupState: string;
  groupEpoch: number;
  assignmentEpoch: number;
  assignorName: string;
  members: ShareGroupDescribeMember[];
  authorizedOperations: number;
}

export interface ShareGroupDescribeResponse {
  throttleTimeMs: number;
  groups: ShareGroupDescribeGroup[];
}

export const ShareGroupDescribeSchema: ApiSchema = {
  name: 'ShareGroupDescribe',
  apiKey: 77,
  validVersions: '1',
  flexibleVersions: '1+',
  request: {
    fields: [
      { name: 'groupIds', type: '[]string', versions: '1+' },
      { name: 'includeAuthorizedOperations', type: 'bool', versions: '1+' },
    ],
  },
  response: {
    fields: [
      { name: 'throttleTimeMs', type: 'int32', versions: '1+' },
      {
        name: 'groups',
        type: '[]DescribedGroup',
        versions: '1+',
        fields: [
          { name: 'errorCode', type: 'int16', versions: '1+' },
          { name: 'errorMessage', type: 'string', versions: '1+', nullableVersions: '1+', default: null },
          { name: 'groupId', type: 'string', versions: '1+' },
          { name: 'groupState', type: 'string', versions: '1+' },
          { name: 'groupEpoch', type: 'int32', versions: '1+' },
          { name: 'assignmentEpoch', type: 'int32', versions: '1+' },
          { name: 'assignorName', type: 'string', versions: '1+' },
          {
            name: 'members',
            type: '[]Member',
            versions: '1+',
            fields: [
              { name: 'memberId', type: 'string', versions: '1+' },
              { name: 'rackId', type: 'string', versions: '1+', nullableVersions: '1+', default: null },
              { name: 'memberEpoch', type: 'int32', versions: '1+' },
              { name: 'clientId', type: 'string', versions: '1+' },
              { name: 'clientHost', type: 'string', versions: '1+' },
              { name: 'subscribedTopicNames', type: '[]string', versions: '1+' },
              {
                name: 'assignment',
                type: 'Assignment',
                versions: '1+',
                fields: [
                  {
                    name: 'topicPartitions',
                    type: '[]TopicPartitions',
                    versions: '1+',
                    fields: [
                      { name: 'topicId', type: 'uuid', versions: '1+' },
                      { name: 'topicName', type: 'string', versions: '1+' },
                      { name: 'partitions', type: '[]int32', versions: '1+' },
                    ],
                  },
                ],
              },
            ],
          },
          { name: 'authorizedOperations', type: 'int32', versions: '1+', default: -2147483648 },
        ],
      },
    ],
  },
};
