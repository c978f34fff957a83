/**
 * The message schemas, one file per API, and the registry the codec and the router look them up in.
 *
 * The schemas are transcribed from Apache Kafka's message definitions
 * (clients/src/main/resources/common/message/*.json, Apache License 2.0), with version ranges
 * that span both the old versions Kafka 4.x dropped (KIP-896) and the newest ones, so every client
 * from kafka-python's Metadata v0 to the newest Java client can be decoded.
 */
import type { ApiSchema } from '../schema/index.js';
import { ProduceSchema } from './00-produce.js';
import { FetchSchema } from './01-fetch.js';
import { ListOffsetsSchema } from './02-list-offsets.js';
import { MetadataSchema } from './03-metadata.js';
import { OffsetCommitSchema } from './08-offset-commit.js';
import { OffsetFetchSchema } from './09-offset-fetch.js';
import { FindCoordinatorSchema } from './10-find-coordinator.js';
import { JoinGroupSchema } from './11-join-group.js';
import { HeartbeatSchema } from './12-heartbeat.js';
import { LeaveGroupSchema } from './13-leave-group.js';
import { SyncGroupSchema } from './14-sync-group.js';
import { DescribeGroupsSchema } from './15-describe-groups.js';
import { ListGroupsSchema } from './16-list-groups.js';
import { SaslHandshakeSchema } from './17-sasl-handshake.js';
import { ApiVersionsSchema } from './18-api-versions.js';
import { CreateTopicsSchema } from './19-create-topics.js';
import { DeleteTopicsSchema } from './20-delete-topics.js';
import { DeleteRecordsSchema } from './21-delete-records.js';
import { InitProducerIdSchema } from './22-init-producer-id.js';
import { OffsetForLeaderEpochSchema } from './23-offset-for-leader-epoch.js';
import { AddPartitionsToTxnSchema } from './24-add-partitions-to-txn.js';
import { AddOffsetsToTxnSchema } from './25-add-offsets-to-txn.js';
import { EndTxnSchema } from './26-end-txn.js';
import { TxnOffsetCommitSchema } from './28-txn-offset-commit.js';
import { DescribeAclsSchema } from './29-describe-acls.js';
import { CreateAclsSchema } from './30-create-acls.js';
import { DeleteAclsSchema } from './31-delete-acls.js';
import { DescribeConfigsSchema } from './32-describe-configs.js';
import { AlterConfigsSchema } from './33-alter-configs.js';
import { DescribeLogDirsSchema } from './35-describe-log-dirs.js';
import { SaslAuthenticateSchema } from './36-sasl-authenticate.js';
import { CreatePartitionsSchema } from './37-create-partitions.js';
import { DeleteGroupsSchema } from './42-delete-groups.js';
import { IncrementalAlterConfigsSchema } from './44-incremental-alter-configs.js';
import { AlterPartitionReassignmentsSchema } from './45-alter-partition-reassignments.js';
import { ListPartitionReassignmentsSchema } from './46-list-partition-reassignments.js';
import { OffsetDeleteSchema } from './47-offset-delete.js';
import { DescribeUserScramCredentialsSchema } from './50-describe-user-scram-credentials.js';
import { AlterUserScramCredentialsSchema } from './51-alter-user-scram-credentials.js';
import { DescribeClusterSchema } from './60-describe-cluster.js';
import { DescribeProducersSchema } from './61-describe-producers.js';
import { DescribeTransactionsSchema } from './65-describe-transactions.js';
import { ListTransactionsSchema } from './66-list-transactions.js';
import { ConsumerGroupHeartbeatSchema } from './68-consumer-group-heartbeat.js';
import { ConsumerGroupDescribeSchema } from './69-consumer-group-describe.js';
import { ShareGroupHeartbeatSchema } from './76-share-group-heartbeat.js';
import { ShareGroupDescribeSchema } from './77-share-group-describe.js';
import { ShareFetchSchema } from './78-share-fetch.js';
import { ShareAcknowledgeSchema } from './79-share-acknowledge.js';
import { DescribeShareGroupOffsetsSchema } from './90-describe-share-group-offsets.js';
import { AlterShareGroupOffsetsSchema } from './91-alter-share-group-offsets.js';
import { DeleteShareGroupOffsetsSchema } from './92-delete-share-group-offsets.js';

export * from './00-produce.js';
export * from './01-fetch.js';
export * from './02-list-offsets.js';
export * from './03-metadata.js';
export * from './08-offset-commit.js';
export * from './09-offset-fetch.js';
export * from './10-find-coordinator.js';
export * from './11-join-group.js';
export * from './12-heartbeat.js';
export * from './13-leave-group.js';
export * from './14-sync-group.js';
export * from './15-describe-groups.js';
export * from './16-list-groups.js';
export * from './17-sasl-handshake.js';
export * from './18-api-versions.js';
export * from './19-create-topics.js';
export * from './20-delete-topics.js';
export * from './21-delete-records.js';
export * from './22-init-producer-id.js';
export * from './23-offset-for-leader-epoch.js';
export * from './24-add-partitions-to-txn.js';
export * from './25-add-offsets-to-txn.js';
export * from './26-end-txn.js';
export * from './28-txn-offset-commit.js';
export * from './29-describe-acls.js';
export * from './30-create-acls.js';
export * from './31-delete-acls.js';
export * from './32-describe-configs.js';
export * from './33-alter-configs.js';
export * from './35-describe-log-dirs.js';
export * from './36-sasl-authenticate.js';
export * from './37-create-partitions.js';
export * from './42-delete-groups.js';
export * from './44-incremental-alter-configs.js';
export * from './45-alter-partition-reassignments.js';
export * from './46-list-partition-reassignments.js';
export * from './47-offset-delete.js';
export * from './50-describe-user-scram-credentials.js';
export * from './51-alter-user-scram-credentials.js';
export * from './60-describe-cluster.js';
export * from './61-describe-producers.js';
export * from './65-describe-transactions.js';
export * from './66-list-transactions.js';
export * from './68-consumer-group-heartbeat.js';
export * from './69-consumer-group-describe.js';
export * from './76-share-group-heartbeat.js';
export * from './77-share-group-describe.js';
export * from './78-share-fetch.js';
export * from './79-share-acknowledge.js';
export * from './90-describe-share-group-offsets.js';
export * from './91-alter-share-group-offsets.js';
export * from './92-delete-share-group-offsets.js';

/** Kafka's API keys for the APIs Kilgore has schemas for. */
export const ApiKey = {
  Produce: 0,
  Fetch: 1,
  ListOffsets: 2,
  Metadata: 3,
  OffsetCommit: 8,
  OffsetFetch: 9,
  FindCoordinator: 10,
  JoinGroup: 11,
  Heartbeat: 12,
  LeaveGroup: 13,
  SyncGroup: 14,
  DescribeGroups: 15,
  ListGroups: 16,
  SaslHandshake: 17,
  ApiVersions: 18,
  CreateTopics: 19,
  DeleteTopics: 20,
  DeleteRecords: 21,
  InitProducerId: 22,
  OffsetForLeaderEpoch: 23,
  AddPartitionsToTxn: 24,
  AddOffsetsToTxn: 25,
  EndTxn: 26,
  TxnOffsetCommit: 28,
  DescribeAcls: 29,
  CreateAcls: 30,
  DeleteAcls: 31,
  DescribeConfigs: 32,
  AlterConfigs: 33,
  DescribeLogDirs: 35,
  SaslAuthenticate: 36,
  CreatePartitions: 37,
  DeleteGroups: 42,
  IncrementalAlterConfigs: 44,
  AlterPartitionReassignments: 45,
  ListPartitionReassignments: 46,
  OffsetDelete: 47,
  DescribeUserScramCredentials: 50,
  AlterUserScramCredentials: 51,
  DescribeCluster: 60,
  DescribeProducers: 61,
  DescribeTransactions: 65,
  ListTransactions: 66,
  ConsumerGroupHeartbeat: 68,
  ConsumerGroupDescribe: 69,
  ShareGroupHeartbeat: 76,
  ShareGroupDescribe: 77,
  ShareFetch: 78,
  ShareAcknowledge: 79,
  DescribeShareGroupOffsets: 90,
  AlterShareGroupOffsets: 91,
  DeleteShareGroupOffsets: 92,
} as const;
export type ApiKey = (typeof ApiKey)[keyof typeof ApiKey];

/** Every schema, sorted by api key. */
export const apiSchemas: readonly ApiSchema[] = [
  ProduceSchema,
  FetchSchema,
  ListOffsetsSchema,
  MetadataSchema,
  OffsetCommitSchema,
  OffsetFetchSchema,
  FindCoordinatorSchema,
  JoinGroupSchema,
  HeartbeatSchema,
  LeaveGroupSchema,
  SyncGroupSchema,
  DescribeGroupsSchema,
  ListGroupsSchema,
  SaslHandshakeSchema,
  ApiVersionsSchema,
  CreateTopicsSchema,
  DeleteTopicsSchema,
  DeleteRecordsSchema,
  InitProducerIdSchema,
  OffsetForLeaderEpochSchema,
  AddPartitionsToTxnSchema,
  AddOffsetsToTxnSchema,
  EndTxnSchema,
  TxnOffsetCommitSchema,
  DescribeAclsSchema,
  CreateAclsSchema,
  DeleteAclsSchema,
  DescribeConfigsSchema,
  AlterConfigsSchema,
  DescribeLogDirsSchema,
  SaslAuthenticateSchema,
  CreatePartitionsSchema,
  DeleteGroupsSchema,
  IncrementalAlterConfigsSchema,
  AlterPartitionReassignmentsSchema,
  ListPartitionReassignmentsSchema,
  OffsetDeleteSchema,
  DescribeUserScramCredentialsSchema,
  AlterUserScramCredentialsSchema,
  DescribeClusterSchema,
  DescribeProducersSchema,
  DescribeTransactionsSchema,
  ListTransactionsSchema,
  ConsumerGroupHeartbeatSchema,
  ConsumerGroupDescribeSchema,
  ShareGroupHeartbeatSchema,
  ShareGroupDescribeSchema,
  ShareFetchSchema,
  ShareAcknowledgeSchema,
  DescribeShareGroupOffsetsSchema,
  AlterShareGroupOffsetsSchema,
  DeleteShareGroupOffsetsSchema,
];

const byKey: (ApiSchema | undefined)[] = [];
for (const schema of apiSchemas) byKey[schema.apiKey] = schema;

/** The schema for an api key, or undefined when Kilgore has none. */
export function schemaForApiKey(apiKey: number): ApiSchema | undefined {
  return Number.isInteger(apiKey) && apiKey >= 0 ? byKey[apiKey] : undefined;
}
