import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { randomKafkaId } from '../node/meta-properties.js';
import { readPartitionMetadata, writePartitionMetadata } from './partition-metadata.js';
import { invalidTopicNameReason } from './topic-name.js';

export interface TopicInfo {
  readonly name: string;
  /** Kafka's base64url spelling of the topic's UUID, stable across restarts. */
  readonly id: string;
  readonly partitions: number;
  /**
   * Under chains: how many members of its chain keep each partition (the head and the next R-1).
   * Absent: the whole chain (topics created before replication factors, or with the default).
   */
  readonly replicationFactor?: number;
  /** Per-partition factors set by AlterPartitionReassignments, over `replicationFactor`. */
  readonly partitionReplicationFactors?: Readonly<Record<number, number>>;
  /**
   * Partitions whose factor grew by a reassignment and whose new replicas are still catching up,
   * with their factor before it (to report the replicas being added, and to cancel).
   */
  readonly reassigning?: Readonly<Record<number, number>>;
  /** Partitions a reassignment moved to another chain than hashing gives: the chain's name. */
  readonly placedOn?: Readonly<Record<number, string>>;
  /** Moves of partitions to another chain in progress (AlterPartitionReassignments). */
  readonly moves?: Readonly<Record<number, PartitionMove>>;
  /** Counts the reassignment changes of this topic, so nodes keep the newest state they hear of. */
  readonly reassignmentVersion?: number;
}

/** A partition on its way to another chain. */
export interface PartitionMove {
  /** The chain it goes to, and its replication factor there. */
  readonly to: string;
  readonly factor: number;
  /** The chain it comes from, and its factor there (-1: the whole chain), to list and cancel. */
  readonly from: string;
  readonly fromFactor: number;
  /** Ownership moved: the target's head took it (it copies it, then its replicas catch up). */
  readonly switched: boolean;
}

/** The replication factor of one partition: its own (a reassignment), else its topic's. */
export function replicationFactorOf(topic: TopicInfo, partition: number): number | undefined {
  return topic.partitionReplicationFactors?.[partition] ?? topic.replicationFactor;
}

/** A failure with the Kafka error code a client should see. */
export class TopicError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
    this.name = 'TopicError';
  }
}

// Kafka's codes, kept local so this file needs nothing from the wire layer.
const INVALID_TOPIC_EXCEPTION = 17;
const TOPIC_ALREADY_EXISTS = 36;
const INVALID_PARTITIONS = 37;
const UNKNOWN_TOPIC_OR_PARTITION = 3;
const POLICY_VIOLATION = 44;

/**
 * The most partitions one topic may have. Kafka's controller refuses an operation of more than
 * 10,000 records (QuorumController's MAX_RECORDS_PER_USER_OP); without a bound a single
 * CreateTopics or CreatePartitions asking for 2^31-1 partitions would have this node try to open
 * that many logs (found by the fuzzer).
 */
export const MAX_PARTITIONS_PER_TOPIC = 10_000;

const PARTITION_DIR = /^(.+)-(\d+)$/;

/**
 * The topics this node hosts, found on disk at start (`<topic>-<n>` dirs with their
 * `partition.metadata`) and changed by CreateTopics/DeleteTopics/CreatePartitions/auto-create.
 */
export class TopicRegistry {
  private readonly byName = new Map<string, TopicInfo>();
  private readonly byIdMap = new Map<string, TopicInfo>();
  /**
   * Which partitions have a directory here. Chain replication sets it: a node keeps only the
   * partitions of its own chain (the whole topic table comes from chain-topics.json).
   */
  hosted: (topic: string, partition: number) => boolean = () => true;

  constructor(
    private readonly logDir: string,
    private readonly log: Logger,
    /**
     * The most partitions all topics together may have (`kilgore.max.partitions`). Each one is a
     * directory and open files, so a client allowed to create topics could otherwise fill the
     * disk (a million-input fuzz run made 8 million partition dirs, 63 GB of them).
     */
    private readonly maxTotalPartitions = Number.POSITIVE_INFINITY,
  ) {}

  /** Partitions of all topics together. */
  totalPartitions(): number {
    let n = 0;
    for (const t of this.byName.values()) n += t.partitions;
    return n;
  }

  /** Scans the log dir. Partition dirs without an id get one (a log dir written by an old tool). */
  load(): void {
    mkdirSync(this.logDir, { recursive: true });
    const found = new Map<string, { ids: Set<string>; max: number; withId: number }>();
    for (const entry of readdirSync(this.logDir, { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      const m = PARTITION_DIR.exec(entry.name);
      // Kafka's "-delete" and "-future" dirs have a suffix after a dot, so they do not match.
      if (!m || invalidTopicNameReason(m[1]!) !== null) continue;
      const t = found.get(m[1]!) ?? { ids: new Set<string>(), max: -1, withId: 0 };
      const id = readPartitionMetadata(join(this.logDir, entry.name));
      if (id) {
        t.ids.add(id);
        t.withId++;
      }
      t.max = Math.max(t.max, Number(m[2]));
      found.set(m[1]!, t);
    }
    for (const [name, t] of found) {
      const id = [...t.ids][0] ?? randomKafkaId();
      if (t.ids.size > 1)
        this.log.warn({ topic: name, ids: [...t.ids] }, 'partitions disagree on the topic id; using one');
      // Partition dirs are created together, so a gap (or a dir without an id) means a lost
      // dir or file: rewrite them so every partition carries the one id.
      this.register({ name, id, partitions: t.max + 1 }, t.ids.size !== 1 || t.withId !== t.max + 1);
    }
    this.log.info({ topics: this.byName.size }, 'topics loaded');
  }

  get(name: string): TopicInfo | undefined {
    return this.byName.get(name);
  }

  byId(id: string): TopicInfo | undefined {
    return this.byIdMap.get(id);
  }

  list(): TopicInfo[] {
    return [...this.byName.values()];
  }

  /** Checks what `create` would check, without creating (CreateTopics validate_only). */
  validateCreate(name: string, partitions: number): void {
    const bad = invalidTopicNameReason(name);
    if (bad) throw new TopicError(INVALID_TOPIC_EXCEPTION, bad);
    if (this.byName.has(name)) throw new TopicError(TOPIC_ALREADY_EXISTS, `Topic '${name}' already exists.`);
    if (!Number.isInteger(partitions) || partitions < 1) {
      throw new TopicError(INVALID_PARTITIONS, 'Number of partitions must be larger than 0.');
    }
    if (partitions > MAX_PARTITIONS_PER_TOPIC) {
      throw new TopicError(
        INVALID_PARTITIONS,
        `Number of partitions ${partitions} is above the limit of ${MAX_PARTITIONS_PER_TOPIC} per topic.`,
      );
    }
    this.checkTotal(partitions);
    // Kafka refuses names that collide once '.' and '_' are treated alike (metric names clash).
    const canon = name.replaceAll('.', '_');
    for (const other of this.byName.keys()) {
      if (other.replaceAll('.', '_') === canon) {
        throw new TopicError(
          INVALID_TOPIC_EXCEPTION,
          `Topic '${name}' collides with existing topic: ${other}`,
        );
      }
    }
  }

  /** `id`: a topic id given by another node (chain replication); new otherwise. */
  create(
    name: string,
    partitions: number,
    id: string = randomKafkaId(),
    replicationFactor?: number,
  ): TopicInfo {
    this.validateCreate(name, partitions);
    const topic: TopicInfo =
      replicationFactor === undefined
        ? { name, id, partitions }
        : { name, id, partitions, replicationFactor };
    this.register(topic, true);
    this.log.info({ topic: name, partitions, topicId: topic.id }, 'topic created');
    return topic;
  }

  /** Checks what `grow` would check (CreatePartitions validate_only). */
  validateGrow(name: string, total: number): TopicInfo {
    const t = this.byName.get(name);
    if (!t) throw new TopicError(UNKNOWN_TOPIC_OR_PARTITION, `Topic '${name}' does not exist.`);
    if (total <= t.partitions) {
      throw new TopicError(
        INVALID_PARTITIONS,
        `Topic currently has ${t.partitions} partitions, which is higher than the requested ${total}.`,
      );
    }
    if (total > MAX_PARTITIONS_PER_TOPIC) {
      throw new TopicError(
        INVALID_PARTITIONS,
        `Number of partitions ${total} is above the limit of ${MAX_PARTITIONS_PER_TOPIC} per topic.`,
      );
    }
    this.checkTotal(total - t.partitions);
    return t;
  }

  /** Adds partitions (CreatePartitions); `total` is the new count. */
  grow(name: string, total: number): TopicInfo {
    const t = this.validateGrow(name, total);
    const grown: TopicInfo = { ...t, partitions: total };
    this.register(grown, true);
    return grown;
  }

  delete(name: string): TopicInfo {
    const t = this.byName.get(name);
    if (!t)
      throw new TopicError(UNKNOWN_TOPIC_OR_PARTITION, 'This server does not host this topic-partition.');
    this.byName.delete(name);
    this.byIdMap.delete(t.id);
    for (let p = 0; p < t.partitions; p++) {
      rmSync(join(this.logDir, `${name}-${p}`), { recursive: true, force: true });
    }
    this.log.info({ topic: name, topicId: t.id }, 'topic deleted');
    return t;
  }

  partitionDir(name: string, partition: number): string {
    return join(this.logDir, `${name}-${partition}`);
  }

  /**
   * Takes a topic as another node describes it (chain replication): created, or grown, without
   * the checks a client request gets; the id is the given one.
   */
  adopt(topic: TopicInfo): TopicInfo {
    const cur = this.byName.get(topic.name);
    if (cur && cur.id !== topic.id) this.byIdMap.delete(cur.id);
    const next = cur ? { ...topic, partitions: Math.max(cur.partitions, topic.partitions) } : topic;
    this.register(next, true);
    return next;
  }

  private checkTotal(added: number): void {
    const total = this.totalPartitions();
    if (total + added > this.maxTotalPartitions) {
      throw new TopicError(
        POLICY_VIOLATION,
        `Adding ${added} partitions would make ${total + added}, above kilgore.max.partitions (${this.maxTotalPartitions}).`,
      );
    }
  }

  private register(topic: TopicInfo, writeMetadata: boolean): void {
    // First: which partitions are hosted here may depend on the topic (its replication factor).
    this.byName.set(topic.name, topic);
    this.byIdMap.set(topic.id, topic);
    if (writeMetadata) {
      for (let p = 0; p < topic.partitions; p++) {
        if (!this.hosted(topic.name, p)) continue;
        const dir = this.partitionDir(topic.name, p);
        mkdirSync(dir, { recursive: true });
        writePartitionMetadata(dir, topic.id);
      }
    }
  }
}
