/**
 * ConsumerGroupDescribe (api key 69): versions 0-1, flexible 0+.
 *
 * Transcribed from Apache Kafka's ConsumerGroupDescribeRequest.json and ConsumerGroupDescribeResponse.json.
 * Version 1 (Kafka 4.0, KIP-1099) adds the member's type to each described member; the request is
 * the same as version 0.
 *
 * Response versions (Kafka's notes):
 *   Supported errors:
 *   - GROUP_AUTHORIZATION_FAILED (version 0+)
 *   - NOT_COORDINATOR (version 0+)
 *   - COORDINATOR_NOT_AVAILABLE (version 0+)
 *   - COORDINATOR_LOAD_IN_PROGRESS (version 0+)
 *   - INVALID_REQUEST (version 0+)
 *   - INVALID_GROUP_ID (version 0+)
 *   - GROUP_ID_NOT_FOUND (version 0+)
 */
import type { ApiSchema } from '../schema/index.js';

export interface ConsumerGroupDescribeRequest {
  /** The ids of the groups to describe */
  groupIds: string[];
  /** Whether to include authorized operations. */
  includeAuthorizedOperations: boolean;
}

export interface ConsumerGroupDescribeResponse {
  throttleTimeMs: number;
  /** Each described group. */
  groups: readonly ConsumerGroupDescribeResponseDescribedGroup[];
}

export interface ConsumerGroupDescribeResponseDescribedGroup {
  /** The describe error, or 0 if there was no error. */
  errorCode: number;
  /** The top-level error message, or null if there was no error. */
  errorMessage: string | null;
  /** The group ID string. */
  groupId: string;
  /** The group state string, or the empty string. */
  groupState: string;
  /** The group epoch. */
  groupEpoch: number;
  /** The assignment epoch. */
  assignmentEpoch: number;
  /** The selected assignor. */
  assignorName: string;
  /** The members. */
  members: readonly ConsumerGroupDescribeResponseMember[];
  /** 32-bit bitfield to represent authorized operations for this group. */
  authorizedOperations: number;
}

export interface ConsumerGroupDescribeResponseMember {
  /** The member ID. */
  memberId: string;
  /** The member instance ID. */
  instanceId: string | null;
  /** The member rack ID. */
  rackId: string | null;
  /** The current member epoch. */
  memberEpoch: number;
  /** The client ID. */
  clientId: string;
  /** The client host. */
  clientHost: string;
  /** The subscribed topic names. */
  subscribedTopicNames: readonly string[];
  /** the subscribed topic regex otherwise or null of not provided. */
  subscribedTopicRegex: string | null;
  /** The current assignment. */
  assignment: ConsumerGroupDescribeResponseAssignment;
  /** The target assignment. */
  targetAssignment: ConsumerGroupDescribeResponseAssignment;
  /** (v1+) -1 for unknown, 0 for a classic member, 1 for a consumer member. */
  memberType?: number;
}

export interface ConsumerGroupDescribeResponseAssignment {
  /** The assigned topic-partitions to the member. */
  topicPartitions: readonly ConsumerGroupDescribeResponseTopicPartitions[];
}

export interface ConsumerGroupDescribeResponseTopicPartitions {
  /** The topic ID. */
  topicId: string;
  /** The topic name. */
  topicName: string;
  /** The partitions. */
  partitions: readonly number[];
}

export const ConsumerGroupDescribeSchema: ApiSchema = {
  name: 'ConsumerGroupDescribe',
  apiKey: 69,
  validVersions: '0-1',
  flexibleVersions: '0+',
  request: {
    fields: [
      { name: 'groupIds', type: '[]string', versions: '0+', about: 'The ids of the groups to describe' },
      {
        name: 'includeAuthorizedOperations',
        type: 'bool',
        versions: '0+',
        about: 'Whether to include authorized operations.',
      },
    ],
  },
  response: {
    fields: [
      { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
      {
        name: 'groups',
        type: '[]DescribedGroup',
        versions: '0+',
        about: 'Each described group.',
        fields: [
          {
            name: 'errorCode',
            type: 'int16',
            versions: '0+',
            about: 'The describe error, or 0 if there was no error.',
          },
          {
            name: 'errorMessage',
            type: 'string',
            versions: '0+',
            nullableVersions: '0+',
            default: null,
            about: 'The top-level error message, or null if there was no error.',
          },
          { name: 'groupId', type: 'string', versions: '0+', about: 'The group ID string.' },
          {
            name: 'groupState',
            type: 'string',
            versions: '0+',
            about: 'The group state string, or the empty string.',
          },
          { name: 'groupEpoch', type: 'int32', versions: '0+', about: 'The group epoch.' },
          { name: 'assignmentEpoch', type: 'int32', versions: '0+', about: 'The assignment epoch.' },
          { name: 'assignorName', type: 'string', versions: '0+', about: 'The selected assignor.' },
          {
            name: 'members',
            type: '[]Member',
            versions: '0+',
            about: 'The members.',
            fields: [
              { name: 'memberId', type: 'string', versions: '0+', about: 'The member ID.' },
              {
                name: 'instanceId',
                type: 'string',
                versions: '0+',
                nullableVersions: '0+',
                default: null,
                about: 'The member instance ID.',
              },
              {
                name: 'rackId',
                type: 'string',
                versions: '0+',
                nullableVersions: '0+',
                default: null,
                about: 'The member rack ID.',
              },
              { name: 'memberEpoch', type: 'int32', versions: '0+', about: 'The current member epoch.' },
              { name: 'clientId', type: 'string', versions: '0+', about: 'The client ID.' },
              { name: 'clientHost', type: 'string', versions: '0+', about: 'The client host.' },
              {
                name: 'subscribedTopicNames',
                type: '[]string',
                versions: '0+',
                about: 'The subscribed topic names.',
              },
              {
                name: 'subscribedTopicRegex',
                type: 'string',
                versions: '0+',
                nullableVersions: '0+',
                default: null,
                about: 'the subscribed topic regex otherwise or null of not provided.',
              },
              {
                name: 'assignment',
                type: 'Assignment',
                versions: '0+',
                about: 'The current assignment.',
                fields: [
                  {
                    name: 'topicPartitions',
                    type: '[]TopicPartitions',
                    versions: '0+',
                    about: 'The assigned topic-partitions to the member.',
                    fields: [
                      { name: 'topicId', type: 'uuid', versions: '0+', about: 'The topic ID.' },
                      { name: 'topicName', type: 'string', versions: '0+', about: 'The topic name.' },
                      { name: 'partitions', type: '[]int32', versions: '0+', about: 'The partitions.' },
                    ],
                  },
                ],
              },
              {
                name: 'targetAssignment',
                type: 'Assignment',
                versions: '0+',
                about: 'The target assignment.',
                fields: [
                  {
                    name: 'topicPartitions',
                    type: '[]TopicPartitions',
                    versions: '0+',
                    about: 'The assigned topic-partitions to the member.',
                    fields: [
                      { name: 'topicId', type: 'uuid', versions: '0+', about: 'The topic ID.' },
                      { name: 'topicName', type: 'string', versions: '0+', about: 'The topic name.' },
                      { name: 'partitions', type: '[]int32', versions: '0+', about: 'The partitions.' },
                    ],
                  },
                ],
              },
              { name: 'memberType', type: 'int8', versions: '1+', default: -1, ignorable: true },
            ],
          },
          { name: 'authorizedOperations', type: 'int32', versions: '0+', default: -2147483648 },
        ],
      },
    ],
  },
};
