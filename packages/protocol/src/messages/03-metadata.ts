/**
 * Metadata (api key 3): versions 0-13, flexible 9+.
 *
 * Transcribed from Apache Kafka's MetadataRequest.json and MetadataResponse.json.
 *
 * Request versions (Kafka's notes):
 *   In version 0, an empty array indicates "request metadata for all topics."  In version 1 and
 *   higher, an empty array indicates "request metadata for no topics," and a null array is used to
 *   indicate "request metadata for all topics."
 *
 *   Version 2 and 3 are the same as version 1.
 *
 *   Version 4 adds AllowAutoTopicCreation.
 *
 *   Starting in version 8, authorized operations can be requested for cluster and topic resource.
 *
 *   Version 9 is the first flexible version.
 *
 *   Version 10 adds topicId and allows name field to be null. However, this functionality was not implemented on the server.
 *   Versions 10 and 11 should not use the topicId field or set topic name to null.
 *
 *   Version 11 deprecates IncludeClusterAuthorizedOperations field. This is now exposed
 *   by the DescribeCluster API (KIP-700).
 *   Version 12 supports topic Id.
 *   Version 13 supports top-level error code in the response.
 *
 * Response versions (Kafka's notes):
 *   Version 1 adds fields for the rack of each broker, the controller id, and
 *   whether or not the topic is internal.
 *
 *   Version 2 adds the cluster ID field.
 *
 *   Version 3 adds the throttle time.
 *
 *   Version 4 is the same as version 3.
 *
 *   Version 5 adds a per-partition offline_replicas field. This field specifies
 *   the list of replicas that are offline.
 *
 *   Starting in version 6, on quota violation, brokers send out responses before throttling.
 *
 *   Version 7 adds the leader epoch to the partition metadata.
 *
 *   Starting in version 8, brokers can send authorized operations for topic and cluster.
 *
 *   Version 9 is the first flexible version.
 *
 *   Version 10 adds topicId.
 *
 *   Version 11 deprecates ClusterAuthorizedOperations. This is now exposed
 *   by the DescribeCluster API (KIP-700).
 *   Version 12 supports topicId.
 *   Version 13 supports top-level error code in the response.
 */
import type { ApiSchema } from '../schema/index.js';

export interface MetadataRequest {
  /** (nullable v1+) The topics to fetch metadata for. */
  topics: MetadataRequestMetadataRequestTopic[] | null;
  /** (v4+) */
  allowAutoTopicCreation: boolean;
  /** (v8-10) Whether to include cluster authorized operations. */
  includeClusterAuthorizedOperations: boolean;
  /** (v8+) Whether to include topic authorized operations. */
  includeTopicAuthorizedOperations: boolean;
}

export interface MetadataRequestMetadataRequestTopic {
  /** (v10+) The topic id. */
  topicId: string;
  /** (nullable v10+) The topic name. */
  name: string | null;
}

export interface MetadataResponse {
  /** (v3+) */
  throttleTimeMs?: number;
  /** A list of brokers present in the cluster. */
  brokers: readonly MetadataResponseMetadataResponseBroker[];
  /** (v2+) The cluster ID that responding broker belongs to. */
  clusterId?: string | null;
  /** (v1+) The ID of the controller broker. */
  controllerId?: number;
  /** Each topic in the response. */
  topics: readonly MetadataResponseMetadataResponseTopic[];
  /** (v8-10) 32-bit bitfield to represent authorized operations for this cluster. */
  clusterAuthorizedOperations?: number;
  /** (v13+) The top-level error code, or 0 if there was no error. */
  errorCode?: number;
}

export interface MetadataResponseMetadataResponseBroker {
  /** The broker ID. */
  nodeId: number;
  /** The broker hostname. */
  host: string;
  /** The broker port. */
  port: number;
  /** (v1+) The rack of the broker, or null if it has not been assigned to a rack. */
  rack?: string | null;
}

export interface MetadataResponseMetadataResponseTopic {
  /** The topic error, or 0 if there was no error. */
  errorCode: number;
  /** (nullable v12+) The topic name. */
  name: string | null;
  /** (v10+) The topic id. */
  topicId?: string;
  /** (v1+) True if the topic is internal. */
  isInternal?: boolean;
  /** Each partition in the topic. */
  partitions: readonly MetadataResponseMetadataResponsePartition[];
  /** (v8+) 32-bit bitfield to represent authorized operations for this topic. */
  topicAuthorizedOperations?: number;
}

export interface MetadataResponseMetadataResponsePartition {
  /** The partition error, or 0 if there was no error. */
  errorCode: number;
  /** The partition index. */
  partitionIndex: number;
  /** The ID of the leader broker. */
  leaderId: number;
  /** (v7+) The leader epoch of this partition. */
  leaderEpoch?: number;
  /** The set of all nodes that host this partition. */
  replicaNodes: readonly number[];
  /** The set of nodes that are in sync with the leader for this partition. */
  isrNodes: readonly number[];
  /** (v5+) The set of offline replicas of this partition. */
  offlineReplicas?: readonly number[];
}

export const MetadataSchema: ApiSchema = {
  name: 'Metadata',
  apiKey: 3,
  validVersions: '0-13',
  flexibleVersions: '9+',
  request: {
    fields: [
      {
        name: 'topics',
        type: '[]MetadataRequestTopic',
        versions: '0+',
        nullableVersions: '1+',
        about: 'The topics to fetch metadata for.',
        fields: [
          { name: 'topicId', type: 'uuid', versions: '10+', ignorable: true, about: 'The topic id.' },
          { name: 'name', type: 'string', versions: '0+', nullableVersions: '10+', about: 'The topic name.' },
        ],
      },
      { name: 'allowAutoTopicCreation', type: 'bool', versions: '4+', default: true },
      {
        name: 'includeClusterAuthorizedOperations',
        type: 'bool',
        versions: '8-10',
        about: 'Whether to include cluster authorized operations.',
      },
      {
        name: 'includeTopicAuthorizedOperations',
        type: 'bool',
        versions: '8+',
        about: 'Whether to include topic authorized operations.',
      },
    ],
  },
  response: {
    fields: [
      { name: 'throttleTimeMs', type: 'int32', versions: '3+', ignorable: true },
      {
        name: 'brokers',
        type: '[]MetadataResponseBroker',
        versions: '0+',
        about: 'A list of brokers present in the cluster.',
        fields: [
          { name: 'nodeId', type: 'int32', versions: '0+', about: 'The broker ID.' },
          { name: 'host', type: 'string', versions: '0+', about: 'The broker hostname.' },
          { name: 'port', type: 'int32', versions: '0+', about: 'The broker port.' },
          {
            name: 'rack',
            type: 'string',
            versions: '1+',
            nullableVersions: '1+',
            default: null,
            ignorable: true,
          },
        ],
      },
      {
        name: 'clusterId',
        type: 'string',
        versions: '2+',
        nullableVersions: '2+',
        default: null,
        ignorable: true,
        about: 'The cluster ID that responding broker belongs to.',
      },
      {
        name: 'controllerId',
        type: 'int32',
        versions: '1+',
        default: -1,
        ignorable: true,
        about: 'The ID of the controller broker.',
      },
      {
        name: 'topics',
        type: '[]MetadataResponseTopic',
        versions: '0+',
        about: 'Each topic in the response.',
        fields: [
          {
            name: 'errorCode',
            type: 'int16',
            versions: '0+',
            about: 'The topic error, or 0 if there was no error.',
          },
          { name: 'name', type: 'string', versions: '0+', nullableVersions: '12+', about: 'The topic name.' },
          { name: 'topicId', type: 'uuid', versions: '10+', ignorable: true, about: 'The topic id.' },
          {
            name: 'isInternal',
            type: 'bool',
            versions: '1+',
            default: false,
            ignorable: true,
            about: 'True if the topic is internal.',
          },
          {
            name: 'partitions',
            type: '[]MetadataResponsePartition',
            versions: '0+',
            about: 'Each partition in the topic.',
            fields: [
              {
                name: 'errorCode',
                type: 'int16',
                versions: '0+',
                about: 'The partition error, or 0 if there was no error.',
              },
              { name: 'partitionIndex', type: 'int32', versions: '0+', about: 'The partition index.' },
              { name: 'leaderId', type: 'int32', versions: '0+', about: 'The ID of the leader broker.' },
              {
                name: 'leaderEpoch',
                type: 'int32',
                versions: '7+',
                default: -1,
                ignorable: true,
                about: 'The leader epoch of this partition.',
              },
              {
                name: 'replicaNodes',
                type: '[]int32',
                versions: '0+',
                about: 'The set of all nodes that host this partition.',
              },
              { name: 'isrNodes', type: '[]int32', versions: '0+' },
              {
                name: 'offlineReplicas',
                type: '[]int32',
                versions: '5+',
                ignorable: true,
                about: 'The set of offline replicas of this partition.',
              },
            ],
          },
          { name: 'topicAuthorizedOperations', type: 'int32', versions: '8+', default: -2147483648 },
        ],
      },
      { name: 'clusterAuthorizedOperations', type: 'int32', versions: '8-10', default: -2147483648 },
      {
        name: 'errorCode',
        type: 'int16',
        versions: '13+',
        ignorable: true,
        about: 'The top-level error code, or 0 if there was no error.',
      },
    ],
  },
};
