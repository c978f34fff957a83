/**
 * DescribeLogDirs (api key 35): versions 0-4, flexible 2+.
 *
 * Transcribed from Apache Kafka's DescribeLogDirsRequest.json and DescribeLogDirsResponse.json.
 */
import type { ApiSchema } from '../schema/index.js';

export interface DescribeLogDirsRequest {
  /** Each topic that we want to describe log directories for, or null for all topics. */
  topics: DescribeLogDirsRequestDescribableLogDirTopic[] | null;
}

export interface DescribeLogDirsRequestDescribableLogDirTopic {
  /** The topic name. */
  topic: string;
  /** The partition indexes. */
  partitions: number[];
}

export interface DescribeLogDirsResponse {
  throttleTimeMs: number;
  /** (v3+) The error code, or 0 if there was no error. */
  errorCode?: number;
  /** The log directories. */
  results: readonly DescribeLogDirsResponseDescribeLogDirsResult[];
}

export interface DescribeLogDirsResponseDescribeLogDirsResult {
  /** The error code, or 0 if there was no error. */
  errorCode: number;
  /** The absolute log directory path. */
  logDir: string;
  /** Each topic. */
  topics: readonly DescribeLogDirsResponseDescribeLogDirsTopic[];
  /** (v4+) The total size in bytes of the volume the log directory is in. */
  totalBytes?: bigint;
  /** (v4+) The usable size in bytes of the volume the log directory is in. */
  usableBytes?: bigint;
}

export interface DescribeLogDirsResponseDescribeLogDirsTopic {
  /** The topic name. */
  name: string;
  partitions: readonly DescribeLogDirsResponseDescribeLogDirsPartition[];
}

export interface DescribeLogDirsResponseDescribeLogDirsPartition {
  /** The partition index. */
  partitionIndex: number;
  /** The size of the log segments in this partition in bytes. */
  partitionSize: bigint;
  /** The lag of the log's LEO w.r.t. partition's HW (current log) or current replica's LEO (future log). */
  offsetLag: bigint;
  /** True if this log is created by AlterReplicaLogDirsRequest and will replace the current log. */
  isFutureKey: boolean;
}

export const DescribeLogDirsSchema: ApiSchema = {
  name: 'DescribeLogDirs',
  apiKey: 35,
  validVersions: '0-4',
  flexibleVersions: '2+',
  request: {
    fields: [
      {
        name: 'topics',
        type: '[]DescribableLogDirTopic',
        versions: '0+',
        nullableVersions: '0+',
        about: 'Each topic that we want to describe log directories for, or null for all topics.',
        fields: [
          { name: 'topic', type: 'string', versions: '0+', about: 'The topic name' },
          { name: 'partitions', type: '[]int32', versions: '0+', about: 'The partition indexes.' },
        ],
      },
    ],
  },
  response: {
    fields: [
      { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
      { name: 'errorCode', type: 'int16', versions: '3+', ignorable: true },
      {
        name: 'results',
        type: '[]DescribeLogDirsResult',
        versions: '0+',
        about: 'The log directories.',
        fields: [
          { name: 'errorCode', type: 'int16', versions: '0+' },
          { name: 'logDir', type: 'string', versions: '0+', about: 'The absolute log directory path.' },
          {
            name: 'topics',
            type: '[]DescribeLogDirsTopic',
            versions: '0+',
            about: 'Each topic.',
            fields: [
              { name: 'name', type: 'string', versions: '0+', about: 'The topic name.' },
              {
                name: 'partitions',
                type: '[]DescribeLogDirsPartition',
                versions: '0+',
                fields: [
                  { name: 'partitionIndex', type: 'int32', versions: '0+', about: 'The partition index.' },
                  { name: 'partitionSize', type: 'int64', versions: '0+' },
                  { name: 'offsetLag', type: 'int64', versions: '0+' },
                  { name: 'isFutureKey', type: 'bool', versions: '0+' },
                ],
              },
            ],
          },
          { name: 'totalBytes', type: 'int64', versions: '4+', ignorable: true, default: -1n },
          { name: 'usableBytes', type: 'int64', versions: '4+', ignorable: true, default: -1n },
        ],
      },
    ],
  },
};
