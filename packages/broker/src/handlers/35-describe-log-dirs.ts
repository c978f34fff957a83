import { statfsSync } from 'node:fs';
import path from 'node:path';
import {
  ApiKey,
  type DescribeLogDirsRequest,
  type DescribeLogDirsResponse,
  type DescribeLogDirsResponseDescribeLogDirsTopic,
  ErrorCode,
} from '@kilgore/protocol';
import { mayCluster } from '../acl/checks.js';
import { AclOperation } from '../acl/types.js';
import type { BrokerContext } from '../context.js';
import { defineHandler } from './types.js';

/**
 * DescribeLogDirs (`kafka-log-dirs`, Admin.describeLogDirs): this node's one log dir with the
 * partitions it keeps (on chains, those it is a replica of) and their sizes, and the volume's
 * total and usable bytes (v4). As Kafka: DESCRIBE on the cluster, offset lag max(HW - LEO, 0)
 * (always 0 for a current log), no future logs.
 */
export const describeLogDirsHandler = defineHandler<DescribeLogDirsRequest, DescribeLogDirsResponse>({
  apiKey: ApiKey.DescribeLogDirs,
  minVersion: 0,
  maxVersion: 4,
  handle(request, info, broker) {
    if (!mayCluster(broker, info, AclOperation.DESCRIBE)) {
      return { throttleTimeMs: 0, errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, results: [] };
    }
    const logDir = path.resolve(broker.config.logDir);
    let volume: { totalBytes: bigint; usableBytes: bigint };
    try {
      const fs = statfsSync(logDir, { bigint: true });
      volume = { totalBytes: fs.blocks * fs.bsize, usableBytes: fs.bavail * fs.bsize };
    } catch (err) {
      broker.log.warn({ err, logDir }, 'DescribeLogDirs: cannot read the volume of the log dir');
      return {
        throttleTimeMs: 0,
        errorCode: ErrorCode.NONE,
        results: [{ errorCode: ErrorCode.KAFKA_STORAGE_ERROR, logDir, topics: [] }],
      };
    }
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      results: [{ errorCode: ErrorCode.NONE, logDir, topics: partitionsHere(broker, request), ...volume }],
    };
  },
});

function partitionsHere(
  broker: BrokerContext,
  request: DescribeLogDirsRequest,
): DescribeLogDirsResponseDescribeLogDirsTopic[] {
  const asked =
    request.topics?.map((t) => ({ name: t.topic, partitions: t.partitions })) ??
    broker.topics
      .list()
      .map((t) => ({ name: t.name, partitions: Array.from({ length: t.partitions }, (_, p) => p) }));
  const out: DescribeLogDirsResponseDescribeLogDirsTopic[] = [];
  for (const t of asked) {
    const partitions = t.partitions.flatMap((partitionIndex) => {
      const log = broker.topics.get(t.name) ? broker.logs.get(t.name, partitionIndex) : undefined;
      if (log === undefined) return [];
      return [
        {
          partitionIndex,
          partitionSize: BigInt(log.sizeInBytes ?? 0),
          offsetLag: BigInt(Math.max(log.highWatermark - log.logEndOffset, 0)),
          isFutureKey: false,
        },
      ];
    });
    if (partitions.length > 0) out.push({ name: t.name, partitions });
  }
  return out;
}
