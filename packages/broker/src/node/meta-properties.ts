import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseProperties } from '../config/properties.js';

/** What `meta.properties` at the log-dir root says about this node (Kafka's KRaft v1 layout). */
export interface MetaProperties {
  clusterId: string;
  nodeId: number;
  directoryId: string;
}

/** A random UUID as Kafka prints cluster and directory ids: 22 chars of unpadded base64url. */
export function randomKafkaId(): string {
  return Buffer.from(randomUUID().replaceAll('-', ''), 'hex').toString('base64url');
}

export class MetaPropertiesError extends Error {
  override name = 'MetaPropertiesError';
}

/**
 * Reads `meta.properties` from the log dir, or writes a new one on first start (what
 * `kafka-storage.sh format` does for Kafka). A stored node.id that differs from the configured
 * one is refused, as Kafka refuses it: the data belongs to another node.
 */
export function loadOrCreateMetaProperties(
  logDir: string,
  nodeId: number,
  /** The cluster id for a new log dir (a chain node joins its cluster's); random if absent. */
  newClusterId?: string,
): MetaProperties {
  const path = join(logDir, 'meta.properties');
  if (existsSync(path)) {
    const p = parseProperties(readFileSync(path, 'utf8'));
    const clusterId = p.get('cluster.id');
    const storedNode = Number(p.get('node.id') ?? p.get('broker.id'));
    if (!clusterId) throw new MetaPropertiesError(`${path} has no cluster.id`);
    if (storedNode !== nodeId) {
      throw new MetaPropertiesError(
        `node.id ${nodeId} does not match node.id ${storedNode} stored in ${path}; this log dir belongs to another node`,
      );
    }
    return { clusterId, nodeId, directoryId: p.get('directory.id') ?? randomKafkaId() };
  }
  mkdirSync(logDir, { recursive: true });
  const meta: MetaProperties = {
    clusterId: newClusterId ?? randomKafkaId(),
    nodeId,
    directoryId: randomKafkaId(),
  };
  const text = [
    '#',
    `#${new Date().toString()}`,
    `node.id=${meta.nodeId}`,
    `directory.id=${meta.directoryId}`,
    'version=1',
    `cluster.id=${meta.clusterId}`,
    '',
  ].join('\n');
  writeFileSync(`${path}.tmp`, text);
  renameSync(`${path}.tmp`, path);
  return meta;
}
