import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * `partition.metadata` in a partition dir, as Kafka writes it (PartitionMetadataFile.java):
 * `version: 0` and `topic_id: <base64url uuid>`. It is how a topic keeps its id across restarts.
 */
export function readPartitionMetadata(partitionDir: string): string | null {
  try {
    const text = readFileSync(join(partitionDir, 'partition.metadata'), 'utf8');
    const m = /^topic_id:\s*([A-Za-z0-9_-]{22})\s*$/m.exec(text);
    return m?.[1] ?? null;
  } catch {
    return null;
  }
}

export function writePartitionMetadata(partitionDir: string, topicId: string): void {
  const path = join(partitionDir, 'partition.metadata');
  writeFileSync(`${path}.tmp`, `version: 0\ntopic_id: ${topicId}\n`);
  renameSync(`${path}.tmp`, path);
}
