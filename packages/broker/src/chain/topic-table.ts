/**
 * The cluster's topic table under chain replication. Every node knows every topic (Metadata from
 * any node lists them all) but keeps logs only for its chain's partitions, so the table cannot
 * come from the partition dirs alone: it is kept in `<log dir>/chain-topics.json` as well.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { TopicInfo } from '../topics/registry.js';

export const CHAIN_TOPICS_FILE = 'chain-topics.json';

export function readTopicTable(logDir: string): TopicInfo[] {
  const file = path.join(logDir, CHAIN_TOPICS_FILE);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  const parsed = JSON.parse(text) as unknown;
  if (!Array.isArray(parsed)) throw new Error(`${file}: not a list of topics`);
  return parsed
    .filter(
      (t): t is TopicInfo =>
        typeof t?.name === 'string' && typeof t?.id === 'string' && Number.isInteger(t?.partitions),
    )
    .map((t) => ({
      name: t.name,
      id: t.id,
      partitions: t.partitions,
      ...(Number.isInteger(t.replicationFactor) && t.replicationFactor! >= 1
        ? { replicationFactor: t.replicationFactor }
        : {}),
      ...(factorMap(t.partitionReplicationFactors)
        ? { partitionReplicationFactors: t.partitionReplicationFactors }
        : {}),
      ...(factorMap(t.reassigning) ? { reassigning: t.reassigning } : {}),
      ...(placementMap(t.placedOn) ? { placedOn: t.placedOn } : {}),
      ...(moveMap(t.moves) ? { moves: t.moves } : {}),
      ...(Number.isInteger(t.reassignmentVersion) ? { reassignmentVersion: t.reassignmentVersion } : {}),
    }));
}

/** Partition index to chain name (files written before moves existed have none). */
function placementMap(m: unknown): boolean {
  if (m === null || typeof m !== 'object') return false;
  return Object.entries(m).every(([k, v]) => /^\d+$/.test(k) && typeof v === 'string' && v !== '');
}

/** Partition index to a move in progress, each field of the expected type. */
function moveMap(m: unknown): boolean {
  if (m === null || typeof m !== 'object') return false;
  return Object.entries(m).every(
    ([k, v]) =>
      /^\d+$/.test(k) &&
      typeof v?.to === 'string' &&
      typeof v?.from === 'string' &&
      Number.isInteger(v?.factor) &&
      Number.isInteger(v?.fromFactor) &&
      typeof v?.switched === 'boolean',
  );
}

/** A map of partition index to replication factor as the file holds it, or false. */
function factorMap(m: unknown): boolean {
  if (m === null || typeof m !== 'object') return false;
  return Object.entries(m).every(([k, v]) => /^\d+$/.test(k) && Number.isInteger(v) && (v as number) >= 1);
}

export function writeTopicTable(logDir: string, topics: readonly TopicInfo[]): void {
  const file = path.join(logDir, CHAIN_TOPICS_FILE);
  const tmp = `${file}.tmp`;
  fs.writeFileSync(
    tmp,
    // A topic without a replication factor (the whole chain) is written as before this field.
    JSON.stringify(
      topics.map((t) => ({
        name: t.name,
        id: t.id,
        partitions: t.partitions,
        ...(t.replicationFactor === undefined ? {} : { replicationFactor: t.replicationFactor }),
        ...(t.partitionReplicationFactors
          ? { partitionReplicationFactors: t.partitionReplicationFactors }
          : {}),
        ...(t.reassigning ? { reassigning: t.reassigning } : {}),
        ...(t.placedOn ? { placedOn: t.placedOn } : {}),
        ...(t.moves ? { moves: t.moves } : {}),
        ...(t.reassignmentVersion ? { reassignmentVersion: t.reassignmentVersion } : {}),
      })),
    ),
  );
  fs.renameSync(tmp, file);
}
