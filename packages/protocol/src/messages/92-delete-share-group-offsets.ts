/**
 * DeleteShareGroupOffsets (api key 92): version 0, flexible 0+ (KIP-932): forgets a share group's
 * state for whole topics, what `kafka-share-groups --delete-offsets` and the Admin client's
 * deleteShareGroupOffsets send; the next fetch starts from `share.auto.offset.reset`. The group
 * must be empty.
 *
 * Transcribed from Apache Kafka 4.1's DeleteShareGroupOffsetsRequest.json and
 * DeleteShareGroupOffsetsResponse.json.
 */
import type { ApiSchema, FieldSpec } from '../schema/index.js';

export interface DeleteShareGroupOffsetsRequest {
  groupId: string;
  topics: { topicName: string }[];
}

export interface DeleteShareGroupOffsetsResponseTopic {
  topicName: string;
  topicId: string;
  errorCode: number;
  errorMessage: string | null;
}

export interface DeleteShareGroupOffsetsResponse {
  throttleTimeMs: number;
  errorCode: number;
  errorMessage: string | null;
  responses: DeleteShareGroupOffsetsResponseTopic[];
}

const errorMessage: FieldSpec = {
  name: 'errorMessage',
  type: 'string',
  versions: '0+',
  nullableVersions: '0+',
  default: null,
};

export const DeleteShareGroupOffsetsSchema: ApiSchema = {
  name: 'DeleteShareGroupOffsets',
  apiKey: 92,
  validVersions: '0',
  flexibleVersions: '0+',
  request: {
    fields: [
      { name: 'groupId', type: 'string', versions: '0+' },
      {
        name: 'topics',
        type: '[]DeleteShareGroupOffsetsRequestTopic',
        versions: '0+',
        fields: [{ name: 'topicName', type: 'string', versions: '0+' }],
      },
    ],
  },
  response: {
    fields: [
      { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
      { name: 'errorCode', type: 'int16', versions: '0+' },
      errorMessage,
      {
        name: 'responses',
        type: '[]DeleteShareGroupOffsetsResponseTopic',
        versions: '0+',
        fields: [
          { name: 'topicName', type: 'string', versions: '0+' },
          { name: 'topicId', type: 'uuid', versions: '0+' },
          { name: 'errorCode', type: 'int16', versions: '0+' },
          errorMessage,
        ],
      },
    ],
  },
};
